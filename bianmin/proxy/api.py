"""API for the village proxy service (API.md "Village proxy handovers" and additions): thin — validate,
call a service or selector, shape JSON."""

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from bianmin.accounts.auth import staff_auth
from bianmin.cases.api import iso, uploaded_json
from bianmin.cases.custody import custody_of, holders
from bianmin.cases.idempotency import OPENAPI as IDEMPOTENCY_OPENAPI
from bianmin.cases.idempotency import idempotent
from bianmin.core.errors import NotFound
from bianmin.core.pagination import PageQuery, paginate
from bianmin.core.schemas import DbId, binary_download
from bianmin.proxy import services
from bianmin.proxy.documents import render_sheet_pdf
from bianmin.proxy.register import build_register, workbook
from bianmin.proxy.selectors import handover_for, handovers_visible_to, with_entries

router = Router(tags=["proxy"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- schemas ---------------------------------------------------------------------------------------


class HandoverIn(Schema):
    direction: Literal["up", "down"]
    cases: list[str] = Field(..., max_length=200)
    agent: str | None = Field(None, max_length=150, description="down：带回结果的代办员用户名")
    signature: str | None = Field(
        None, max_length=500_000, description="交出人手写签名（PNG data URL），可选"
    )


class ReceiveIn(Schema):
    received: list[str] = Field([], max_length=200)
    notes: dict[str, str] = Field({}, description="{办件编号: 缺件说明}")
    missing: list[str] = Field([], max_length=200, description="未随交接单送到的办件")
    signature: str | None = Field(
        None, max_length=500_000, description="接收人手写签名（PNG data URL），可选"
    )


class EndOut(Schema):
    user: str | None
    center: str | None
    label: str


class HandoverCaseOut(Schema):
    number: str
    item: str
    applicant: str
    state: str
    papers: list[dict]
    note: str
    received_at: str | None
    received_by: str | None


class HandoverOut(Schema):
    id: int
    direction: str
    state: str
    from_: EndOut = Field(..., alias="from")
    to: EndOut
    village: str
    agent: str
    created_at: str
    closed_at: str | None
    from_signed_at: str | None = Field(None, description="交出人手写签名时间")
    to_signed_at: str | None = Field(None, description="接收人手写签名时间")
    sheet_url: str
    cases: list[HandoverCaseOut]


class HandoverPage(Schema):
    count: int
    results: list[HandoverOut]


class HandoverFilter(PageQuery):
    direction: Literal["up", "down"] | None = None
    state: Literal["in_transit", "partly_received", "received"] | None = None


class CustodyOut(Schema):
    number: str
    location: str
    location_label: str
    holder: str
    holders: list[str] = Field(
        [], description="经手人，按先后顺序（登记的代办员、在途、镇中心签收人……送达的村民）"
    )


class MandateIn(Schema):
    villager_name: str = Field("", max_length=100)
    villager_id_number: str = Field("", max_length=40)
    entrusted: str = Field("", max_length=2000)
    method: Literal["signature", "sms"] = "signature"
    signature: str = Field("", max_length=500_000, description="PNG 签名（data URL 或 base64）")
    phone: str = Field("", max_length=20, description="sms：只能是申请人登记的手机号（可省略）")


class MandateCodeIn(Schema):
    code: str = Field(..., max_length=12)


class MandateOut(Schema):
    number: str
    villager_name: str
    method: str
    signed: bool
    signed_at: str | None
    document_url: str | None


class DeliveryIn(Schema):
    receiver: str = Field("", max_length=100)
    signature: str = Field("", max_length=500_000, description="签收人手写签名 PNG（data URL 或 base64）")
    version: int | None = None


class DeliveryOut(Schema):
    number: str
    state: str
    delivered_at: str | None
    receiver: str
    document_url: str


class PhotoOut(Schema):
    id: int
    material: int | None
    content_type: str
    size: int
    url: str


class RegisterQuery(Schema):
    agent: str | None = Field(None, max_length=150)
    village: str | None = Field(None, max_length=12)
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


class RegisterRow(Schema):
    number: str
    village: str
    agent: str
    applicant: str
    item: str
    home_visit: bool
    state: str
    received_at: str
    handed_over_at: str | None
    accepted_at: str | None
    completed_at: str | None
    delivered_at: str | None
    intake_days: int | None = Field(None, description="登记→受理，工作日")
    return_days: int | None = Field(None, description="办结→送达，工作日")
    days: int | None = Field(None, description="登记→送达，工作日")


class RegisterTotals(Schema):
    registered: int
    home_visits: int
    handed_over: int
    accepted: int
    completed: int
    delivered: int
    avg_intake_days: float | None = Field(None, description="平均登记→受理，工作日")
    avg_return_days: float | None = Field(None, description="平均办结→送达，工作日")
    avg_days: float | None = Field(None, description="平均登记→送达，工作日")


class RegisterVillage(Schema):
    code: str
    name: str
    count: int
    delivered: int
    avg_intake_days: float | None = Field(None, description="平均登记→受理，工作日")
    avg_return_days: float | None = Field(None, description="平均办结→送达，工作日")
    avg_days: float | None = Field(None, description="平均登记→送达，工作日")
    slow: bool


class RegisterOut(Schema):
    from_: str = Field(..., alias="from")
    to: str
    totals: RegisterTotals
    villages: list[RegisterVillage]
    rows: list[RegisterRow]


# --- shaping ---------------------------------------------------------------------------------------


def _end(user, center) -> dict:
    label = " · ".join(x for x in (center.name if center else "", user.display_name if user else "") if x)
    return {
        "user": user.username if user else None,
        "center": center.code if center else None,
        "label": label,
    }


def handover_json(h) -> dict:
    return {
        "id": h.pk,
        "direction": h.direction,
        "state": h.state,
        "from": _end(h.from_user, h.from_center),
        "to": _end(h.to_user, h.to_center),
        "village": h.village.name,
        "agent": h.agent.username,
        "created_at": iso(h.created_at),
        "closed_at": iso(h.closed_at),
        "from_signed_at": iso(h.from_signed_at),
        "to_signed_at": iso(h.to_signed_at),
        "sheet_url": f"/api/v1/handovers/{h.pk}/sheet.pdf",
        "cases": [
            {
                "number": e.case.number,
                "item": e.case.item.name,
                "applicant": e.case.applicant_name,
                "state": e.state,
                "papers": e.papers,
                "note": e.note,
                "received_at": iso(e.received_at),
                "received_by": e.received_by.display_name if e.received_by else None,
            }
            for e in h.entries.all()
        ],
    }


def _fresh(request, handover_id: int):
    handover = handover_for(request.user, handover_id)
    if handover is None:
        raise NotFound("未找到该交接单")
    return handover


# --- handovers -------------------------------------------------------------------------------------


@router.post(
    "/handovers",
    response={201: HandoverOut},
    by_alias=True,
    auth=staff_auth,
    openapi_extra=IDEMPOTENCY_OPENAPI,
    summary="新建交接单（上送/带回）",
)
@idempotent
def create_handover(request, payload: HandoverIn):
    handover = services.create_handover(
        request.user, payload.direction, payload.cases, agent=payload.agent, signature=payload.signature
    )
    return Status(201, handover_json(_fresh(request, handover.pk)))


@router.get(
    "/handovers", response=HandoverPage, by_alias=True, auth=staff_auth, summary="交接单列表（仅本人范围内）"
)
def list_handovers(request, filters: Query[HandoverFilter]):
    handovers = handovers_visible_to(request.user)
    if filters.direction:
        handovers = handovers.filter(direction=filters.direction)
    if filters.state:
        handovers = handovers.filter(state=filters.state)
    count, page = paginate(with_entries(handovers.order_by("-created_at", "-id")), filters)
    return {"count": count, "results": [handover_json(h) for h in page]}


@router.get(
    "/handovers/{handover_id}", response=HandoverOut, by_alias=True, auth=staff_auth, summary="交接单详情"
)
def get_handover(request, handover_id: int):
    return handover_json(_fresh(request, handover_id))


@router.post(
    "/handovers/{handover_id}/receive",
    response=HandoverOut,
    by_alias=True,
    auth=staff_auth,
    openapi_extra=IDEMPOTENCY_OPENAPI,
    summary="逐件签收交接单（可记缺件，部分签收则保持未结）",
)
@idempotent
def receive_handover(request, handover_id: int, payload: ReceiveIn):
    services.receive_handover(
        request.user,
        handover_id,
        received=payload.received,
        notes=payload.notes,
        missing=payload.missing,
        signature=payload.signature,
    )
    return handover_json(_fresh(request, handover_id))


@router.get(
    "/handovers/{handover_id}/sheet.pdf",
    auth=staff_auth,
    summary="代办交接单 PDF（带二维码）",
    openapi_extra=binary_download("application/pdf", "代办交接单（PDF）"),
)
def handover_sheet_pdf(request, handover_id: int):
    handover = _fresh(request, handover_id)
    response = HttpResponse(render_sheet_pdf(handover, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handover-{handover.pk}.pdf"'
    return response


# --- per case: custody, mandate, photos, delivery ---------------------------------------------------


@router.get(
    "/proxy/cases/{number}/custody",
    response=CustodyOut,
    auth=staff_auth,
    summary="办件当前去向、持有人与经手人顺序",
)
def get_custody(request, number: str):
    from bianmin.proxy.selectors import proxy_cases_visible_to

    case = proxy_cases_visible_to(request.user).filter(number=number).first()
    if case is None:
        raise NotFound("未找到该办件")
    events = case.events.order_by("at", "id")
    return {"number": case.number, **custody_of(case), "holders": holders(case, events)}


def _mandate_json(mandate) -> dict:
    number = mandate.case.number
    return {
        "number": number,
        "villager_name": mandate.villager_name,
        "method": mandate.method,
        "signed": mandate.signed_at is not None,
        "signed_at": iso(mandate.signed_at),
        "document_url": f"/api/v1/cases/{number}/documents/mandate.pdf" if mandate.signed_at else None,
    }


@router.post(
    "/proxy/cases/{number}/mandate",
    response={201: MandateOut},
    auth=staff_auth,
    openapi_extra=IDEMPOTENCY_OPENAPI,
    summary="登记代办委托书（手写签名，或发送短信验证码）",
)
@idempotent
def record_mandate(request, number: str, payload: MandateIn):
    mandate = services.record_mandate(
        request.user, number, villager_name=payload.villager_name,
        villager_id_number=payload.villager_id_number, entrusted=payload.entrusted, method=payload.method,
        signature=payload.signature, phone=payload.phone,
    )  # fmt: skip
    return Status(201, _mandate_json(mandate))


@router.post(
    "/proxy/cases/{number}/mandate/confirm",
    response=MandateOut,
    auth=staff_auth,
    summary="核对委托确认短信验证码",
)
def confirm_mandate(request, number: str, payload: MandateCodeIn):
    return _mandate_json(services.confirm_mandate(request.user, number, payload.code))


@router.post(
    "/proxy/cases/{number}/photos",
    response={201: PhotoOut},
    auth=staff_auth,
    openapi_extra=IDEMPOTENCY_OPENAPI,
    summary="上传材料照片（仅 JPEG/PNG，≤5 MB，页面先压缩）",
)
@idempotent
def upload_photo(request, number: str, file: File[UploadedFile], material: Form[DbId | None] = None):
    attachment = services.attach_photo(request.user, number, file, material=material)
    return Status(201, uploaded_json(attachment, material))


@router.post(
    "/proxy/cases/{number}/delivery",
    response=DeliveryOut,
    auth=staff_auth,
    openapi_extra=IDEMPOTENCY_OPENAPI,
    summary="代办员送达并由村民手写签收送达回证",
)
@idempotent
def deliver(request, number: str, payload: DeliveryIn):
    case = services.deliver_to_villager(
        request.user, number, receiver=payload.receiver, signature=payload.signature, version=payload.version
    )
    return {
        "number": case.number,
        "state": case.state,
        "delivered_at": iso(case.delivered_at),
        "receiver": case.delivery_receipt.receiver,
        "document_url": f"/api/v1/cases/{case.number}/documents/delivery_receipt.pdf",
    }


# --- the register ----------------------------------------------------------------------------------


def _register(request, query: RegisterQuery):
    return build_register(
        request.user, agent=query.agent, village=query.village, date_from=query.from_, date_to=query.to
    )


@router.get(
    "/proxy/register",
    response=RegisterOut,
    by_alias=True,
    auth=staff_auth,
    summary="代办登记台账（按代办员、按村、按期间）",
)
def get_register(request, query: Query[RegisterQuery]):
    report = _register(request, query)
    rows = [
        {
            **r,
            **{
                k: iso(r[k])
                for k in ("received_at", "handed_over_at", "accepted_at", "completed_at", "delivered_at")
            },
        }
        for r in report.rows
    ]
    return {
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "totals": report.totals,
        "villages": report.villages,
        "rows": rows,
    }


@router.get(
    "/proxy/register.xlsx",
    auth=staff_auth,
    summary="代办登记台账 Excel",
    openapi_extra=binary_download(XLSX, "代办登记台账（Excel）"),
)
def get_register_xlsx(request, query: Query[RegisterQuery]):
    report = _register(request, query)
    response = HttpResponse(
        workbook(report, "村级代办登记台账"),
        content_type=XLSX,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="proxy-register-{report.date_from}-{report.date_to}.xlsx"'
    )
    return response


# --- the offline app's changes feed ------------------------------------------------------------------


class OfflineChangesQuery(Schema):
    since: str | None = Field(
        None, max_length=200, description="上次同步返回的 cursor（或 ISO 8601 时间）；省略则返回全部"
    )


class OfflinePlaceOut(Schema):
    code: str
    name: str


class OfflineAgentOut(Schema):
    username: str
    name: str
    village: OfflinePlaceOut | None
    station: str | None
    township: OfflinePlaceOut | None


class OfflineItemRefOut(Schema):
    code: str
    name: str


class OfflineEventOut(Schema):
    at: str | None
    label: str
    note: str


class OfflineCaseOut(Schema):
    number: str
    query_code: str
    item: OfflineItemRefOut
    applicant: str
    home_visit: bool
    mandate: bool = Field(..., description="已签代办委托书")
    state: str
    state_label: str
    bucket: Literal["to_hand_over", "at_township", "to_bring_back", "delivered", "closed"]
    bucket_label: str
    mine: bool = Field(..., description="办件与材料在本代办员手中")
    location: str
    holder: str
    received_at: str | None
    deadline: str | None
    outcome: str | None
    version: int = Field(..., description="办件版本：离线送达时带上，过期则 409")
    photos: int
    events: list[OfflineEventOut] = Field(..., description="时间线（最近 30 条）")


class OfflineHandoverCaseOut(Schema):
    number: str
    item: str
    applicant: str
    state: str
    state_label: str
    note: str


class OfflineHandoverOut(Schema):
    id: int
    direction: str
    direction_label: str
    state: str
    state_label: str
    created_at: str | None
    closed_at: str | None
    cases: list[OfflineHandoverCaseOut]


class OfflineMaterialOut(Schema):
    id: int
    name: str
    originals: int
    copies: int
    required: bool
    deferrable: bool


class OfflineFieldOut(Schema):
    code: str
    label: str
    datatype: str
    required: bool
    choices: list[str]
    help_text: str


class OfflineItemOut(Schema):
    code: str
    name: str
    version: int
    promised_limit_days: int
    materials: list[OfflineMaterialOut]
    fields: list[OfflineFieldOut]


class OfflineDutyDayOut(Schema):
    weekday: int
    weekday_label: str
    hours: str
    place: str


class OfflineChangesOut(Schema):
    cursor: str = Field(..., description="下次同步作为 since 传回")
    full: bool = Field(..., description="true：全部数据（未带 since），手机应整体替换")
    synced_at: str
    agent: OfflineAgentOut
    cases: list[OfflineCaseOut] = Field(..., description="自 since 以来有变化的本村代办件")
    handovers: list[OfflineHandoverOut] = Field(..., description="自 since 以来有变化的交接单")
    items: list[OfflineItemOut] = Field(..., description="自 since 以来发布的可代办事项（含问题与材料清单）")
    item_codes: list[str] = Field(..., description="当前可代办事项的全部编码（手机据此删去已下架事项）")
    duty_days: list[OfflineDutyDayOut] = Field(..., description="值班安排（每次完整返回）")


@router.get(
    "/proxy/changes",
    response=OfflineChangesOut,
    auth=staff_auth,
    summary="代办员离线应用：自上次同步以来的变化（仅本人村的办件、交接单，本镇可代办事项）",
)
def get_changes(request, query: Query[OfflineChangesQuery]):
    from bianmin.proxy.offline import changes, decode

    return changes(request.user, decode(query.since))
