"""The statutory clock's steps: suspend and resume (特别程序), extend (延长), and the approver's request for it."""

import datetime as dt

from pydantic import Field

from bianmin.cases.actions.base import Acting, loaded
from bianmin.cases.actions.base import text as _text
from bianmin.cases.actions.registry import ActionBody, declare
from bianmin.cases.models import Case, Event, Suspension, SuspensionKind
from bianmin.core.errors import Conflict, Invalid
from bianmin.core.schemas import ACTION_REQUIRES, Text


class SuspendIn(ActionBody):
    # A plain string, so an unknown kind is the action's own 422 after the state and role checks.
    kind: str = Field("", max_length=20, title="特别程序")
    reason: Text = Field("", max_length=2000, title="理由")
    expected_end: dt.date | None = Field(None, title="预计结束日期")


class DaysIn(ActionBody):
    days: int | None = Field(None, ge=0, le=365, title="延长工作日")
    reason: Text = Field("", max_length=2000, title="理由")


class DeclineIn(ActionBody):
    reason: Text = Field("", max_length=2000, title="驳回理由", json_schema_extra=ACTION_REQUIRES)


@declare("suspend", label="暂停计时", schema=SuspendIn, document="suspension_notice", form="SuspendForm")
def suspend(act: Acting, *, kind: str, reason: str, expected_end: dt.date | None = None) -> None:
    """特别程序: hearing, testing, appraisal… stop the clock; the applicant is told in writing, with the
    procedure (its kind is the reason category), the reason and the day it is expected to end."""
    errors = {}
    if expected_end is None:
        errors["expected_end"] = "请填写特别程序预计结束的日期"
    elif expected_end <= act.today:
        errors["expected_end"] = "预计结束日期应晚于今天"
    if kind not in SuspensionKind.values:
        errors["kind"] = "应为 hearing、inspection、testing、appraisal、expert_review 或 publicity"
    if not _text(reason):
        errors["reason"] = "请写明暂停计时的理由"
    if errors:
        raise Invalid("暂停计时信息有误", fields=errors)
    case = act.case
    suspension = Suspension.objects.create(
        case=case, kind=kind, reason=_text(reason), started_on=act.today, expected_end=expected_end
    )
    loaded(case, "suspensions").append(suspension)
    case.resume_to = act.from_state
    act.note = suspension.reason
    act.data = {"kind": kind, "started_on": act.today.isoformat(), "expected_end": expected_end.isoformat()}
    act.document = {
        "suspension_kind": suspension.get_kind_display(),
        "reason": suspension.reason,
        "started_on": act.today.isoformat(),
        "expected_end": f"{expected_end:%Y年%m月%d日}",
    }


@declare("resume", label="恢复计时")
def resume(act: Acting) -> None:
    """恢复计时: the deadline moves by the working days from the suspension (counted) to today (not)."""
    case, calendar = act.case, act.calendar
    open_ones = [s for s in case.suspensions.all() if s.ended_on is None]
    suspension = max(open_ones, key=lambda s: (s.started_on, s.pk), default=None)
    paused = calendar.workdays_between(suspension.started_on, act.today) if suspension else None
    days = paused.days if paused else 0
    if suspension:
        suspension.ended_on, suspension.workdays = act.today, days
        suspension.save(update_fields=["ended_on", "workdays"])
    if case.deadline:
        moved = calendar.add_workdays(case.deadline, days)
        case.deadline = moved.date
        case.deadline_confirmed = (
            case.deadline_confirmed and moved.confirmed and (paused is None or paused.confirmed)
        )
    case.paused_days += days
    case.resume_to = ""
    act.data = {"paused_days": days, "deadline": case.deadline.isoformat() if case.deadline else None}


def check_extension(case: Case, days, reason: str, *, missing_reason: str, summary: str) -> None:
    """Once per case (409), within the extension the law allows the item, with a reason (422)."""
    if case.extension_days:
        raise Conflict("该办件已延长过一次", code="already_extended")
    allowed = case.item.extension_days
    errors = {}
    if allowed == 0:
        errors["days"] = "该事项依法不能延长"
    elif not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= allowed:
        errors["days"] = f"延长天数应为 1–{allowed} 个工作日"
    if not _text(reason):
        errors["reason"] = missing_reason
    if errors:
        raise Invalid(summary, fields=errors)


EXTENSION_STEPS = ("request_extension", "decline_extension")


def pending_extension_request(case: Case) -> Event | None:
    """The approver's request the director has neither granted (extended) nor declined yet."""
    if case.extension_days:
        return None
    steps = [e for e in case.events.all() if e.action in EXTENSION_STEPS]
    last = max(steps, key=lambda e: (e.at, e.pk), default=None)
    return last if last is not None and last.action == "request_extension" else None


def _extensible(act: Acting) -> bool:
    return act.case.item.extension_days > 0 and not act.case.extension_days


@declare(
    "extend",
    label="延长办理期限",
    schema=DaysIn,
    document="extension_notice",
    offer=_extensible,
    form="DaysForm",
)
def extend(act: Acting, *, days: int | None, reason: str) -> None:
    """延长: the director's decision, once per case, within the extension the law allows the item."""
    case = act.case
    check_extension(case, days, reason, missing_reason="请写明延长理由", summary="延长信息有误")
    moved = act.calendar.add_workdays(case.deadline, days)
    previous = case.deadline
    case.deadline, case.deadline_confirmed = moved.date, case.deadline_confirmed and moved.confirmed
    case.extension_days, case.extension_reason = days, _text(reason)[:500]
    case.pending_extension = False
    act.note = case.extension_reason
    act.data = {"days": days, "from": previous.isoformat(), "to": moved.date.isoformat()}
    act.document = {"days": days, "reason": case.extension_reason, "previous": previous.isoformat()}


@declare(
    "request_extension",
    label="申请延期",
    schema=DaysIn,
    offer=lambda act: _extensible(act) and not act.case.pending_extension,
    form="DaysForm",
)
def request_extension(act: Acting, *, days: int | None, reason: str) -> None:
    """申请延期: the approver asks the director for more time; only an event, the director then extends."""
    case = act.case
    if not case.extension_days and pending_extension_request(case):
        raise Conflict("已提交延期申请，等待中心负责人审批", code="extension_requested")
    check_extension(case, days, reason, missing_reason="请写明申请延期的理由", summary="延期申请有误")
    case.pending_extension = True
    act.note = _text(reason)[:500]
    act.data = {"days": days}


@declare(
    "decline_extension",
    label="驳回延期申请",
    schema=DeclineIn,
    offer=lambda act: _extensible(act) and act.case.pending_extension,
)
def decline_extension(act: Acting, *, reason: str) -> None:
    """驳回延期申请: the director says no, with a reason the approver reads; the deadline stays."""
    request = pending_extension_request(act.case)
    if request is None:
        raise Conflict("没有待审批的延期申请", code="no_extension_request")
    if not _text(reason):
        raise Invalid("请写明驳回理由", fields={"reason": "请写明驳回理由"})
    act.case.pending_extension = False
    act.note = _text(reason)[:500]
    act.data = {"request": request.pk, "days": request.data.get("days")}
