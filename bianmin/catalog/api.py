"""Public item API (API.md "Items"): the published catalog and one item's guide as JSON."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from bianmin.catalog import selectors
from bianmin.catalog.services import take_on_rates
from bianmin.core.errors import NotFound
from bianmin.core.pagination import PageQuery, paginate
from bianmin.regions.models import Level, Region

router = Router(tags=["items"])


class DepartmentRef(Schema):
    code: str
    name: str


class ItemMaterialOut(Schema):
    id: int
    name: str
    originals: int
    copies: int
    required: bool
    deferrable: bool
    issuer: str
    standard: str


class FieldOut(Schema):
    code: str
    label: str
    datatype: str
    required: bool
    choices: list[str]


class ItemBrief(Schema):
    code: str
    name: str
    short_name: str
    item_type: str
    level: int
    mode: str
    case_class: str
    region: str
    version: int
    legal_limit_days: int
    promised_limit_days: int
    lead_department: DepartmentRef
    guide_url: str


class ItemOut(ItemBrief):
    basic_code: str
    extension_days: int
    joint_departments: list[DepartmentRef]
    escalate_to: DepartmentRef | None
    fee: bool
    fee_standard: str
    online: bool
    proxy: bool
    appointment: bool
    max_visits: int
    legal_basis: str
    conditions: str
    process: str
    place: str
    hours: str
    consult_phone: str
    supervise_phone: str
    life_events: list[str]
    materials: list[ItemMaterialOut]
    fields: list[FieldOut]


class ItemPage(Schema):
    count: int
    results: list[ItemBrief]


class ItemFilter(PageQuery):
    region: str | None = Field(None, pattern=r"^\d{12}$", description="12 位区划代码；列出其下辖范围的事项")
    # Long strings are cut by the search itself; a cap here would turn them into 422s.
    q: str | None = Field(None, description="名称、编码或拼音首字母（如 dbsq）")


def _dept(d):
    return {"code": d.code, "name": d.name} if d else None


def _brief(item) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "short_name": item.short_name,
        "item_type": item.item_type,
        "level": item.level,
        "mode": item.mode,
        "case_class": item.case_class,
        "region": item.region_id,
        "version": item.version,
        "legal_limit_days": item.legal_limit_days,
        "promised_limit_days": item.promised_limit_days,
        "lead_department": _dept(item.lead_department),
        "guide_url": f"/guide/{item.code}/",
    }


@router.get(
    "/items", response=ItemPage, auth=None, summary="已发布事项清单（可按区划、关键词或拼音首字母检索）"
)
def list_items(request, filters: Query[ItemFilter]):
    region = get_object_or_404(Region, code=filters.region) if filters.region else None
    count, page = paginate(selectors.published_items(region, filters.q), filters)
    return {"count": count, "results": [_brief(item) for item in page]}


@router.get("/items/{code}", response=ItemOut, auth=None, summary="事项办事指南（已发布版本）")
def get_item(request, code: str):
    item = selectors.published_item(code)
    if item is None:
        raise NotFound("未找到该事项或事项未发布", code="item_not_found")
    return {
        **_brief(item),
        "basic_code": item.basic_code,
        "extension_days": item.extension_days,
        "joint_departments": [_dept(d) for d in item.joint_departments.all()],
        "escalate_to": _dept(item.escalate_to),
        "fee": item.fee,
        "fee_standard": item.fee_standard,
        "online": item.online,
        "proxy": item.proxy,
        "appointment": item.appointment,
        "max_visits": item.max_visits,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "process": item.process,
        "place": item.place,
        "hours": item.hours,
        "consult_phone": item.consult_phone,
        "supervise_phone": item.supervise_phone,
        "life_events": item.life_event_list,
        "materials": list(item.materials.all()),
        "fields": list(item.fields.all()),
    }


class TakeOnRateOut(Schema):
    region: str
    name: str
    delegated: int
    taken_on: int
    rate: float | None


@router.get(
    "/delegations/take-on-rates",
    response=list[TakeOnRateOut],
    auth=None,
    summary="下放事项承接率（按乡镇）",
)
def list_take_on_rates(request, region: str = Query(..., pattern=r"^\d{12}$")):
    county = get_object_or_404(Region, code=region, level=Level.COUNTY)
    return [
        {
            "region": r.region.code,
            "name": r.region.name,
            "delegated": r.delegated,
            "taken_on": r.taken_on,
            "rate": r.rate,
        }
        for r in take_on_rates(county)
    ]
