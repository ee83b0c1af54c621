"""Public API: regions, centers and departments are public facts (六公开)."""

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from pydantic import Field

from bianmin.core.pagination import PageQuery, paginate
from bianmin.regions.models import Center, Department, Region

router = Router(tags=["regions"])

REGION_CODE = r"^\d{12}$"


class RegionBrief(Schema):
    code: str
    name: str
    level: int


class RegionOut(RegionBrief):
    parent: str | None
    children: list[RegionBrief]


class CenterOut(Schema):
    code: str
    name: str
    level: str
    region: str
    address: str
    opening_hours: str
    service_phone: str
    supervision_phone: str
    parent: str | None


class DepartmentOut(Schema):
    code: str
    name: str
    region: str
    center: str | None
    phone: str


class RegionFilter(PageQuery):
    region: str | None = Field(None, pattern=REGION_CODE, description="12 位区划代码；返回其整个下辖范围")


class CenterPage(Schema):
    count: int
    results: list[CenterOut]


class DepartmentPage(Schema):
    count: int
    results: list[DepartmentOut]


@router.get("/regions/{code}", response=RegionOut, auth=None, summary="行政区划及其下级")
def get_region(request, code: str = Path(..., pattern=REGION_CODE)):
    region = get_object_or_404(Region.objects.select_related("parent"), code=code)
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id,
        "children": list(region.children.order_by("code").values("code", "name", "level")),
    }


def _in_region(queryset, region_code: str | None):
    if not region_code:
        return queryset
    region = get_object_or_404(Region, code=region_code)
    return queryset.within(region)


@router.get("/centers", response=CenterPage, auth=None, summary="便民服务中心（站、点）")
def list_centers(request, filters: Query[RegionFilter]):
    centers = _in_region(Center.objects.filter(is_active=True), filters.region).select_related("parent")
    count, page = paginate(centers.order_by("code"), filters)
    return {
        "count": count,
        "results": [
            {
                "code": c.code,
                "name": c.name,
                "level": c.level,
                "region": c.region_id,
                "address": c.address,
                "opening_hours": c.opening_hours,
                "service_phone": c.service_phone,
                "supervision_phone": c.supervision_phone,
                "parent": c.parent.code if c.parent else None,
            }
            for c in page
        ],
    }


@router.get("/departments", response=DepartmentPage, auth=None, summary="部门（站所）")
def list_departments(request, filters: Query[RegionFilter]):
    departments = _in_region(Department.objects.all(), filters.region).select_related("center")
    count, page = paginate(departments.order_by("code"), filters)
    return {
        "count": count,
        "results": [
            {
                "code": d.code,
                "name": d.name,
                "region": d.region_id,
                "center": d.center.code if d.center else None,
                "phone": d.phone,
            }
            for d in page
        ],
    }
