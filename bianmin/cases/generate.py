"""Generated cases for load and query-plan work: realistic history written in bulk, not through the actions.

Each case is planned in memory (received → decisions → completion → delivery, each step on a working-day
clock) and cut at "now", so recent cases are still open and old ones finished. Rows are written in bulk
(COPY / multi-row INSERT) in batches; every timeline row goes through `event_row` and is hash-chained here
as the model would. Each step's document row (受理通知书 …) is written with the snapshot the action would
have issued. Numbers follow the real format and the per-center-per-day counters are advanced, so later
real intake continues without collisions.

Other apps add their own generated rows through ADDONS (ratings, work orders): a module with
`setup(gen)`, and any of `plan_case(state, gen, planned)` (rows and timeline events of one case, in its
own random stream so the cases stay the same with or without it), `write(state, gen, plans)` (before the
batch's events are chained) and `after_batch(state, gen, plans)`.
"""

import datetime as dt
import importlib
import json
import multiprocessing
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, connections, models, transaction
from django.dispatch import Signal

from bianmin.accounts.models import Post, Role, User
from bianmin.cases.actions.decision import sign_off
from bianmin.cases.actions.delivery import DELIVERY_METHODS
from bianmin.cases.actions.window import SUPPLEMENT_DAYS
from bianmin.cases.chain import GENESIS, event_digest
from bianmin.cases.clock import current_calendar
from bianmin.cases.documents import ADVERSE_KINDS, KINDS, RIGHTS, date_text, denial_word, header
from bianmin.cases.models import (
    ApplicantKind,
    Case,
    CaseCounter,
    CaseMaterial,
    Channel,
    Custody,
    Document,
    Event,
    Location,
    MaterialStatus,
    NumberPrefix,
    Outcome,
    State,
    Suspension,
    SuspensionKind,
    Task,
    TaskState,
)
from bianmin.cases.validators import applicant_tails, credit_check_char, id_check_char
from bianmin.catalog.models import CaseClass, Item, ItemStatus
from bianmin.core import clock
from bianmin.regions.models import Center, CenterLevel, Level, Region

DEMO_COUNTY = "610324000000"
YEARS = 5
# Shares seen in township reports: most cases are instant or promised, a few joint, some sent up.
CLASS_SHARES = {
    CaseClass.INSTANT: 0.38,
    CaseClass.PROMISED: 0.45,
    CaseClass.JOINT: 0.05,
    CaseClass.ESCALATED: 0.12,
}
CHANNEL_SHARES = {
    Channel.WINDOW: 0.58,
    Channel.PROXY: 0.20,
    Channel.ONLINE: 0.14,
    Channel.PHONE: 0.04,
    Channel.MOBILE: 0.04,
}
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "秀兰建国桂英志强翠花福生淑珍有才玉梅长林秋菊永红德明素芳小军海燕文华金凤春生明亮丽娟宝山俊杰"
ORGANISATIONS = ["农业专业合作社", "家庭农场", "种植专业合作社", "养殖场", "商贸有限公司", "建材经营部"]
DENIAL = "经审查，申请人家庭收入超过当地保障标准，不符合条件"
REFUSAL = "申请事项不属于本机关职权范围，请向县级相关部门申请"


def event_row(case_id: int, *, at, actor, actor_name, role, action, from_state, to_state, note="", data=None):
    """One timeline row as columns for bulk writing (the caller chains its hash, see chain.py)."""
    return {
        "case_id": case_id,
        "at": at,
        "actor_id": actor.pk if actor is not None else None,
        "actor_name": actor_name,
        "role": role,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "note": note,
        "data": data or {},
    }


@dataclass
class Place:
    center: Center
    prefix: str
    calendar: object
    clerk: User
    director: User | None
    items: dict[str, list[Item]]
    villages: list[tuple[Region, User | None]]


@dataclass
class Planned:
    case: Case
    place: Place | None = None
    item: Item | None = None
    events: list[tuple] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    materials: list[CaseMaterial] = field(default_factory=list)
    suspension: Suspension | None = None
    custody: Custody | None = None
    documents: list[tuple] = field(default_factory=list)  # (at, kind, title, data)
    # Timeline rows from the add-ons, merged in time order; their from/to states are the case's state then.
    extra_events: list[tuple] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # the add-ons' own planned rows, by add-on name


def _weighted(rng: random.Random, shares: dict):
    x, total = rng.random(), 0.0
    for key, share in shares.items():
        total += share
        if x < total:
            return key
    return key


# name → module; each is used only when its app is installed and the caller did not leave it out.
ADDONS = {"ratings": "bianmin.ratings.generate", "work_orders": "bianmin.inquiries.generate"}
ADDON_APPS = {"ratings": "bianmin.ratings", "work_orders": "bianmin.inquiries"}


class Generator:
    def __init__(
        self,
        seed=1,
        county: str = DEMO_COUNTY,
        now: dt.datetime | None = None,
        part=(0, 1),
        addons=(),
        documents: bool = True,
        materials: bool = True,
    ):
        self.seed = seed
        self.rng = random.Random(seed)
        self.documents, self.with_materials = documents, materials
        self.now = now or clock.now()
        self.today = self.now.date()
        self.county = county
        posts = Post.objects.filter(is_active=True).select_related("user")
        clerks, directors, agents, self.approvers = {}, {}, {}, {}
        for post in posts:
            if post.role == Role.CLERK and post.center_id:
                clerks.setdefault(post.center_id, post.user)
            elif post.role == Role.DIRECTOR and post.center_id:
                directors.setdefault(post.center_id, post.user)
            elif post.role == Role.AGENT and post.region_id:
                agents.setdefault(post.region_id, post.user)
            elif post.role == Role.APPROVER and post.department_id:
                self.approvers.setdefault(post.department_id, post.user)
        fallback = next(iter(clerks.values()), None) or User.objects.filter(is_superuser=True).first()
        items = list(
            Item.objects.filter(status=ItemStatus.PUBLISHED, region__code__startswith=county[:6])
            .select_related("region", "lead_department", "escalate_to")
            .prefetch_related("materials", "joint_departments")
        )
        self.places = []
        centers = Center.objects.filter(
            level=CenterLevel.TOWNSHIP, is_active=True, region__code__startswith=county[:6]
        ).select_related("region")
        villages = list(Region.objects.filter(code__startswith=county[:6], level=Level.VILLAGE))
        for center in centers.order_by("code"):
            own = [i for i in items if center.region_id.startswith(i.region.prefix)]
            by_class = defaultdict(list)
            for item in own:
                by_class[item.case_class].append(item)
            if not own:
                continue
            mine = [v for v in villages if v.code.startswith(center.region_id[:9])]
            self.places.append(
                Place(
                    center=center,
                    prefix=_prefix(center),
                    calendar=current_calendar(center.region),
                    clerk=clerks.get(center.pk, fallback),
                    director=directors.get(center.pk),
                    items=dict(by_class),
                    villages=[(v, agents.get(v.code)) for v in mine],
                )
            )
        self._materials = {i.pk: list(i.materials.all()) for i in items}
        self._joint = {i.pk: list(i.joint_departments.all()) for i in items}
        # A worker takes every k-th center: numbers are per center, so workers never share a counter.
        self.places = self.places[part[0] :: part[1]]
        if not self.places:
            raise ValueError("演示县没有可受理事项的乡镇中心：请先运行 load_demo")
        self.counters = {
            (c.center_id, c.day): c.last
            for c in CaseCounter.objects.filter(center__in=[p.center for p in self.places])
        }
        start = self.today - dt.timedelta(days=365 * YEARS)
        calendar = self.places[0].calendar
        days = [start + dt.timedelta(days=n) for n in range((self.today - start).days + 1)]
        self.workdays = [d for d in days if calendar.is_workday(d)]
        self.restdays = [d for d in days if not calendar.is_workday(d)]
        self._rights: dict[str, str] = {}
        self.addons = []
        for name in addons:
            module = importlib.import_module(ADDONS[name])
            self.addons.append((module, module.setup(self)))

    def materials_of(self, item: Item) -> list:
        return self._materials[item.pk]

    def joint_of(self, item: Item) -> list:
        return self._joint[item.pk]

    # --- the plan of one case --------------------------------------------------------------------------

    def _moment(self, day: dt.date, after: dt.datetime | None = None) -> dt.datetime:
        """A time of day in office hours (8:30–17:30) on `day`, later than `after`."""
        minute = self.rng.randint(0, 540)
        moment = dt.datetime.combine(day, dt.time(8, 30), tzinfo=clock.SHANGHAI) + dt.timedelta(
            minutes=minute
        )
        if after is not None and moment <= after:
            moment = after + dt.timedelta(minutes=self.rng.randint(3, 45))
        return moment

    def _later(self, place: Place, moment: dt.datetime, workdays: int) -> dt.datetime:
        if workdays <= 0:
            return moment + dt.timedelta(minutes=self.rng.randint(3, 40))
        day = place.calendar.add_workdays(moment.date(), workdays).date
        return self._moment(day, moment)

    def _applicant(self, n: int) -> dict:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
        if rng.random() < 0.07:
            first17 = f"93610324MA{rng.randint(0, 9999999):07d}"
            return {
                **applicant_tails("", phone),
                "applicant_kind": ApplicantKind.ORGANISATION,
                "applicant_name": f"扶风县{name}{rng.choice(ORGANISATIONS)}",
                "applicant_credit_code": first17 + credit_check_char(first17),
                "applicant_contact_name": name,
                "applicant_phone": phone,
            }
        birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 70))
        first17 = f"610324{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        return {
            **applicant_tails(first17 + id_check_char(first17), phone),
            "applicant_kind": ApplicantKind.PERSON,
            "applicant_name": name,
            "applicant_id_number": first17 + id_check_char(first17),
            "applicant_phone": phone,
        }

    def _received_at(self) -> dt.datetime:
        rng = self.rng
        day = rng.choice(self.restdays if rng.random() < 0.02 and self.restdays else self.workdays)
        moment = self._moment(day)
        if moment > self.now:
            moment = self.now - dt.timedelta(minutes=rng.randint(1, 600))
        return moment

    def plan(self, n: int) -> Planned:
        rng = self.rng
        place = rng.choice(self.places)
        case_class = _weighted(rng, CLASS_SHARES)
        while case_class not in place.items:
            case_class = _weighted(rng, CLASS_SHARES)
        item = rng.choice(place.items[case_class])
        channel = _weighted(rng, CHANNEL_SHARES)
        if (channel == Channel.PROXY and not (item.proxy and place.villages)) or (
            channel == Channel.ONLINE and not item.online and rng.random() < 0.5
        ):
            channel = Channel.WINDOW
        received = self._received_at()
        day = received.date()
        key = (place.center.pk, day)
        self.counters[key] = self.counters.get(key, 0) + 1
        village, agent = rng.choice(place.villages) if channel == Channel.PROXY else (None, None)
        submitter = agent or place.clerk
        case = Case(
            number=f"{place.prefix}-{day:%Y%m%d}-{self.counters[key]:04d}",
            query_code=f"{rng.randrange(10**6):06d}",
            item_id=item.pk,
            center_id=place.center.pk,
            village_id=village.pk if village else None,
            channel=channel,
            proxy_home_visit=channel == Channel.PROXY and rng.random() < 0.3,
            proxy_mandate=channel == Channel.PROXY,
            submitted_by_id=submitter.pk,
            state=State.RECEIVED,
            case_class=item.case_class,
            received_at=received,
            pending_since=day,
            county=place.center.region_id[:6] + "000000",
            lead_department_id=item.lead_department_id,
            holder_kind=Location.VILLAGE if village else Location.TOWNSHIP,
            answers={},
            **self._applicant(n),
        )
        out = Planned(case, place=place, item=item)
        Walk(self, place, out, item, submitter, agent).run()
        if self.documents:
            plan_documents(self, out)
        for module, state in self.addons:
            if hasattr(module, "plan_case"):
                module.plan_case(state, self, out)
        if out.extra_events:
            out.events = merge_events(out.events, out.extra_events)
        return out

    def rights(self, case: Case) -> str:
        """The adverse decisions' appeal sentence (documents.rights_of), one look-up per county."""
        county = case.county
        if county not in self._rights:
            region = Region.objects.filter(code=county, level=Level.COUNTY).first()
            body = f"{region.name}人民政府" if region else "上一级人民政府"
            self._rights[county] = RIGHTS.format(review_body=body)
        return self._rights[county]


def merge_events(events: list[tuple], extra: list[tuple]) -> list[tuple]:
    """The case's steps with the add-ons' rows put in at their time (a step keeps its place on a tie);
    an added row neither leaves nor enters a state: its from/to are the case's state at that moment."""
    out, state, pending = [], "", sorted(extra, key=lambda e: e[0])
    i = 0
    for event in events:
        while i < len(pending) and pending[i][0] < event[0]:
            out.append((*pending[i][:5], state, state, *pending[i][7:]))
            i += 1
        out.append(event)
        state = event[6]
    out.extend((*e[:5], state, state, *e[7:]) for e in pending[i:])
    return out


class Walk:
    """One case's steps in time order; a step later than now is not taken, and the walk stops there."""

    def __init__(
        self, gen: Generator, place: Place, out: Planned, item: Item, submitter: User, agent: User | None
    ):
        self.gen, self.place, self.out, self.case, self.agent = gen, place, out, out.case, agent
        self.item = item
        self.rng = gen.rng
        self.at = self.case.received_at
        clerk = place.clerk
        self.clerk = (clerk, clerk.display_name if clerk else "", "clerk")
        role = "agent" if agent else "clerk"
        self.add(self.at, (submitter, submitter.display_name, role), "receive", "", State.RECEIVED,
                 data={"channel": self.case.channel, "item_version": item.version})  # fmt: skip

    def add(self, at, who, action, from_state, to_state, note="", data=None) -> None:
        user, name, role = who
        self.out.events.append((at, user, name, role, action, from_state, to_state, note, data))

    def step(self, workdays: int, who, action, to_state, note="", data=None) -> bool:
        at = self.gen._later(self.place, self.at, workdays)
        if at > self.gen.now:
            return False
        self.add(at, who, action, self.case.state, to_state, note, data)
        self.at, self.case.state = at, to_state
        return True

    def approver(self, department) -> tuple:
        user = self.gen.approvers.get(department.pk)
        return (user, user.display_name if user else department.name, "approver")

    def run(self) -> None:
        rng, case, item = self.rng, self.case, self.item
        materials = self.gen.materials_of(item)
        missing = None
        # Proxy: the agent carries the papers up; the township decides once it holds them.
        if case.village_id:
            agent = (self.agent, self.agent.display_name, "agent") if self.agent else self.clerk
            if not self.step(rng.randint(0, 3), agent, "handover_up", State.RECEIVED,
                             data={"direction": "up", "to": self.place.center.name}):  # fmt: skip
                return self.finish(materials, missing)
            self._custody(Location.IN_TRANSIT, f"{agent[1]}（代办员）送往{self.place.center.name}途中")
            if not self.step(rng.randint(0, 1), self.clerk, "handover_receive", State.RECEIVED,
                             data={"direction": "up", "to": self.place.center.name}):  # fmt: skip
                return self.finish(materials, missing)
            self._custody(Location.TOWNSHIP, f"{self.place.center.name}（{self.clerk[1]}签收）")
        x = rng.random()
        if x < 0.08 and materials:
            missing = rng.choice(materials)
            reason = f"未提交{missing.name}"
            if not self.step(0, self.clerk, "request_supplement", State.SUPPLEMENT_REQUESTED, note=reason,
                             data={"missing": [{"material": missing.name, "reason": reason}]}):  # fmt: skip
                return self.finish(materials, None)
            case.supplement_requested_at = self.at
            if not self.step(rng.randint(1, 5), self.clerk, "supplement", State.RECEIVED,
                             data={"materials": [missing.pk]}):  # fmt: skip
                return self.finish(materials, missing)
            missing, case.pending_since = None, self.at.date()
        if x > 0.97:
            return self.refuse(materials)
        if rng.random() < 0.005:
            return self.withdraw(materials, 0)
        if not self.step(0, self.clerk, "accept", State.ACCEPTED):
            return self.finish(materials, missing)
        self.accept()
        return self.decide(materials)

    def accept(self) -> None:
        case, item = self.case, self.item
        deadline = self.place.calendar.add_workdays(self.at.date(), item.promised_limit_days)
        case.accepted_at, case.clock_started_on = self.at, self.at.date()
        case.deadline, case.deadline_confirmed = deadline.date, deadline.confirmed
        ev = self.out.events[-1]
        self.out.events[-1] = (*ev[:8], {"deadline": deadline.date.isoformat(), "deadline_confirmed":
                               deadline.confirmed, "clock_started_on": self.at.date().isoformat(), "late": False,
                               "deferred": []})  # fmt: skip
        if case.case_class == CaseClass.JOINT:
            self.out.tasks = [Task(department=d, due=deadline.date) for d in self.gen.joint_of(item)]

    def decide(self, materials) -> None:
        rng, case, item, place = self.rng, self.case, self.item, self.place
        limit = item.promised_limit_days
        lead = self.approver(item.lead_department)
        if case.case_class == CaseClass.INSTANT:
            days = 0
        elif rng.random() < 0.06:
            days = limit + rng.randint(1, 8)  # finished late (or still open and red)
        else:
            days = rng.randint(max(1, limit // 4), max(1, limit))
        spent = 0
        if rng.random() < 0.01:
            return self.withdraw(materials, rng.randint(1, max(1, days)))
        if case.case_class != CaseClass.INSTANT and rng.random() < 0.03:
            spent = rng.randint(1, max(1, days // 2))
            kind = rng.choice(SuspensionKind.values)
            if not self.step(spent, lead, "suspend", State.SUSPENDED, note="依法进入特别程序",
                             data={"kind": kind, "started_on": self.at.date().isoformat()}):  # fmt: skip
                return self.finish(materials, None)
            case.resume_to = State.ACCEPTED
            started = self.at.date()
            self.out.suspension = Suspension(
                case=case, kind=kind, reason="依法进入特别程序", started_on=started,
                expected_end=started + dt.timedelta(days=14),
            )  # fmt: skip
            if not self.step(rng.randint(3, 10), lead, "resume", State.ACCEPTED):
                return self.finish(materials, None)
            paused = place.calendar.workdays_between(started, self.at.date()).days
            self.out.suspension.ended_on, self.out.suspension.workdays = self.at.date(), paused
            case.deadline = place.calendar.add_workdays(case.deadline, paused).date
            case.paused_days, case.resume_to = paused, ""
            self.out.events[-1] = (*self.out.events[-1][:8], {"paused_days": paused,
                                   "deadline": case.deadline.isoformat()})  # fmt: skip
        if item.extension_days and case.case_class != CaseClass.INSTANT and rng.random() < 0.03:
            asked_days = rng.randint(1, item.extension_days)
            if not self.step(rng.randint(0, max(0, days - spent)), lead, "request_extension", case.state,
                             note="需入户核查", data={"days": asked_days}):  # fmt: skip
                return self.finish(materials, None)
            case.pending_extension = True
            director = (
                (place.director, place.director.display_name, "director") if place.director else self.clerk
            )
            if rng.random() < 0.85:
                previous = case.deadline
                moved = place.calendar.add_workdays(case.deadline, asked_days).date
                if not self.step(1, director, "extend", case.state, note="需入户核查",
                                 data={"days": asked_days, "from": previous.isoformat(), "to": moved.isoformat()}):  # fmt: skip
                    return self.finish(materials, None)
                case.deadline, case.extension_days, case.extension_reason = moved, asked_days, "需入户核查"
                days += asked_days
            elif not self.step(1, director, "decline_extension", case.state, note="理由不充分"):
                return self.finish(materials, None)
            case.pending_extension = False
            spent += 1
        decider = lead
        if case.case_class == CaseClass.JOINT:
            for task in self.out.tasks:
                if not self.step(rng.randint(0, 2), self.approver(task.department),
                                 "approve" if rng.random() < 0.96 else "deny", case.state,
                                 data={"department": task.department.code}):  # fmt: skip
                    return self.finish(materials, None)
                action = self.out.events[-1][4]
                task.state = TaskState.APPROVED if action == "approve" else TaskState.DENIED
                task.decided_by, task.decided_at = self.out.events[-1][1], self.at
                task.reason = "" if action == "approve" else DENIAL
        if case.case_class == CaseClass.ESCALATED and item.escalate_to_id:
            if not self.step(rng.randint(1, max(1, days // 3)), lead, "escalate", State.ESCALATED,
                             note="经初审，拟同意", data={"to": item.escalate_to.code}):  # fmt: skip
                return self.finish(materials, None)
            case.opinion, case.escalated_to_id = "经初审，拟同意", item.escalate_to_id
            case.holder_kind = Location.COUNTY
            decider = self.approver(item.escalate_to)
        elif case.case_class == CaseClass.INSTANT:
            decider = self.clerk
        done = place.calendar.add_workdays(case.accepted_at.date(), days).date
        remaining = max(0, place.calendar.workdays_between(self.at.date(), done).days)
        denied_task = any(t.state == TaskState.DENIED for t in self.out.tasks)
        outcome = Outcome.DENIED if denied_task or rng.random() < 0.05 else Outcome.APPROVED
        if not self.step(remaining, decider, "complete", State.COMPLETED, note=DENIAL if outcome == Outcome.DENIED
                         else "", data={"outcome": outcome}):  # fmt: skip
            return self.finish(materials, None)
        on_time = case.deadline is not None and self.at.date() <= case.deadline
        self.out.events[-1][8]["on_time"] = on_time
        case.outcome, case.completed_at, case.completed_on_time = outcome, self.at, on_time
        case.result = "准予办理" if outcome == Outcome.APPROVED else ""
        if outcome == Outcome.DENIED:
            case.reason, case.case_class = DENIAL, CaseClass.RETURNED
        if case.holder_kind == Location.COUNTY:
            case.holder_kind = Location.TOWNSHIP
        if rng.random() < 0.03:
            return self.finish(materials, None)  # never collected
        if case.village_id and self.agent:
            agent = (self.agent, self.agent.display_name, "agent")
            if not self.step(rng.randint(0, 3), self.clerk, "handover_down", State.COMPLETED,
                             data={"direction": "down", "to": self.agent.display_name}):  # fmt: skip
                return self.finish(materials, None)
            self._custody(Location.IN_TRANSIT, f"{self.agent.display_name}（代办员）带回途中")
            if not self.step(0, agent, "handover_receive", State.COMPLETED,
                             data={"direction": "down", "to": self.agent.display_name}):  # fmt: skip
                return self.finish(materials, None)
            self._custody(Location.VILLAGE, f"{self.agent.display_name}（代办员）")
            who, method, wait = agent, "proxy", rng.randint(0, 2)
        else:
            who, method, wait = self.clerk, "window", 0 if days == 0 else rng.randint(0, 5)
        receiver = case.applicant_contact_name or case.applicant_name
        if self.step(wait, who, "deliver", State.DELIVERED, note=f"签收人：{receiver}",
                     data={"method": method, "receiver": receiver}):  # fmt: skip
            case.delivered_at = self.at
            if case.village_id:
                self._custody(Location.VILLAGE, f"村民{receiver}（已签收）")
        return self.finish(materials, None)

    def refuse(self, materials) -> None:
        if self.step(0, self.clerk, "refuse", State.REFUSED, note=REFUSAL):
            self.case.reason, self.case.case_class = REFUSAL, CaseClass.RETURNED
        return self.finish(materials, None)

    def withdraw(self, materials, workdays) -> None:
        if self.step(workdays, self.clerk, "withdraw", State.WITHDRAWN, note="申请人申请撤回"):
            if self.out.suspension and self.out.suspension.ended_on is None:
                self.out.suspension.ended_on = self.at.date()
            self.case.resume_to = ""
        return self.finish(materials, None)

    def _custody(self, location: str, label: str) -> None:
        self.case.holder_kind = location
        self.out.custody = Custody(
            location=location, holder_label=label[:120], updated_at=self.at,
            holder_center_id=self.place.center.pk if location == Location.TOWNSHIP else None,
        )  # fmt: skip

    def finish(self, materials, missing) -> None:
        case = self.case
        if case.state == State.ESCALATED or (
            case.state == State.SUSPENDED and case.resume_to == State.ESCALATED
        ):
            case.holder_kind = Location.COUNTY
        self.out.materials = [
            (
                m.pk,
                m.originals,
                m.copies,
                MaterialStatus.MISSING if missing and m.pk == missing.pk else MaterialStatus.RECEIVED,
            )
            for m in materials
        ]


# The document each step issues (the actions' `document=`), as bianmin/cases/actions declares them.
STEP_DOCUMENTS = {
    "accept": "acceptance_notice",
    "request_supplement": "supplement_notice",
    "refuse": "refusal_notice",
    "suspend": "suspension_notice",
    "extend": "extension_notice",
    "complete": "completion_notice",
    "deliver": "delivery_receipt",
}


def plan_documents(gen: Generator, out: Planned) -> None:
    """The document rows the case's steps issued, each with the snapshot `documents.snapshot` takes at that
    moment (deadline, accepted/completed times as they were then). Rows only: like every real document,
    the PDF is rendered from the snapshot when someone opens it."""
    case, item, place = out.case, out.item, out.place
    center = place.center
    materials = gen.materials_of(item)
    accepted_at = completed_at = deadline = None
    for at, _user, name, role, action, _from, _to, _note, data in out.events:
        if action == "accept":
            accepted_at, deadline = at, dt.date.fromisoformat(data["deadline"])
        elif action == "resume" and data.get("deadline"):
            deadline = dt.date.fromisoformat(data["deadline"])
        elif action == "extend":
            deadline = dt.date.fromisoformat(data["to"])
        elif action == "complete":
            completed_at = at
        kind = STEP_DOCUMENTS.get(action)
        if kind is None:
            continue
        docs = [(kind, _document_extra(gen, out, kind, at, name, role, data, materials))]
        if action == "complete" and data.get("outcome") == Outcome.DENIED:
            docs.append(("denial_decision", {"denial_word": denial_word(item), "reason": case.reason}))
        for kind, extra in docs:
            title = f"{denial_word(item)}决定书" if kind == "denial_decision" else KINDS[kind]
            snapshot = {
                **header(
                    case,
                    kind,
                    center=center,
                    item=item,
                    title=title,
                    issued_on=at.astimezone(clock.SHANGHAI).date(),
                    accepted_at=accepted_at,
                    completed_at=completed_at,
                    deadline=deadline,
                    rights=gen.rights(case) if kind in ADVERSE_KINDS else "",
                ),  # fmt: skip
                **extra,
            }
            out.documents.append((at, kind, title, snapshot))


def _document_extra(gen, out: Planned, kind: str, at, actor_name, role, data, materials) -> dict:
    """What `documents._kind_extra` and the action's own `act.document` add for this kind."""
    case, item, center = out.case, out.item, out.place.center
    if kind == "acceptance_notice":
        if item.escalate_to_id:
            deciding = f"{item.escalate_to.name}（{item.lead_department.name}初审后上报）"
        else:
            deciding = item.lead_department.name if item.lead_department_id else center.name
        received = [
            {"name": m.name, "originals": m.originals, "copies": m.copies, "deferred": False}
            for m in (materials if gen.with_materials else ())
        ]
        return {"materials_received": received, "deciding_department": deciding}
    if kind == "supplement_notice":
        by_name = {m.name: m for m in materials}
        missing = []
        for entry in data.get("missing", []):
            m = by_name.get(entry["material"])
            missing.append(
                {
                    "material": entry["material"],
                    "standard": m.standard if m else "",
                    "reason": entry["reason"],
                    "originals": m.originals if m else 0,
                    "copies": m.copies if m else 0,
                }
            )
        due = out.place.calendar.add_workdays(at.astimezone(clock.SHANGHAI).date(), SUPPLEMENT_DAYS).date
        return {
            "bring_to": center.name,
            "bring_address": center.address or item.place,
            "opening_hours": center.opening_hours or item.hours,
            "missing": missing,
            "due": date_text(due),
        }
    if kind == "refusal_notice":
        return {"reason": case.reason}
    if kind == "suspension_notice":
        suspension = out.suspension
        return {
            "suspension_kind": suspension.get_kind_display(),
            "reason": suspension.reason,
            "started_on": suspension.started_on.isoformat(),
            "expected_end": date_text(suspension.expected_end),
        }
    if kind == "extension_notice":
        return {"days": data["days"], "reason": case.extension_reason, "previous": data["from"]}
    if kind == "completion_notice":
        opinions = sign_off(out.tasks)
        return {
            "denial_word": denial_word(item),
            "outcome": Outcome(data["outcome"]).label,
            "result": case.result,
            **opinions,
        }
    if kind == "delivery_receipt":
        return {
            "method": DELIVERY_METHODS[data["method"]],
            "receiver": data["receiver"],
            "signature": "",
            "deliverer": actor_name,
            "deliverer_role": "代办员" if role == "agent" else "窗口工作人员",
        }
    return {}


def _prefix(center: Center) -> str:
    existing = NumberPrefix.objects.filter(center=center).first()
    if existing:
        return existing.prefix
    from bianmin.cases.actions.intake import number_prefix as _number_prefix

    return _number_prefix(center)


# Sent once generate() wrote its cases (kwargs: count): the statistics app rebuilds its rollups on it, so a
# generated database has its statistics without anything in `cases` importing that app.
generated = Signal()


def generate(
    count: int,
    *,
    seed: int = 1,
    batch: int = 5000,
    materials: bool = True,
    workers: int = 1,
    progress=None,
    documents: bool = True,
    ratings: bool = True,
    work_orders: bool = True,
) -> int:
    """Add `count` cases to the demo county; returns how many were written.

    With workers > 1 (PostgreSQL only) each process writes the cases of its own centers; the result is
    deterministic for a given seed and number of workers. `ratings` and `work_orders` add those apps'
    rows (when installed); `documents` the document rows of each step."""
    wanted = {"ratings": ratings, "work_orders": work_orders}
    addons = tuple(n for n in ADDONS if wanted[n] and apps.is_installed(ADDON_APPS[n]))
    options = {"materials": materials, "documents": documents, "addons": addons}
    workers = max(1, min(workers, len(Generator(seed).places)))
    if workers == 1 or connection.vendor != "postgresql":
        written = _generate_part(count, seed, (0, 1), batch, options, progress)
        _refresh_planner_statistics()
        generated.send(sender=Generator, count=written)
        return written
    shares = [count // workers + (1 if w < count % workers else 0) for w in range(workers)]
    connections.close_all()  # each forked worker opens its own connection
    context = multiprocessing.get_context("fork")  # forked, so nothing (the progress callback) is pickled
    processes = [
        context.Process(
            target=_worker, args=(shares[w], f"{seed}/{w}", (w, workers), batch, options, progress)
        )
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    if any(process.exitcode for process in processes):
        raise RuntimeError("生成办件的子进程失败（已提交的批次保留）")
    _refresh_planner_statistics()
    generated.send(sender=Generator, count=count)
    return count


def _refresh_planner_statistics() -> None:
    """ANALYZE after the bulk load, before anything reads it (the statistics' rebuild, the first pages).

    PostgreSQL plans from the row counts its last (auto)vacuum or ANALYZE saw: a table vacuumed while
    empty is taken as empty until autovacuum comes round again, and the rebuild's joins over thousands of
    fresh events then run as nested loops re-scanning every case — minutes instead of seconds. SQLite keeps
    no statistics unless ANALYZE was run once; it is left as it was."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _generate_part(count, seed, part, batch, options, progress) -> int:
    gen = Generator(seed, part=part, **options)
    written = 0
    while written < count:
        size = min(batch, count - written)
        with transaction.atomic():
            _write(gen, [gen.plan(written + i) for i in range(size)])
        written += size
        if progress:
            progress(written, count)
    return written


def _worker(*args) -> None:
    try:
        _generate_part(*args)
    finally:
        connections.close_all()


def _write(gen: Generator, plans: list[Planned]) -> None:
    ids = _reserve_ids(Case, len(plans))
    for pk, p in zip(ids, plans, strict=True):
        p.case.pk = p.case.id = pk
    _insert_objects(Case, [p.case for p in plans])
    for module, state in gen.addons:
        if hasattr(module, "write"):
            module.write(state, gen, plans)  # their rows first: the events' data names their ids
    events = []
    for p in plans:
        prev = GENESIS  # a generated case is new: its chain starts here, in the order the rows are written
        for at, user, name, role, action, from_state, to_state, note, data in p.events:
            row = event_row(p.case.pk, at=at, actor=user, actor_name=name, role=role, action=action,
                            from_state=from_state, to_state=to_state, note=note, data=data)  # fmt: skip
            row["prev_hash"] = prev
            row["hash"] = prev = event_digest(
                case=p.case.pk, at=at, actor=row["actor_id"], actor_name=name, role=role, action=action,
                from_state=from_state, to_state=to_state, note=note, data=row["data"], prev_hash=prev,
            )  # fmt: skip
            events.append(row)
    _insert(Event, list(events[0]), [tuple(e.values()) for e in events])
    for p in plans:
        for row in (*p.tasks, p.suspension, p.custody):
            if row is not None:
                row.case_id = p.case.pk
    _insert_objects(Task, [t for p in plans for t in p.tasks])
    _insert_objects(Suspension, [p.suspension for p in plans if p.suspension])
    _insert_objects(Custody, [p.custody for p in plans if p.custody])
    if gen.with_materials:
        rows = [(p.case.pk, *m, "", None) for p in plans for m in p.materials]
        _insert(CaseMaterial, ["case_id", "material_id", "originals", "copies", "status", "reason",
                               "promise_date"], rows)  # fmt: skip
    _insert(
        Document,
        ["case_id", "created_at", "kind", "title", "data"],
        [(p.case.pk, at, kind, title, data) for p in plans for at, kind, title, data in p.documents],
    )
    # Advance the counters for every day this batch numbered, so real intake continues after them.
    days = {(p.case.center_id, p.case.received_at.date()) for p in plans}
    CaseCounter.objects.bulk_create(
        [CaseCounter(center_id=c, day=d, last=gen.counters[(c, d)]) for c, d in days],
        update_conflicts=True,
        unique_fields=["center", "day"],
        update_fields=["last"],
    )
    for module, state in gen.addons:
        if hasattr(module, "after_batch"):
            module.after_batch(state, gen, plans)


def _reserve_ids(model, n: int) -> list[int]:
    """n primary keys nobody else will take: the sequence on PostgreSQL, past the high-water mark on SQLite
    (the batch's transaction holds SQLite's write lock, so no one inserts in between)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 (a model's own table name)
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + n + 1))


def _insert_objects(model, objs: list, with_pk: bool = False) -> None:
    """Rows from unsaved instances (defaults filled by the model), without Django's per-value compiler;
    with their primary keys when the caller reserved them (`_reserve_ids`)."""
    if not objs:
        return
    with_pk = with_pk or model is Case
    fields = [f for f in model._meta.concrete_fields if f.primary_key is False or with_pk]
    names = [f.column for f in fields]
    rows = [tuple(getattr(o, f.attname) for f in fields) for o in objs]
    _insert(model, names, rows)


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """COPY on PostgreSQL, multi-row INSERTs on SQLite; values adapted per column type once."""
    if not rows:
        return
    fields = {f.column: f for f in model._meta.concrete_fields}
    adapt = [_adapter(fields[c]) for c in columns]
    table = model._meta.db_table
    rows = [tuple(a(v) if a else v for a, v in zip(adapt, row, strict=True)) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per = max(1, 30000 // len(columns))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"  # noqa: S608
            cursor.execute(sql, [v for row in chunk for v in row])


def _adapter(f):
    if isinstance(f, models.JSONField):
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return Jsonb
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(f, models.DateTimeField):
        return lambda v: v if v is None else connection.ops.adapt_datetimefield_value(v)
    if isinstance(f, models.DateField):
        return lambda v: v if v is None else connection.ops.adapt_datefield_value(v)
    if isinstance(f, models.DecimalField | models.TimeField | models.UUIDField):
        return lambda v: f.get_db_prep_save(v, connection)
    return None
