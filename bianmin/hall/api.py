"""API for the hall (API.md "The hall"): tickets from the kiosk, calling at a window, slots and
appointments. Thin: validate, call a service, shape JSON."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from bianmin.accounts.auth import StaffSession, TokenAuth, staff_auth
from bianmin.cases.api import iso
from bianmin.core.errors import NotFound
from bianmin.core.schemas import DbId, ErrorOut, Text
from bianmin.devices.models import DeviceKind
from bianmin.devices.services import device_from_request
from bianmin.hall import services
from bianmin.hall.models import Appointment, Ticket
from bianmin.regions.models import Center, Window

router = Router(tags=["hall"])


def _anonymous(request):
    """The public may call these without an account; a request with a bad token still gets 401."""
    if "Authorization" in request.headers:
        return None
    request.user = AnonymousUser()  # never act as the session's user without its CSRF check
    return True


public_or_staff = [TokenAuth(), StaffSession(), _anonymous]


class TicketIn(Schema):
    category: str = Field(..., min_length=1, max_length=1, description="取号类别字母，如 A；V 为绿色通道")
    phone: str | None = Field(None, max_length=11, description="可选：前面剩3人时短信提醒")


class TicketTaken(Schema):
    id: int
    number: str
    waiting_ahead: int
    category: str
    taken_at: str


class TicketOut(Schema):
    id: int
    number: str
    category: str
    priority: bool
    status: str
    window: int | None
    window_number: int | None
    taken_at: str
    called_at: str | None
    call_count: int
    case: str | None


class TransferIn(Schema):
    window: DbId


class SlotOut(Schema):
    id: int
    start: str
    end: str
    free: int


class SlotQuery(Schema):
    date: dt.date
    item: str | None = Field(None, max_length=40)


class AppointmentIn(Schema):
    slot: DbId
    item: Text = Field(..., max_length=40)
    name: Text = Field(..., max_length=40)
    phone: Text = Field(..., max_length=11)
    sms_code: str | None = Field(
        None, max_length=12, description="无账号预约时必填：POST /appointments/sms-code 发到手机的验证码"
    )


class AppointmentCreated(Schema):
    id: int
    code: str


class CodeIn(Schema):
    phone: Text = Field(..., max_length=11)
    center: str | None = Field(None, max_length=20)


class CancelIn(Schema):
    code: str | None = Field(None, max_length=12, description="无账号取消时：预约码")


class AppointmentOut(Schema):
    id: int
    status: str
    center: str
    item: str
    date: str
    start: str
    end: str
    name: str
    phone: str
    ticket: str | None


def _ticket_json(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "category": ticket.category.letter,
        "priority": ticket.priority,
        "status": ticket.status,
        "window": ticket.window_id,
        "window_number": ticket.window.number if ticket.window_id else None,
        "taken_at": iso(ticket.taken_at),
        "called_at": iso(ticket.called_at),
        "call_count": ticket.call_count,
        "case": ticket.case.number if ticket.case_id else None,
    }


def _appointment_json(a: Appointment) -> dict:
    slot = a.slot
    return {
        "id": a.pk,
        "status": a.status,
        "center": slot.center.code,
        "item": a.item.code,
        "date": slot.date.isoformat(),
        "start": iso(services.slot_start(slot)),
        "end": iso(services.slot_end(slot)),
        "name": services.mask_name(a.name),
        "phone": services.mask_phone(a.phone),
        "ticket": a.ticket.number if a.ticket_id else None,
    }


def _center(code: str) -> Center:
    center = Center.objects.select_related("region").filter(code=code[:20], is_active=True).first()
    if center is None:
        raise NotFound("中心不存在")
    return center


def _window(window_id: int) -> Window:
    window = (
        Window.objects.select_related("center").filter(pk=window_id).first() if window_id < 2**31 else None
    )
    if window is None:
        raise NotFound("窗口不存在")
    return window


@router.post(
    "/centers/{code}/tickets",
    response={201: TicketTaken, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="取号（取号机：请求头 X-Device-Token）",
    description="取号机用其设备令牌（请求头 X-Device-Token 或设备 Cookie）取号；无有效令牌 404。",
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "X-Device-Token",
                "required": False,
                "schema": {"type": "string"},
                "description": "取号机的设备令牌（或设备 Cookie）；无有效令牌 404",
            }
        ]
    },
)
def take_ticket(request, code: str, payload: TicketIn):
    device = device_from_request(request, DeviceKind.TICKET_KIOSK)
    if device is None or device.center.code != code:
        raise Http404("no such device")
    ticket = services.take_ticket(device.center, payload.category, phone=payload.phone or "")
    return Status(
        201,
        {
            "id": ticket.pk,
            "number": ticket.number,
            "waiting_ahead": services.waiting_ahead(ticket),
            "category": ticket.category.letter,
            "taken_at": iso(ticket.taken_at),
        },
    )


def _window_action(request, window_id: int, act) -> dict:
    ticket = act(request.user, _window(window_id))
    ticket = Ticket.objects.select_related("category", "window", "case").get(pk=ticket.pk)
    return _ticket_json(ticket)


@router.post(
    "/windows/{window_id}/call",
    response={200: TicketOut, 403: ErrorOut, 404: ErrorOut},
    auth=staff_auth,
    summary="叫下一个号（本窗口的坐席）",
    description="无人等候 404；不是本窗口的坐席 403（看不到的窗口 404）。",
)
def call_next(request, window_id: int):
    return _window_action(request, window_id, services.call_next)


@router.post("/windows/{window_id}/recall", response=TicketOut, auth=staff_auth, summary="重呼当前号")
def recall(request, window_id: int):
    return _window_action(request, window_id, services.recall)


@router.post("/windows/{window_id}/skip", response=TicketOut, auth=staff_auth, summary="过号")
def skip(request, window_id: int):
    return _window_action(request, window_id, services.skip)


@router.post("/windows/{window_id}/finish", response=TicketOut, auth=staff_auth, summary="办毕当前号")
def finish(request, window_id: int):
    return _window_action(request, window_id, services.finish)


@router.post(
    "/windows/{window_id}/transfer", response=TicketOut, auth=staff_auth, summary="转到本中心另一窗口"
)
def transfer(request, window_id: int, payload: TransferIn):
    target = Window.objects.filter(pk=payload.window).first()
    return _window_action(request, window_id, lambda user, w: services.transfer(user, w, target))


@router.get(
    "/centers/{code}/slots", response=list[SlotOut], auth=None, summary="可预约时段（非工作日无时段）"
)
def slots(request, code: str, query: Query[SlotQuery]):
    center = _center(code)
    return [
        {"id": s.pk, "start": iso(services.slot_start(s)), "end": iso(services.slot_end(s)), "free": s.free}
        for s in services.slots_for(center, query.date)
    ]


@router.post("/appointments/sms-code", response={204: None}, auth=None, summary="无账号预约：发送短信验证码")
def sms_code(request, payload: CodeIn):
    center = Center.objects.filter(code=payload.center).first() if payload.center else None
    services.send_code(payload.phone, request.META.get("REMOTE_ADDR", ""), center)
    return Status(204, None)


@router.post(
    "/appointments",
    response={201: AppointmentCreated},
    auth=public_or_staff,
    summary="预约（群众凭短信验证码；窗口人员、代办员代约）",
)
def create_appointment(request, payload: AppointmentIn):
    appointment = services.book(
        request.user, slot=payload.slot, item=payload.item, name=payload.name, phone=payload.phone,
        sms_code=payload.sms_code or "",
    )  # fmt: skip
    return Status(201, {"id": appointment.pk, "code": appointment.code})


@router.get(
    "/appointments/{appointment_id}", response=AppointmentOut, auth=public_or_staff, summary="预约详情"
)
def get_appointment(request, appointment_id: int, code: str | None = Query(None, max_length=12)):
    found = services.appointment_for(request.user, min(appointment_id, 2**31), code or "")
    return _appointment_json(found)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response=AppointmentOut,
    auth=public_or_staff,
    summary="取消预约（开始前2小时以上）",
)
def cancel_appointment(request, appointment_id: int, payload: CancelIn | None = None):
    found = services.appointment_for(
        request.user, min(appointment_id, 2**31), (payload.code if payload else "") or ""
    )
    return _appointment_json(services.cancel(found))


@router.post(
    "/appointments/{appointment_id}/arrive",
    response={201: TicketTaken},
    auth=staff_auth,
    summary="预约到场：取优先号",
)
def arrive(request, appointment_id: int):
    found = services.appointment_for(request.user, min(appointment_id, 2**31))
    ticket = services.arrive(request.user, found)
    return Status(
        201,
        {
            "id": ticket.pk,
            "number": ticket.number,
            "waiting_ahead": services.waiting_ahead(ticket),
            "category": ticket.category.letter,
            "taken_at": iso(ticket.taken_at),
        },
    )
