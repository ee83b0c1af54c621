"""Public tracking by case number and query code: no account, no personal data, guessing throttled.

A wrong code and an unknown number fail the same way (404), and each failure is counted per (address,
number) with a ceiling per address, so a six-digit code cannot be walked and nobody locks out a number.
The page's read-only helpers live here too: the step bar, the working days left, and each timeline
event in plain words a villager understands.
"""

import datetime as dt
import hmac

from django.utils import timezone

from bianmin.cases.actions import event_label
from bianmin.cases.clock import current_calendar
from bianmin.cases.models import Case, Channel, Event, State, SuspensionKind, TrackFailure
from bianmin.core import clock
from bianmin.core.errors import NotFound, TooMany
from bianmin.core.throttle import wait_seconds, wait_text

ADDRESS_LIMIT = 10  # failures from one address against one case number …
ADDRESS_CEILING = 30  # … or from one address against any numbers …
WINDOW = dt.timedelta(minutes=15)  # … inside this window → 429
# Never per number alone: guesses from elsewhere must not lock a case number for its own applicant.
# Internal steps (reading personal data, scans, an approver asking the director for more time) stay off.
# Steps the applicant does not see on the tracking page; other apps add theirs with register_public_words.
INTERNAL_ACTIONS = {"reveal", "upload", "request_extension", "decline_extension"}


def find_by_query_code(queryset, number: str, code: str | None, address: str, not_found: str):
    """The row of `queryset` numbered `number` whose query code is `code`; wrong guesses are throttled per
    address (and number) and answer exactly like an unknown number. Cases and work orders share it."""
    recent = TrackFailure.objects.filter(at__gte=clock.now() - WINDOW)
    wait = max(
        wait_seconds(recent.filter(address=address[:64], number=number[:40]), ADDRESS_LIMIT, WINDOW),
        wait_seconds(recent.filter(address=address[:64]), ADDRESS_CEILING, WINDOW),
    )
    if wait:
        raise TooMany(f"查询过于频繁，{wait_text(wait)}")
    row = queryset.filter(number=number).first()
    # Compare in constant time, and the same answer for an unknown number and a wrong code.
    if row is None or not code or not hmac.compare_digest(row.query_code.encode(), str(code).encode()):
        TrackFailure.objects.create(address=address[:64], number=number[:40], at=clock.now())
        raise NotFound(not_found)
    return row


def find_tracked(number: str, code: str | None, address: str) -> Case:
    return find_by_query_code(
        Case.objects.select_related("item", "center"), number, code, address, "办件编号或查询码不正确"
    )


# What each step means for the applicant, and what (if anything) they have to do. Never a staff note:
# notes are free text and may name people.
PLAIN_WORDS = {
    "receive": "中心已收到您的申请和材料，工作人员正在审核能不能受理。这时还没有开始计算办理时间。",
    "accept": "材料齐全、符合要求，已正式受理。从受理的第二天起，按工作日计算办理时间（周末和法定节假日不算）。",
    "request_supplement": "材料还不齐全或需要修改。需要补的材料已在《补正材料通知书》上一次写全，"
    "请照单准备好后交到中心（或交给村代办员）。补齐之前不计算办理时间。",
    "supplement": "已收到您补交的材料，工作人员正在审核能不能受理。",
    "refuse": "依照法律规定，这项申请不能受理，理由写在《不予受理通知书》上。"
    "如果不同意，可以申请行政复议或者向法院提起行政诉讼。",
    "suspend": "办理需要经过听证、检验、检测、鉴定、专家评审或公示等特别程序。"
    "这段时间按法律规定不计入办理时间（暂停计时），办结日期会相应往后顺延。您会收到书面告知，不用为此再跑一趟。",
    "resume": "特别程序已经结束，恢复计时，继续办理。",
    "extend": "这件事情况比较复杂，经中心负责人批准，依法延长了办理期限。新的办结日期见上方，您会收到书面告知。",
    "approve": "一个参与办理的部门已签署同意意见。",
    "deny": "一个参与办理的部门没有同意，中心将依法作出决定并书面说明理由。",
    "escalate": "镇便民服务中心已完成初审，报送县里的主管部门决定。结果出来后会送回镇便民服务中心。",
    "send_back": "县里的主管部门请镇便民服务中心补充审查，补充后会再次报送。办结期限不变，您不用为此再跑一趟。",
    "complete": "已经办理完毕（办结），可以领取结果了。",
    "deliver": "办理结果已经送达（已领取）。",
    "withdraw": "按您的要求，这项申请已撤回。",
    # 全程代办: the papers' journey between the village and the township center.
    "mandate": "您已签字委托村代办员替您跑这件事，不用您自己去镇上。",
    "mandate_code_sent": "委托确认短信已发到您登记的手机上。",
    "query_code_sent": "办件编号和查询码已用短信发到您登记的手机上，凭它们可以随时查看进度。",
    "handover_up": "村代办员已把您的申请和材料带去镇便民服务中心。",
    "handover_receive": "镇便民服务中心已当面清点、签收代办员送来的材料。",
    "handover_missing": "交接时发现有材料没带齐，代办员会联系您补上。",
    "handover_down": "办理结果已交给村代办员，由代办员带回村里交给您。",
}

# 收件 → 受理 → 办理 → 办结 → 送达: where each state sits on the bar a villager sees.
STEPS = ["收件", "受理", "办理", "办结", "送达"]
STATE_STEP = {
    State.RECEIVED: 0,
    State.SUPPLEMENT_REQUESTED: 0,
    State.REFUSED: 0,
    State.ACCEPTED: 2,
    State.SUSPENDED: 2,
    State.ESCALATED: 2,
    State.COMPLETED: 3,
    State.DELIVERED: 4,
}
# A bar that stops short says why on the step where it stopped.
STOPPED = {State.REFUSED: "不予受理", State.WITHDRAWN: "已撤回"}


def register_public_words(words: dict[str, str], internal=()) -> None:
    """Another app's events on a case's timeline: the plain words the applicant reads for each public one,
    and the ones the tracking page leaves out (staff-only steps)."""
    PLAIN_WORDS.update(words)
    INTERNAL_ACTIONS.update(internal)


def timeline(case: Case) -> list[dict]:
    events = Event.objects.filter(case=case).exclude(action__in=INTERNAL_ACTIONS).order_by("at", "id")
    return [
        {
            "at": event.at,
            "action": event.action,
            "label": event_label(event, standin=False),
            "explain": (
                "即办件，材料齐全，已当场受理并办结，可以领取结果了。"
                if event_label(event, standin=False) == "受理并办结"
                else PLAIN_WORDS.get(event.action, "")
            ),
            # The kind of special procedure (公示, 鉴定 …) is public; its free-text reason is not shown.
            "kind": SuspensionKind(event.data["kind"]).label
            if event.action == "suspend" and event.data.get("kind") in SuspensionKind.values
            else "",
        }
        for event in events
    ]


def steps(case: Case) -> list[dict]:
    """The five steps, each done, current (where the case is now), stopped, or still to come."""
    if case.state == State.WITHDRAWN:
        at = 2 if case.accepted_at else 0
    else:
        at = STATE_STEP.get(case.state, 0)
    stopped = STOPPED.get(case.state)
    bar = []
    for i, label in enumerate(STEPS):
        if i < at or (i == at and case.state == State.DELIVERED):
            status = "done"
        elif i == at:
            status = "stopped" if stopped else "current"
        else:
            status = "todo"
        bar.append({"label": label, "status": status, "note": stopped if i == at and stopped else ""})
    return bar


def time_left(case: Case, today: dt.date | None = None) -> dict:
    """The promised time in working days, as a villager asks it: how many days are left, or how late.

    kind: "supplement" (waiting for the applicant's materials), "waiting" (not accepted yet), "paused",
    "left", "today", "overdue", "done" (finished), "none" (refused or withdrawn: no promise to keep).
    """
    today = today or clock.today()
    if case.state in (State.REFUSED, State.WITHDRAWN):
        return {"kind": "none"}
    if case.state == State.SUPPLEMENT_REQUESTED:
        return {"kind": "supplement", "days": case.item.promised_limit_days}
    if case.state == State.RECEIVED or not case.deadline:
        return {"kind": "waiting", "days": case.item.promised_limit_days}
    if case.state in (State.COMPLETED, State.DELIVERED):
        finished = timezone.localtime(case.completed_at).date() if case.completed_at else today
        return {"kind": "done", "on_time": finished <= case.deadline}
    if case.state == State.SUSPENDED:
        return {"kind": "paused"}
    count = current_calendar(case.center.region_id).remaining_workdays(case.deadline, today)
    kind = "left" if count.days > 0 else "today" if count.days == 0 else "overdue"
    return {"kind": kind, "days": abs(count.days), "confirmed": count.confirmed}


def collect_by_agent(case: Case) -> bool:
    """A case an agent carried up comes back the same way: the agent brings the result to the village."""
    return case.channel == Channel.PROXY
