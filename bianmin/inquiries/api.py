"""API for work orders (API.md "Inquiries and complaints"): thin — validate, call a service or selector, shape JSON."""

from typing import Literal

from django.http import FileResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from bianmin.accounts.auth import StaffSession, TokenAuth
from bianmin.accounts.services import client_address
from bianmin.cases.clock import current_calendar
from bianmin.cases.idempotency import OPENAPI as IDEMPOTENCY_OPENAPI
from bianmin.core import clock
from bianmin.core.errors import Forbidden, NotFound
from bianmin.core.pagination import PageQuery, paginate
from bianmin.core.schemas import ObjectIn, Text, binary_download
from bianmin.inquiries import services
from bianmin.inquiries.clock import warning_q
from bianmin.inquiries.lifecycle import LABELS, STEPS
from bianmin.inquiries.models import CONTENT_MAX, OrderAttachment
from bianmin.inquiries.present import iso, order_json
from bianmin.inquiries.selectors import order_for, orders_visible_to, shows_person
from bianmin.inquiries.tracking import find_tracked

router = Router(tags=["inquiries"])


def _anonymous(request):
    """The public form's caller: no Authorization header at all (a bad token still answers 401)."""
    return "anonymous" if "Authorization" not in request.headers else None


# Staff by token or session; without any credentials, the public form (throttled per address).
staff_or_public = [TokenAuth(), StaffSession(), _anonymous]
staff_auth = [TokenAuth(), StaffSession()]

Kinds = Literal["consult", "help", "complaint", "report", "suggestion"]
States = Literal["registered", "dispatched", "handling", "answered", "called_back", "closed"]


class PersonIn(ObjectIn):
    name: Text = Field("", max_length=40)
    phone: Text = Field("", max_length=20)


class InquiryIn(Schema):
    kind: Kinds
    channel: Literal["window", "phone", "agent", "web", "case", "rating"] = "window"
    urgent: bool = False
    person: PersonIn | None = None
    anonymous: bool = False
    content: Text = Field(..., max_length=CONTENT_MAX)
    case: str | None = Field(None, max_length=40, description="相关办件编号")
    center: str | None = Field(
        None, max_length=20, description="受理中心（网上留言必填；工作人员默认本中心）"
    )
    item: str | None = Field(None, max_length=40, description="咨询涉及的事项编码")
    concerned_user: str | None = Field(None, max_length=150, description="被投诉（举报）的工作人员用户名")
    concerned_department: str | None = Field(None, max_length=24, description="被投诉（举报）的部门代码")


class OrderCodeName(Schema):
    code: str
    name: str


class PersonOut(Schema):
    name: str
    phone: str


class OrderEventOut(Schema):
    at: str
    actor: str | None
    action: str
    label: str
    from_: str = Field(..., alias="from")
    to: str
    note: str


class OrderFileOut(Schema):
    id: int
    content_type: str
    size: int
    url: str


class InquiryOut(Schema):
    number: str
    query_code: str | None = None
    kind: str
    kind_label: str
    urgent: bool
    channel: str
    state: str
    state_label: str
    center: OrderCodeName
    person: PersonOut
    anonymous: bool
    confidential: bool
    content: str
    case: str | None
    item: str | None
    concerned_department: OrderCodeName | None
    concerned_user: str | None
    department: OrderCodeName | None
    escalated: bool
    returned: bool
    registered_at: str
    dispatch_due: str
    due: str
    warning: str
    extension_days: int
    extension_requested: int
    answered_at: str | None
    answer: str | None
    upheld: bool | None
    callback_level: int | None
    called_back_at: str | None
    closed_at: str | None
    faq_public: bool
    version: int
    events: list[OrderEventOut] | None = None
    attachments: list[OrderFileOut] | None = None
    allowed_actions: list[str] | None = None


class InquiryPage(Schema):
    count: int
    results: list[InquiryOut]


class InquiryFilter(PageQuery):
    state: States | None = None
    kind: Kinds | None = None
    warning: Literal["none", "green", "yellow", "red"] | None = None
    q: str | None = Field(None, max_length=40, description="工单编号（包含）")


class ActionIn(Schema):
    """Every step's fields; each step reads its own (see API.md) and names a missing one in a 422."""

    department: str | None = Field(None, max_length=24, description="dispatch / escalate：部门代码")
    text: Text | None = Field(None, max_length=CONTENT_MAX, description="answer：答复内容")
    upheld: bool | None = Field(None, description="answer：投诉（举报）是否属实")
    reason: Text | None = Field(None, max_length=200, description="return / extend：理由")
    days: int | None = Field(None, ge=-1000, le=1000, description="extend：延长的工作日（1–30）")
    reached: bool | None = Field(None, description="callback：是否联系上")
    level: int | None = Field(None, ge=-1000, le=1000, description="callback：评价 1–5（1 非常满意）")
    note: Text | None = Field(None, max_length=200, description="callback：回访记录")
    public: bool | None = Field(None, description="publish：是否公开为常见问题")
    question: Text | None = Field(None, max_length=200, description="publish：公开的问题（去掉个人信息）")
    item: str | None = Field(None, max_length=40, description="publish：事项编码")
    version: int | None = Field(None, ge=0, le=2**31, description="版本号，不一致时 409")


class OrderTrackEvent(Schema):
    at: str
    label: str


class OrderTrackOut(Schema):
    number: str
    kind: str
    kind_label: str
    center: str
    state: str
    state_label: str
    registered_at: str
    due: str
    answered_at: str | None
    answer: str | None
    events: list[OrderTrackEvent]


def _today_and_calendar():
    return clock.today(), current_calendar()


def _detail(request, order, *, revealed=False, query_code=True) -> dict:
    today, calendar = _today_and_calendar()
    actions = services.allowed_actions(request.user, order) if request.user.is_authenticated else None
    return order_json(order, request.user, today=today, calendar=calendar, detail=True, revealed=revealed,
                      query_code=query_code, actions=actions)  # fmt: skip


@router.post(
    "/inquiries",
    response={201: InquiryOut, 200: InquiryOut},
    by_alias=True,
    auth=staff_or_public,
    summary="登记工单（工作人员令牌，或不带令牌的网上留言；支持 Idempotency-Key）",
    openapi_extra=IDEMPOTENCY_OPENAPI,
)
def create_inquiry(request, payload: InquiryIn):
    user = request.user if request.user.is_authenticated else None
    answer: dict = {}

    def write_answer(order):
        answer["body"] = _answer(request, user, order)

    order, created = services.register_order(
        user,
        kind=payload.kind,
        content=payload.content,
        channel=payload.channel,
        urgent=payload.urgent,
        person=payload.person.model_dump() if payload.person else {},
        anonymous=payload.anonymous,
        case=payload.case,
        center=payload.center,
        item=payload.item,
        concerned_user=payload.concerned_user,
        concerned_department=payload.concerned_department,
        idempotency_key=request.headers.get("Idempotency-Key") or None,
        address=client_address(request),
        then=write_answer,
    )
    body = answer["body"] if created else _answer(request, user, order)
    return Status(201 if created else 200, body)


def _answer(request, user, order) -> dict:
    if user is None:
        today, calendar = _today_and_calendar()
        # The citizen sees what they sent and the number and code to follow it, nothing more.
        return order_json(order, None, today=today, calendar=calendar)
    order = order_for(user, order.number) or order
    return _detail(request, order)


@router.get(
    "/inquiries", response=InquiryPage, by_alias=True, auth=staff_auth, summary="工单列表（仅本人范围内）"
)
def list_inquiries(request, filters: Query[InquiryFilter]):
    today, calendar = _today_and_calendar()
    orders = orders_visible_to(request.user)
    if filters.state:
        orders = orders.filter(state=filters.state)
    if filters.kind:
        orders = orders.filter(kind=filters.kind)
    if filters.warning:
        orders = orders.filter(warning_q(filters.warning, today, calendar))
    if filters.q:
        orders = orders.filter(number__icontains=filters.q)
    count, page = paginate(orders.order_by("-registered_at", "-id"), filters)
    return {
        "count": count,
        "results": [order_json(o, request.user, today=today, calendar=calendar) for o in page],
    }


def _visible_or_404(request, number: str):
    order = order_for(request.user, number)
    if order is None:
        raise NotFound("未找到该工单")
    return order


@router.get("/inquiries/{number}", response=InquiryOut, by_alias=True, auth=staff_auth, summary="工单详情")
def get_inquiry(request, number: str, reveal: bool = False):
    order = _visible_or_404(request, number)
    if reveal:
        if not shows_person(order, request.user) or order.anonymous:
            raise Forbidden("无权查看反映人的完整信息")
        services.record_reveal(request.user, order)
    return _detail(request, order, revealed=reveal)


@router.post(
    "/inquiries/{number}/actions/{action}",
    response=InquiryOut,
    by_alias=True,
    auth=staff_auth,
    summary="办理工单：" + "、".join(f"{name}（{step.label}）" for name, step in STEPS.items()),
)
def inquiry_action(request, number: str, action: str, payload: ActionIn | None = None):
    data = payload.model_dump(exclude_none=True) if payload else {}
    # The step's own result: after 退回 the department no longer sees the order, but it did the step.
    return _detail(request, services.act(request.user, number, action, data))


@router.post(
    "/inquiries/{number}/files",
    response={201: OrderFileOut},
    auth=staff_auth,
    summary="上传工单附件（图片或 PDF）",
)
def upload_inquiry_file(request, number: str, file: File[UploadedFile]):
    attachment = services.attach(request.user, number, file)
    return Status(201, {"id": attachment.pk, "content_type": attachment.content_type, "size": attachment.size,
                        "url": f"/inquiries/{number}/files/{attachment.pk}/"})  # fmt: skip


@router.get(
    "/inquiries/{number}/files/{file_id}",
    auth=staff_auth,
    summary="下载工单附件",
    openapi_extra=binary_download("application/octet-stream", "附件（按上传时的类型）"),
)
def get_inquiry_file(request, number: str, file_id: int):
    order = _visible_or_404(request, number)
    attachment = OrderAttachment.objects.filter(order=order, pk=min(file_id, 2**62)).first()
    if attachment is None:
        raise NotFound("未找到该附件")
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)


@router.get(
    "/inquiry-track/{number}", response=OrderTrackOut, auth=None, summary="凭工单编号和查询码查询进度（公开）"
)
def track_inquiry(request, number: str, code: str = ""):
    order = find_tracked(number[:40], code[:12], client_address(request))
    return tracking_json(order)


def tracking_json(order) -> dict:
    return {
        "number": order.number,
        "kind": order.kind,
        "kind_label": order.get_kind_display(),
        "center": order.center.name,
        "state": order.state,
        "state_label": order.get_state_display(),
        "registered_at": iso(order.registered_at),
        "due": order.due.isoformat(),
        "answered_at": iso(order.answered_at),
        "answer": order.answer_text or None,
        "events": [
            {"at": iso(e.at), "label": LABELS.get(e.action, e.action)}
            for e in order.events.filter(action__in=PUBLIC_STEPS)
        ],
    }


# What a citizen's tracking page lists (no internal step, no note: notes are free text).
PUBLIC_STEPS = ("register", "dispatch", "escalate", "answer", "callback", "close")
