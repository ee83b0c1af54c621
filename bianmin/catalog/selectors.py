"""Reads of the catalog: the public list (by region, department, life event and search) and one guide.

The catalog is public (六公开), so these take no user; list pages and the API both read through here
so they agree on what "published in this region" and "matches q" mean.
"""

from django.db.models import Prefetch, QuerySet

from bianmin.catalog.models import Field, Item, Material
from bianmin.catalog.search import normalise_query
from bianmin.regions.models import Department, Region


def search(items: QuerySet[Item], q: str | None) -> QuerySet[Item]:
    """Items whose name, codes or pinyin (initials of any reading, or full) contain `q`."""
    needle = normalise_query(q)
    if not needle:
        return items
    # icontains escapes % and _ itself; the key is already lower case.
    return (
        items.filter(search_key__contains=needle)
        if needle.isascii()
        else items.filter(search_key__icontains=needle)
    )


def published_items(
    region: Region | None = None,
    q: str | None = None,
    *,
    kind: str | None = None,
    department: str | None = None,
    life_event: str | None = None,
) -> QuerySet[Item]:
    """Published items in a region's subtree, ready to list (lead, escalation and joints in 2 queries)."""
    items = Item.objects.published()
    if region is not None:
        items = items.in_region(region)
    if kind:
        items = items.filter(lead_department__kind=kind)
    if department:
        items = items.filter(lead_department__code=department)
    if life_event:
        items = items.filter(life_events__contains=life_event[:20])
    items = search(items, q)
    return (
        items.select_related("lead_department", "escalate_to", "region")
        .prefetch_related(Prefetch("joint_departments", queryset=Department.objects.order_by("code")))
        .order_by("region_id", "basic_code", "code")
    )


def intake_choices(region: Region, q: str, *, proxy: bool = False, limit: int = 20) -> list[Item]:
    """The live search behind an intake form: a center's published items matching `q` (nothing for an
    empty query). The window offers every item; a village agent only those with 全程代办 (`proxy`)."""
    if not (q or "").strip():
        return []
    items = published_items(region, q)
    if proxy:
        items = items.filter(proxy=True)
    return list(items[:limit])


def published_item(code: str) -> Item | None:
    """The published version of the item with this implementation code, with everything a guide shows."""
    return (
        Item.objects.published()
        .filter(code=code[:40])
        .select_related("lead_department", "escalate_to", "region__parent", "lead_department__center")
        .prefetch_related(
            Prefetch("joint_departments", queryset=Department.objects.order_by("code")),
            Prefetch("materials", queryset=Material.objects.order_by("position", "id")),
            Prefetch("fields", queryset=Field.objects.order_by("position", "id")),
        )
        .first()
    )
