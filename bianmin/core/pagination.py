"""List pagination per API.md: ?page=1&page_size=50 (max 200) → {"count", "results"}."""

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def paginate(queryset: QuerySet, page: PageQuery) -> tuple[int, QuerySet]:
    """The total count and the requested slice; the caller serialises the slice (one query, no N+1)."""
    count = queryset.count()
    start = (page.page - 1) * page.page_size
    return count, queryset[start : start + page.page_size]
