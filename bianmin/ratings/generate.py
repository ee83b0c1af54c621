"""Generated 好差评 for `generate_cases`: ratings and the rectification of every 差评, as `services.rate` and
`services.perform_step` would have left them — the rows, and each step as an event on the case's
hash-chained timeline (the generator chains them with the case's own steps).

Shares (county reports of 好差评 systems): about a quarter of the cases served at the window are rated
there on the pad when accepted; about 60 % of the delivered ones are rated on completion, most by SMS link
or the window's pad, some by QR code or on the tracking page, a few recorded by phone or paper by staff
who did not handle the case. Levels lean heavily to 非常满意/满意; a late case draws more 差评. Each 差评's
rectification walks verify → start → rectify → callback on the county's working-day limits, a few through
an appeal (most found invalid) or an extension; the walk stops at "now", so recent ones are still open, and
a few recent ones stall and go red.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from bianmin.accounts.models import Post, Role
from bianmin.cases.generate import Generator, Planned, _insert_objects, _reserve_ids, _weighted
from bianmin.cases.models import State
from bianmin.core import clock
from bianmin.ratings.models import BAD_LEVELS, LEVELS, Rating, Rectification, RectState, Stage
from bianmin.ratings.schemas import REACHED
from bianmin.ratings.services import county_rules, tags_of

INTAKE_SHARE = 0.25  # of the cases accepted at the window, rated there
COMPLETION_SHARE = 0.60  # of the delivered cases, rated within the window
LEVEL_SHARES = {1: 0.70, 2: 0.20, 3: 0.06, 4: 0.025, 5: 0.015}
LATE_LEVEL_SHARES = {1: 0.40, 2: 0.25, 3: 0.15, 4: 0.12, 5: 0.08}  # finished after the deadline
INTAKE_CHANNELS = {"tablet": 0.85, "qr": 0.15}
COMPLETION_CHANNELS = {"sms": 0.32, "tablet": 0.25, "qr": 0.14, "mobile": 0.12, "pc": 0.04, "phone": 0.09,
                       "paper": 0.04}  # fmt: skip
GOOD_COMMENTS = (
    "",
    "",
    "",
    "工作人员很耐心",
    "一次就办好了，不用来回跑",
    "服务热情，讲解清楚",
    "办得很快，满意",
)
BAD_COMMENTS = ("来回跑了好几趟才办成", "工作人员说话不耐烦", "等了很久没人处理", "材料要求没有一次说清楚",
                "超过承诺时间才办结")  # fmt: skip
VERIFICATIONS = (
    "已电话联系群众，情况属实",
    "已联系群众，核实为一次性告知不到位",
    "已上门核实，群众反映情况属实",
)
PLANS = ("对窗口人员进行服务规范培训", "完善一次性告知单，注明需携带的原件", "安排专人跟踪该事项办理进度")
RESULTS = ("已完成培训并向群众说明情况", "一次性告知单已修订并在窗口公示", "已为群众办结并致歉")
APPEALS = ("群众反映的问题与本中心办理无关", "评价内容与办件事实不符，已留存沟通记录")
APPEAL_SHARE, INVALID_SHARE = 0.06, 0.6  # of 差评 appealed; of those appeals found invalid
EXTENSION_SHARE, STALL_SHARE = 0.08, 0.03
STALL_RECENT = dt.timedelta(days=120)  # only a recent 差评 can be left lying (older ones were chased up)


@dataclass
class Setup:
    rng: random.Random
    good: list[str]
    bad: list[str]
    window_days: int
    contact_days: int
    rect_days: int
    supervisors: list = field(default_factory=list)
    recorders: dict = field(default_factory=dict)  # center id → staff who may record a rating there


@dataclass
class PlannedRating:
    rating: Rating
    event_data: dict
    rect: Rectification | None = None
    rect_events: list[dict] = field(default_factory=list)  # the event data naming the rectification


def setup(gen: Generator) -> Setup:
    rules = county_rules(gen.county)
    good, bad = tags_of(rules)
    s = Setup(
        random.Random(f"{gen.seed}/ratings"), good, bad, rules.rating_window_days, rules.rating_contact_days,
        rules.rectification_days,
    )  # fmt: skip
    posts = Post.objects.filter(is_active=True).select_related("user", "region").order_by("pk")
    for post in posts:
        if post.role == Role.SUPERVISOR and post.region_id and gen.county.startswith(post.region.prefix):
            s.supervisors.append(post.user)
        elif post.role in (Role.CLERK, Role.DIRECTOR) and post.center_id:
            s.recorders.setdefault(post.center_id, []).append(post.user)
    return s


def _at(s: Setup, place, moment: dt.datetime, workdays: int) -> dt.datetime:
    """A moment `workdays` working days after `moment`, in office hours, later than it."""
    if workdays <= 0:
        return moment + dt.timedelta(minutes=s.rng.randint(5, 90))
    day = place.calendar.add_workdays(moment.astimezone(clock.SHANGHAI).date(), workdays).date
    at = dt.datetime.combine(day, dt.time(8, 30), tzinfo=clock.SHANGHAI) + dt.timedelta(
        minutes=s.rng.randint(0, 540)
    )
    return at if at > moment else moment + dt.timedelta(minutes=s.rng.randint(5, 90))


def plan_case(s: Setup, gen: Generator, out: Planned) -> None:
    case, rng = out.case, s.rng
    actors = {e[1].pk for e in out.events if e[1] is not None}
    accept = next((e for e in out.events if e[4] == "accept"), None)
    if accept is not None and not case.village_id and rng.random() < INTAKE_SHARE:
        at = accept[0] + dt.timedelta(seconds=rng.randint(20, 300))
        if at <= gen.now:
            _rate(s, gen, out, Stage.INTAKE, _weighted(rng, INTAKE_CHANNELS), at, accept[1], actors)
    if case.state != State.DELIVERED or rng.random() >= COMPLETION_SHARE:
        return
    deliver = out.events[-1]
    channel = _weighted(rng, COMPLETION_CHANNELS)
    if channel == "tablet" and case.village_id:
        channel = "sms"  # delivered in the village: no window pad
    if channel == "tablet":
        delay = dt.timedelta(seconds=rng.randint(20, 300))
    elif channel in ("phone", "paper"):
        delay = dt.timedelta(hours=rng.randint(20, 24 * s.window_days - 4))
    else:
        delay = dt.timedelta(minutes=rng.randint(30, 60 * 24 * min(3, s.window_days)))
    at = deliver[0] + delay
    if at <= gen.now:
        _rate(s, gen, out, Stage.COMPLETION, channel, at, deliver[1], actors)


def _rate(s: Setup, gen, out: Planned, stage: str, channel: str, at, staff, actors) -> None:
    case, rng = out.case, s.rng
    recorded_by = None
    if channel in ("phone", "paper"):
        # Staff who took no step on the case (services.handled_by), else the citizen is sent the SMS link.
        others = [u for u in s.recorders.get(case.center_id, []) + s.supervisors if u.pk not in actors]
        if others:
            recorded_by = rng.choice(others)
        else:
            channel = "sms"
    late = stage == Stage.COMPLETION and case.completed_on_time is False
    level = _weighted(rng, LATE_LEVEL_SHARES if late else LEVEL_SHARES)
    bad = level in BAD_LEVELS
    pool = s.bad if bad else s.good
    tags = rng.sample(pool, k=min(len(pool), rng.choice((0, 1, 1, 2)) if not bad else rng.choice((1, 1, 2))))
    comment = rng.choice(BAD_COMMENTS) if bad else rng.choice(GOOD_COMMENTS)
    rating = Rating(
        stage=stage, level=level, channel=channel, tags=tags, comment=comment, staff_id=staff.pk if staff else None,
        center_id=case.center_id, department_id=case.escalated_to_id or case.lead_department_id,
        recorded_by_id=recorded_by.pk if recorded_by else None, rated_by_id=None, address="", created_at=at,
    )  # fmt: skip
    data = {"rating": None, "stage": stage, "level": level, "channel": channel, "tags": tags}
    who = (
        recorded_by,
        recorded_by.display_name if recorded_by else "",
        "staff" if recorded_by else "applicant",
    )
    out.extra_events.append((at, *who, "rate", None, None, f"{Stage(stage).label}：{LEVELS[level]}", data))
    planned = PlannedRating(rating, data)
    out.extra.setdefault("ratings", []).append(planned)
    if bad:
        _rectify(s, gen, out, planned, at)


def _rectify(s: Setup, gen, out: Planned, planned: PlannedRating, at) -> None:
    """The rectification `open_rectification` opens with the 差评, then the steps a director takes."""
    case, place, rng = out.case, out.place, s.rng
    today = at.astimezone(clock.SHANGHAI).date()
    rect = Rectification(
        case_id=None, center_id=case.center_id, department_id=case.escalated_to_id, state=RectState.PENDING,
        opened_at=at, contact_due=place.calendar.add_workdays(today, s.contact_days).date,
        due=place.calendar.add_workdays(today, s.rect_days).date, version=1,
    )  # fmt: skip
    planned.rect = rect
    events = out.extra_events

    def event(moment, who, action, note, data):
        data = {"rectification": None, **data}
        planned.rect_events.append(data)
        events.append((moment, *who, action, None, None, note[:2000], data))

    at = at + dt.timedelta(milliseconds=1)
    event(at, (None, "", "system"), "rect_open",
          f"差评整改：{rect.contact_due:%m月%d日}前联系群众，{rect.due:%m月%d日}前整改完成",
          {"contact_due": rect.contact_due.isoformat(), "due": rect.due.isoformat()})  # fmt: skip
    if case.escalated_to_id:
        user = gen.approvers.get(case.escalated_to_id)
    else:
        user = place.director
    user = user or place.clerk
    handler = (user, user.display_name, "director")
    supervisors = [u for u in s.supervisors if u.pk != planned.rating.staff_id]
    chosen = rng.choice(supervisors) if supervisors else None
    supervisor = (chosen, chosen.display_name, "supervisor") if chosen else None
    recent = gen.now - at < STALL_RECENT

    def stalls() -> bool:
        return rng.random() < STALL_SHARE and recent

    def step(workdays, who, action, to, note, **extra):
        nonlocal at
        moment = _at(s, place, at, workdays)
        if moment > gen.now:
            return False
        before, rect.state = rect.state, to
        rect.version += 1
        at = moment
        event(moment, who, action, note, {"from": before, "to": to, **extra})
        return True

    if stalls():
        return  # nobody acted: open, and red once past its contact date
    if supervisor and rng.random() < APPEAL_SHARE:
        reason = rng.choice(APPEALS)
        if not step(rng.randint(0, 1), handler, "rect_appeal", RectState.REVIEW, reason):
            return
        rect.appeal_reason, rect.contacted_at = reason, at
        invalid = rng.random() < INVALID_SHARE
        decision = "经核查，评价与办件事实不符，认定无效" if invalid else "经核查，差评有效，请按期整改"
        if not step(rng.randint(1, 3), supervisor, "rect_invalid" if invalid else "rect_revalid",
                    RectState.INVALID if invalid else RectState.VALID, decision):  # fmt: skip
            return
        rect.decision_reason, rect.decided_by_id = decision, supervisor[0].pk
        if invalid:
            rect.closed_at = at
            return
    else:
        reached = rng.choice(("phone", "phone", "phone", "visit", "window"))
        verification = rng.choice(VERIFICATIONS)
        days = 0 if rng.random() < 0.6 else rng.randint(1, s.contact_days + 1)
        if not step(
            days, handler, "rect_verify", RectState.VALID, f"{REACHED[reached]}联系群众核实：{verification}"
        ):
            return
        rect.verification, rect.contacted_at = verification, at
    if stalls():
        return
    if supervisor and rng.random() < EXTENSION_SHARE:
        days, reason = rng.randint(2, 5), "需协调县直部门共同整改"
        if not step(0, handler, "rect_ext_request", rect.state, f"申请延长{days}个工作日：{reason}"):
            return
        rect.extension_reason, rect.extension_days, rect.extension_state = reason, days, "requested"
        approve = rng.random() < 0.8
        if approve:
            new_due = place.calendar.add_workdays(rect.due, days).date
            if not step(1, supervisor, "rect_ext_approve", rect.state, f"整改期限延至{new_due:%Y年%m月%d日}"):
                return
            rect.due, rect.extension_state = new_due, "approved"
        else:
            if not step(1, supervisor, "rect_ext_decline", rect.state, "理由不充分，请按期整改"):
                return
            rect.extension_state = "declined"
    plan = rng.choice(PLANS)
    if not step(rng.randint(0, 1), handler, "rect_start", RectState.RECTIFYING, plan):
        return
    rect.plan = plan
    if stalls():
        return
    left = max(0, place.calendar.workdays_between(at.astimezone(clock.SHANGHAI).date(), rect.due).days)
    days = rng.randint(0, left) if rng.random() < 0.9 else left + rng.randint(1, 4)
    result = rng.choice(RESULTS)
    if not step(days, handler, "rect_done", RectState.RECTIFIED, result):
        return
    rect.result, rect.rectified_at = result, at
    reached = rng.choice(("phone", "phone", "visit", "sms"))
    level = _weighted(rng, {1: 0.35, 2: 0.4, 3: 0.15, 4: 0.07, 5: 0.03})
    note = rng.choice(("", "群众表示满意", "群众认可整改结果"))
    text = f"{REACHED[reached]}回访，追评：{LEVELS[level]}" + (f"；{note}" if note else "")
    if not step(rng.randint(1, 2), handler, "rect_callback", RectState.CALLED_BACK, text,
                followup_level=level, reached=reached):  # fmt: skip
        return
    rect.callback_reached, rect.callback_note, rect.followup_level = reached, note, level
    rect.callback_at = rect.closed_at = at


def write(s: Setup, gen: Generator, plans: list[Planned]) -> None:
    """The batch's ratings and rectifications with reserved ids, named in their events' data."""
    planned = [(p, r) for p in plans for r in p.extra.get("ratings", ())]
    if not planned:
        return
    for (p, r), pk in zip(planned, _reserve_ids(Rating, len(planned)), strict=True):
        r.rating.pk = r.rating.id = pk
        r.rating.case_id = p.case.pk
        r.event_data["rating"] = pk
    _insert_objects(Rating, [r.rating for _, r in planned], with_pk=True)
    rects = [(p, r) for p, r in planned if r.rect is not None]
    for (p, r), pk in zip(rects, _reserve_ids(Rectification, len(rects)), strict=True):
        r.rect.pk = r.rect.id = pk
        r.rect.case_id, r.rect.rating_id = p.case.pk, r.rating.pk
        for data in r.rect_events:
            data["rectification"] = pk
    _insert_objects(Rectification, [r.rect for _, r in rects], with_pk=True)
