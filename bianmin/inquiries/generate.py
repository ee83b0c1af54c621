"""Generated work orders (工单) for `generate_cases`: consultations, requests for help, complaints, reports and
suggestions at the same township centers as the cases, about one for every 28 cases, as `register_order`
and `act` would have left them — numbers per center and year with the counters advanced, the order's own
timeline (OrderEvent), and the clock of the county's limits.

Shares (township 12345 / 便民服务中心 reports): consultations most, then complaints and suggestions, some
requests for help, a few reports (more than half of them anonymous). Window and phone most, then online
messages and village agents. A complaint is about a case in four of ten (registered after that case came
in, concerning its lead department). Most orders are answered within their limit, called back and closed;
the walk stops at "now", so recent ones are still open.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from bianmin.cases.generate import (
    GIVEN,
    SURNAMES,
    Generator,
    Planned,
    _insert,
    _insert_objects,
    _reserve_ids,
    _weighted,
)
from bianmin.core import clock
from bianmin.inquiries.clock import LIMIT_FIELD, county_limits, within
from bianmin.inquiries.models import Channel, Kind, OrderCounter, OrderEvent, State, WorkOrder
from bianmin.regions.models import Department

ORDERS_PER_CASE = 1 / 28
KIND_SHARES = {Kind.CONSULT: 0.46, Kind.COMPLAINT: 0.18, Kind.SUGGESTION: 0.16, Kind.HELP: 0.14,
               Kind.REPORT: 0.06}  # fmt: skip
CHANNEL_SHARES = {Channel.WINDOW: 0.40, Channel.PHONE: 0.32, Channel.WEB: 0.16, Channel.AGENT: 0.12}
ABOUT_A_CASE, ANONYMOUS_REPORTS, URGENT = 0.4, 0.6, 0.03
CONTENT = {
    Kind.CONSULT: ("临时救助需要带哪些材料？", "老年人优待证在哪里办理，要几天？", "残疾人两项补贴怎么申请？",
                   "新生儿落户需要准备什么？", "城乡居民养老保险怎么补缴？"),
    Kind.HELP: ("家中老人独居行动不便，希望帮忙代办高龄补贴", "房屋漏雨，申请危房改造需要找谁？",
                "孩子上学困难，想申请教育救助"),
    Kind.COMPLAINT: ("申请交了两周还没有消息，想问问卡在哪一步", "窗口工作人员态度不好", "来了三趟材料还没说清楚",
                     "承诺的时间过了还没办结"),
    Kind.REPORT: ("有人冒领村里的养老补贴", "村里低保评议不公开", "有人收取代办费用"),
    Kind.SUGGESTION: ("建议中心周六上午开放", "建议在村里增设自助服务终端", "建议办事指南印成大字版"),
}  # fmt: skip
ANSWERS = {
    Kind.CONSULT: "已告知所需材料和办理地点，群众表示清楚",
    Kind.HELP: "已联系村代办员上门代办，并告知办理进度",
    Kind.COMPLAINT: "经核实已督促承办部门办理，并向群众说明情况",
    Kind.REPORT: "经调查核实，已按规定处理",
    Kind.SUGGESTION: "感谢建议，已转相关部门研究采纳",
}


@dataclass
class Setup:
    rng: random.Random
    limits: object
    departments: dict = field(default_factory=dict)  # center id → [Department]
    counters: dict = field(default_factory=dict)  # (center id, year) → last number given
    orders: list = field(default_factory=list)


def setup(gen: Generator) -> Setup:
    s = Setup(random.Random(f"{gen.seed}/work_orders"), county_limits(gen.county))
    centers = [p.center.pk for p in gen.places]
    for dept in Department.objects.filter(center_id__in=centers).order_by("code"):
        s.departments.setdefault(dept.center_id, []).append(dept)
    s.counters = {(c.center_id, c.year): c.last for c in OrderCounter.objects.filter(center_id__in=centers)}
    return s


def _moment(s: Setup, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 30), tzinfo=clock.SHANGHAI) + dt.timedelta(
        minutes=s.rng.randint(0, 540)
    )


def _later(s: Setup, place, moment: dt.datetime, workdays: int) -> dt.datetime:
    if workdays <= 0:
        return moment + dt.timedelta(minutes=s.rng.randint(5, 120))
    at = _moment(s, place.calendar.add_workdays(moment.astimezone(clock.SHANGHAI).date(), workdays).date)
    return at if at > moment else moment + dt.timedelta(minutes=s.rng.randint(5, 120))


def plan_case(s: Setup, gen: Generator, out: Planned) -> None:
    """A work order comes in at this case's center now and then (one per ~28 cases), sometimes about it."""
    if s.rng.random() < ORDERS_PER_CASE:
        s.orders.append(_plan_order(s, gen, out))


def _plan_order(s: Setup, gen: Generator, out: Planned) -> tuple:
    rng, place, case = s.rng, out.place, out.case
    kind = _weighted(rng, KIND_SHARES)
    linked = case if kind == Kind.COMPLAINT and rng.random() < ABOUT_A_CASE else None
    if linked is not None:
        at = _later(s, place, case.received_at, rng.randint(3, 20))
        channel = rng.choice((Channel.WINDOW, Channel.PHONE))
    else:
        at = _moment(s, rng.choice(gen.workdays))
        channel = _weighted(rng, CHANNEL_SHARES)
    if at > gen.now:
        at = gen.now - dt.timedelta(minutes=rng.randint(1, 600))
        if linked is not None and at < case.received_at:
            at = case.received_at + (gen.now - case.received_at) / 2  # never before the case it is about
    anonymous = kind == Kind.REPORT and rng.random() < ANONYMOUS_REPORTS
    agents = [a for _v, a in place.villages if a is not None]
    agent = rng.choice(agents) if channel == Channel.AGENT and agents else None
    if channel == Channel.AGENT and agent is None:
        channel = Channel.WINDOW
    registrar = {Channel.WEB: None, Channel.AGENT: agent}.get(channel, place.clerk)
    if anonymous:
        name = phone = ""
    else:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
    urgent = kind in (Kind.HELP, Kind.COMPLAINT) and rng.random() < URGENT
    day = at.astimezone(clock.SHANGHAI).date()
    limits = s.limits
    days = limits.inquiry_urgent_days if urgent else getattr(limits, LIMIT_FIELD[kind])
    year = at.astimezone(clock.SHANGHAI).year
    key = (place.center.pk, year)
    s.counters[key] = s.counters.get(key, 0) + 1
    departments = s.departments.get(place.center.pk, [])
    concerned = None
    if linked is not None:
        concerned = linked.lead_department_id
    elif kind == Kind.COMPLAINT and departments and rng.random() < 0.5:
        concerned = rng.choice(departments).pk
    item_code = ""
    if kind == Kind.CONSULT and rng.random() < 0.5:
        item_code = rng.choice(rng.choice(list(place.items.values()))).code
    order = WorkOrder(
        number=f"GD{place.prefix}{year}{s.counters[key]:05d}", query_code=f"{rng.randrange(10**6):06d}",
        kind=kind, urgent=urgent, channel=channel, state=State.REGISTERED, center_id=place.center.pk,
        county=place.center.region_id[:6] + "000000", person_name=name, person_phone=phone,
        anonymous=anonymous, confidential=kind == Kind.REPORT, content=rng.choice(CONTENT[kind]),
        case_id=None, item_code=item_code, concerned_department_id=concerned,
        owner_id=registrar.pk if registrar else None, registered_by_id=registrar.pk if registrar else None,
        registered_at=at, registered_on=day, dispatch_due=within(place.calendar, day, limits.inquiry_dispatch_days),
        due=within(place.calendar, day, days), version=1,
    )  # fmt: skip
    events = [(at, registrar, "register", "", State.REGISTERED, "", {"channel": channel})]
    _walk(s, gen, out, order, events, days, departments)
    return order, linked, events


def _walk(
    s: Setup, gen: Generator, out: Planned, order: WorkOrder, events: list, days: int, departments
) -> None:
    """The steps `act` takes (lifecycle.STEPS), each later than the one before, none after now."""
    rng, place, clerk = s.rng, out.place, out.place.clerk
    at = events[0][0]

    def step(workdays, actor, action, to, note="", **data):
        nonlocal at
        moment = _later(s, place, at, workdays)
        if moment > gen.now:
            return False
        before = order.state
        order.state, order.version, at = to, order.version + 1, moment
        events.append((moment, actor, action, before, to, note, data))
        return True

    answerer = clerk
    if (order.kind == Kind.CONSULT and rng.random() < 0.6) or not departments:
        pass  # answered at the window (首问负责)
    else:
        dept = rng.choice(departments)
        if not step(rng.randint(0, 1), clerk, "dispatch", State.DISPATCHED, department=dept.code,
                    department_name=dept.name):  # fmt: skip
            return
        order.department_id, order.dispatched_at, order.owner_id = dept.pk, at, None
        answerer = gen.approvers.get(dept.pk) or clerk
        if not step(rng.randint(0, 1), answerer, "accept", State.HANDLING):
            return
    limit = max(0, place.calendar.workdays_between(at.astimezone(clock.SHANGHAI).date(), order.due).days)
    wait = rng.randint(0, limit) if rng.random() < 0.9 else limit + rng.randint(1, 5)
    upheld = rng.random() < 0.35 if order.kind in (Kind.COMPLAINT, Kind.REPORT) else None
    if not step(0 if order.state == State.REGISTERED and order.kind == Kind.CONSULT else wait, answerer,
                "answer", State.ANSWERED, upheld=upheld):  # fmt: skip
        return
    order.answer_text, order.answered_at, order.answered_by_id = ANSWERS[order.kind], at, answerer.pk
    order.answered_on, order.upheld, order.owner_id = at.astimezone(clock.SHANGHAI).date(), upheld, None
    if order.person_phone:
        if rng.random() < 0.1:
            if not step(1, clerk, "callback", State.ANSWERED, "电话未接通", reached=False):
                return
            order.callback_attempts += 1
        level = _weighted(rng, {1: 0.5, 2: 0.3, 3: 0.12, 4: 0.05, 5: 0.03})
        if not step(rng.randint(1, 3), clerk, "callback", State.CALLED_BACK, reached=True, level=level):
            return
        order.callback_attempts += 1
        order.called_back_at, order.callback_level = at, level
    if step(rng.randint(0, 1), clerk, "close", State.CLOSED):
        order.closed_at = at


def after_batch(s: Setup, gen: Generator, plans: list[Planned]) -> None:
    """The orders planned with this batch's cases (linked ones now have their case's id), their timelines
    and the counters, so real registration continues after them."""
    if not s.orders:
        return
    orders = s.orders
    s.orders = []
    for (order, linked, _events), pk in zip(orders, _reserve_ids(WorkOrder, len(orders)), strict=True):
        order.pk = order.id = pk
        order.case_id = linked.pk if linked is not None else None
    _insert_objects(WorkOrder, [o for o, _, _ in orders], with_pk=True)
    _insert(
        OrderEvent,
        ["order_id", "at", "actor_id", "action", "from_state", "to_state", "note", "data"],
        [
            (order.pk, at, actor.pk if actor else None, action, before, to, note, data)
            for order, _, events in orders
            for at, actor, action, before, to, note, data in events
        ],
    )
    years = {(o.center_id, o.registered_at.astimezone(clock.SHANGHAI).year) for o, _, _ in orders}
    OrderCounter.objects.bulk_create(
        [OrderCounter(center_id=c, year=y, last=s.counters[(c, y)]) for c, y in years],
        update_conflicts=True,
        unique_fields=["center", "year"],
        update_fields=["last"],
    )
