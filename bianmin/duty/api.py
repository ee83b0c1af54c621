"""Duty API: who is on duty at a center (public, for the hall screen), sign-in/out and whereabouts."""

import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from bianmin.accounts.auth import staff_auth
from bianmin.accounts.services import client_address
from bianmin.core import clock
from bianmin.core.errors import Invalid, NotFound
from bianmin.core.schemas import LocalDateTime, Text
from bianmin.duty import services
from bianmin.duty.models import Status
from bianmin.regions.models import Center

router = Router(tags=["duty"])


class OnDutyOut(Schema):
    name: str = Field(description="工作人员姓名（公示）")
    post: str
    window: int | None
    status: str | None = Field(description="in_post|village|meeting|leave|off_duty，未签到为 null")
    status_label: str
    until: LocalDateTime | None = Field(description="预计返回时间")
    photo_url: str


class SignIn(Schema):
    center: Text | None = Field(None, max_length=20, description="中心代码；不填为本人第一个中心")
    code: Text | None = Field(
        None, max_length=20, description="墙上签到二维码中的当日签到码（不在中心网络时必填）"
    )


class AttendanceOut(Schema):
    day: dt.date
    center: str
    signed_in_at: LocalDateTime
    late: bool
    signed_out_at: LocalDateTime | None
    method: str


class WhereaboutsIn(Schema):
    status: Status
    village: Text | None = Field(None, max_length=12, description="下村时的村区划代码")
    note: Text = Field("", max_length=100)
    until: dt.datetime | None = Field(None, description="预计返回时间")


class PresenceOut(Schema):
    status: str | None
    label: str
    until: LocalDateTime | None


@router.get(
    "/centers/{code}/on-duty", response=list[OnDutyOut], auth=None, summary="今日在岗人员、岗位与去向"
)
def on_duty(request, code: str, date: dt.date | None = None):
    center = Center.objects.filter(code=code[:20], is_active=True).select_related("region").first()
    if center is None:
        raise NotFound("未找到该中心")
    if date is not None and abs((date - clock.today()).days) > 366:
        raise Invalid("日期超出范围", fields={"date": "只能查询前后一年内的日期"})
    return services.on_duty(center, date)


def _attendance(row) -> dict:
    return {
        "day": row.day,
        "center": row.center.code,
        "signed_in_at": row.signed_in_at,
        "late": row.late,
        "signed_out_at": row.signed_out_at,
        "method": row.out_method or row.in_method,
    }


@router.post("/duty/sign-in", response=AttendanceOut, auth=staff_auth, summary="签到（中心网络或墙上二维码）")
def sign_in(request, payload: SignIn):
    row = services.sign_in(
        request.user, center_code=payload.center, address=client_address(request), code=payload.code or ""
    )
    return _attendance(row)


@router.post("/duty/sign-out", response=AttendanceOut, auth=staff_auth, summary="签退")
def sign_out(request, payload: SignIn):
    row = services.sign_out(
        request.user, center_code=payload.center, address=client_address(request), code=payload.code or ""
    )
    return _attendance(row)


@router.post("/duty/whereabouts", response=PresenceOut, auth=staff_auth, summary="登记本人去向")
def whereabouts(request, payload: WhereaboutsIn):
    if not services.centers_of(request.user):
        raise NotFound("没有需要登记去向的岗位")
    until = payload.until
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=clock.SHANGHAI)
    services.set_whereabouts(
        request.user,
        request.user,
        payload.status,
        village=payload.village or "",
        note=payload.note,
        until=until,
    )
    here = services.presence([request.user.pk])[request.user.pk]
    return {"status": here.status, "label": here.label, "until": here.until}
