"""The 电子监察 sweep: every rule as an SQL filter on indexed columns, each finding raised once.

`run(today)` is what `manage.py supervise` and the huey periodic task call. Each rule selects only its
candidates (open cases of one county past or near a date, pending steps past their due, orders past their
reply deadline …) — never every case — and turns them into unsaved `Warning` rows keyed by
(kind, subject, key). Keys already in the table are dropped, the rest inserted; only what was inserted now
causes anything (a message, a card, an order, a timeline event). A second run on the same day finds every
key present and raises nothing.

Other apps' open items (work orders, rating rectifications) come in through `register_source`
(interfaces.md #2) and get the same yellow / overdue / order / red rules.
"""

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Subquery
from django.urls import reverse

from bianmin.accounts.models import Post, Role, User
from bianmin.cases.actions.base import record_event
from bianmin.cases.clock import ART32_NOTICE_DAYS, current_calendar, yellow_threshold
from bianmin.cases.models import FINISHED_STATES, Case, Event, State, Task, TaskState
from bianmin.core import clock
from bianmin.messaging.notices import notify
from bianmin.messaging.services import send_message
from bianmin.messaging.templates import render
from bianmin.regions.models import CountySettings, Level, Region
from bianmin.regions.services import supervision_settings_all
from bianmin.supervision.models import (
    WAITING_STATES,
    Card,
    CardColor,
    Entry,
    Order,
    OrderState,
    SubjectKind,
    SweepRun,
    Warning,
    WarningKind,
)
from bianmin.supervision.models import Level as OrderLevel

log = logging.getLogger(__name__)

# States whose clock runs: a deadline can be near or missed (suspended: the clock stops).
RUNNING = (State.ACCEPTED, State.ESCALATED)
# How far back a supplement notice is looked for (the rule is raised once per case, so a day's gap is fine).
SUPPLEMENT_LOOKBACK_DAYS = 30
DEFAULT_REQUIREMENT = "请于回告期限前办结或说明未按期办结的原因、已采取的措施和预计办结时间，并上传相关材料。"
CHUNK = 500

SOURCES: dict[str, Callable[[dt.date], Iterable[dict]]] = {}


# kind -> fn(ref) -> the users a subject must never reach (the person a 举报 is about): never named,
# never told, never shown the order (selectors.CONCEALED hides the rows from them).
HIDDEN_FROM: dict[str, Callable[[str], set[int]]] = {}


def register_source(
    kind: str, fn: Callable[[dt.date], Iterable[dict]], hidden_from: Callable[[str], set[int]] | None = None
) -> None:
    """Another app's open items with deadlines (interfaces.md #2): fn(today) yields one dict per item."""
    SOURCES[kind] = fn
    if hidden_from is not None:
        HIDDEN_FROM[kind] = hidden_from


def hidden_from(subject_kind: str, subject_ref: str) -> set[int]:
    fn = HIDDEN_FROM.get(subject_kind)
    return set(fn(subject_ref)) if fn else set()


class SweepActor:
    """Who the timeline names for what the sweep writes (no user row)."""

    pk = None
    display_name = "电子监察"


SWEEP = SweepActor()


@dataclass
class Party:
    """Who answers for a finding: a department and/or a person, at a center."""

    department_id: int | None = None
    person_id: int | None = None
    center_id: int | None = None
    hidden: frozenset = frozenset()  # never told nor named (the person a 举报 is about)


@dataclass
class Found:
    warning: Warning
    parties: list[Party] = field(default_factory=list)
    tell: list[int] = field(default_factory=list)  # users told of a yellow warning
    case_id: int | None = None


def chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def county_of(region_code: str) -> str:
    return (region_code or "")[:6] + "000000"


class Sweep:
    """One run: the day, the county settings and the small lookup tables, read once."""

    def __init__(self, today: dt.date):
        self.today = today
        self.now = clock.now()
        self.raised: Counter = Counter()
        self.settings = supervision_settings_all()
        self.calendars: dict[str, object] = {}
        approvers, directors = defaultdict(list), defaultdict(list)
        self.supervisors: list[tuple[str, int]] = []
        posts = Post.objects.filter(is_active=True, role__in=[Role.APPROVER, Role.DIRECTOR, Role.SUPERVISOR])
        for role, dept, center, region, user in posts.order_by("user_id").values_list(
            "role", "department_id", "center_id", "region_id", "user_id"
        ):
            if role == Role.APPROVER and dept:
                approvers[dept].append(user)
            elif role == Role.DIRECTOR and center:
                directors[center].append(user)
            elif role == Role.SUPERVISOR and region:
                self.supervisors.append((region, user))
        self.approvers, self.directors = approvers, directors
        self.region_prefixes = {
            code: Region(code=code, level=level).prefix
            for code, level in Region.objects.filter(code__in={r for r, _ in self.supervisors}).values_list(
                "code", "level"
            )
        }

    # --- settings ---------------------------------------------------------------------------------
    def cfg(self, county: str) -> CountySettings:
        return self.settings.get(county) or CountySettings(county_id=county)

    def calendar(self, county: str):
        if county not in self.calendars:
            self.calendars[county] = current_calendar(Region.objects.filter(code=county).first())
        return self.calendars[county]

    def yellow_end(self, county: str) -> dt.date:
        """The first deadline that is still green: yellow is every deadline from today up to the day before."""
        threshold = yellow_threshold(county)
        return self.calendar(county).add_workdays(self.today, threshold + 1).date

    def reply_due(self, county: str) -> dt.date:
        return self.calendar(county).add_workdays(self.today, self.cfg(county).reply_days).date

    # --- who ------------------------------------------------------------------------------------------
    def person_of(self, department_id: int | None) -> int | None:
        users = self.approvers.get(department_id) or []
        return users[0] if users else None

    def supervisors_of(self, region_code: str) -> list[int]:
        return [
            u for code, u in self.supervisors if region_code.startswith(self.region_prefixes.get(code, code))
        ]

    def recipients(self, party: Party) -> list[int]:
        """The person, their department's approvers and the center's director: who hears of an order."""
        users = [party.person_id] if party.person_id else []
        users += self.approvers.get(party.department_id, [])
        users += self.directors.get(party.center_id, [])
        return list(dict.fromkeys(u for u in users if u and u not in party.hidden))

    # --- the run ------------------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        for county in Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True):
            self.case_rules(county)
        self.supplement_repeat()
        self.sources()
        self.orders_overdue()
        self.close_resolved()
        return dict(self.raised)

    def case_rules(self, county: str) -> None:
        today = self.today
        cols = ("id", "number", "state", "deadline", "center_id", "center__region_id", "lead_department_id",
                "escalated_to_id", "case_class", "submitted_by_id", "pending_since", "item__name")  # fmt: skip
        running = Case.objects.filter(county=county, state__in=RUNNING)
        # 预警: the deadline is within the county's threshold (today up to the last yellow day).
        yellow = list(running.filter(deadline__gte=today, deadline__lt=self.yellow_end(county)).values(*cols))
        # 超期: the deadline has passed and the case is still open with its clock running.
        overdue = list(running.filter(deadline__lt=today).values(*cols))
        pending = self.pending_steps([r["id"] for r in yellow + overdue])
        found = []
        for row in yellow:
            parties = self.holders(row, pending)
            tell = {
                u
                for p in parties
                for u in ([p.person_id] if p.person_id else self.approvers.get(p.department_id, []))
            }
            found.append(Found(self.warning(WarningKind.YELLOW, row, row["deadline"], f"{row['deadline']:%Y年%m月%d日}到期"),
                               tell=sorted(tell), case_id=row["id"]))  # fmt: skip
        for row in overdue:
            found.append(Found(self.warning(WarningKind.OVERDUE, row, row["deadline"], f"已超过办结期限{row['deadline']:%Y-%m-%d}"),
                               parties=self.holders(row, pending), case_id=row["id"]))  # fmt: skip
        # 环节超期: a joint department's step is past its own due date while the case is not overdue.
        steps = (
            Task.objects.filter(state=TaskState.PENDING, due__lt=today, case__county=county)
            .filter(case__state__in=RUNNING, case__deadline__gte=today)
            .values("department_id", "due", "department__name", *[f"case__{c}" for c in cols])
        )
        for step in steps:
            row = {c: step[f"case__{c}"] for c in cols}
            w = self.warning(WarningKind.STEP_OVERDUE, row, step["due"],
                             f"{step['department__name']}会签环节已超过期限{step['due']:%Y-%m-%d}")  # fmt: skip
            w.key, w.department_id = f"{step['department_id']}:{step['due']}", step["department_id"]
            party = Party(step["department_id"], self.person_of(step["department_id"]), row["center_id"])
            found.append(Found(w, parties=[party], case_id=row["id"]))
        # 初审环节超期: an escalated item's township review (before it is sent up) has the county's step limit.
        step_days = self.cfg(county).step_due_days
        if step_days:
            cutoff = self.start_cutoff(county, step_days)
            reviews = Case.objects.filter(county=county, state=State.ACCEPTED, case_class="escalated",
                                          deadline__gte=today, clock_started_on__lte=cutoff).values(*cols, "clock_started_on")  # fmt: skip
            for row in reviews:
                due = self.calendar(county).add_workdays(row["clock_started_on"], step_days).date
                dept = row["lead_department_id"]
                w = self.warning(
                    WarningKind.STEP_OVERDUE, row, due, f"乡镇初审环节已超过期限{due:%Y-%m-%d}，尚未上报"
                )
                w.key, w.department_id = f"{dept}:{due}", dept
                found.append(
                    Found(w, parties=[Party(dept, self.person_of(dept), row["center_id"])], case_id=row["id"])
                )
        # 收件超期 (Art. 32): still in 收件, not told what to supplement, past five working days.
        cutoff = self.receipt_cutoff(county)
        received = Case.objects.filter(county=county, state=State.RECEIVED, pending_since__lte=cutoff).values(
            *cols
        )
        for row in received:
            w = self.warning(WarningKind.RECEIPT_OVERDUE, row, row["pending_since"],
                             f"{row['pending_since']:%Y-%m-%d}收件，超过{ART32_NOTICE_DAYS}个工作日未受理也未告知补正")  # fmt: skip
            found.append(
                Found(w, parties=[Party(None, row["submitted_by_id"], row["center_id"])], case_id=row["id"])
            )
        self.raise_all(found)

    def receipt_cutoff(self, county: str) -> dt.date:
        """The latest 收件 day whose five working days ended before today (Art. 32)."""
        return self.start_cutoff(county, ART32_NOTICE_DAYS)

    def start_cutoff(self, county: str, days: int) -> dt.date:
        """The latest start day whose `days` working days ended before today."""
        calendar = self.calendar(county)
        day = self.today
        while calendar.add_workdays(day, days).date >= self.today:
            day -= dt.timedelta(days=1)
        return day

    def pending_steps(self, case_ids: list[int]) -> dict[int, list[int]]:
        steps = defaultdict(list)
        for ids in chunks(case_ids):
            for case_id, dept in Task.objects.filter(case_id__in=ids, state=TaskState.PENDING).values_list(
                "case_id", "department_id"
            ):
                steps[case_id].append(dept)
        return steps

    def holders(self, row: dict, pending: dict[int, list[int]]) -> list[Party]:
        """Who holds the case now: the county department (escalated), the departments whose joint step is
        still pending, else the lead department — each with its approver as the person."""
        if row["state"] == State.ESCALATED and row["escalated_to_id"]:
            departments = [row["escalated_to_id"]]
        else:
            departments = sorted(pending.get(row["id"]) or []) or [row["lead_department_id"]]
        return [Party(d, self.person_of(d), row["center_id"]) for d in departments if d] or [
            Party(None, None, row["center_id"])
        ]

    def warning(self, kind: str, row: dict, due, why: str) -> Warning:
        region = row["center__region_id"] or ""
        return Warning(
            kind=kind,
            subject_kind=SubjectKind.CASE,
            subject_ref=row["number"],
            key=str(due or ""),
            case_id=row["id"],
            center_id=row["center_id"],
            region_code=region,
            label=f"办件{row['number']}（{row['item__name']}）{why}"[:200],
            link=reverse("cases:case", args=[row["number"]]),
            due=due,
            raised_on=self.today,
        )

    def supplement_repeat(self) -> None:
        """一次性告知 broken: a case told to supplement more than once (looked for among recent notices)."""
        since = self.now - dt.timedelta(days=SUPPLEMENT_LOOKBACK_DAYS)
        recent = Event.objects.filter(action="request_supplement", at__gte=since).values("case_id")
        rows = list(
            Event.objects.filter(action="request_supplement", case_id__in=Subquery(recent))
            .values("case_id")
            .annotate(n=Count("id"), last=Max("id"))
            .filter(n__gte=2)
        )
        if not rows:
            return
        actors = dict(
            Event.objects.filter(pk__in=[r["last"] for r in rows]).values_list("case_id", "actor_id")
        )
        cols = ("id", "number", "center_id", "center__region_id", "item__name")
        found = []
        for ids in chunks([r["case_id"] for r in rows]):
            for row in Case.objects.filter(pk__in=ids).values(*cols):
                w = self.warning(WarningKind.SUPPLEMENT_REPEAT, row, None, "多次告知补正，未做到一次性告知")
                found.append(
                    Found(
                        w, parties=[Party(None, actors.get(row["id"]), row["center_id"])], case_id=row["id"]
                    )
                )
        self.raise_all(found)

    def sources(self) -> None:
        """Work orders and rectifications from the registered sources: the same yellow / overdue rules."""
        for kind, fn in SOURCES.items():
            seen: set[str] = set()
            batch: list[Found] = []
            for item in fn(self.today):
                ref, due = str(item["ref"])[:64], item["due"]
                seen.add(ref)
                county = county_of(item.get("region_code") or "")
                if due < self.today:
                    wkind, why = WarningKind.OVERDUE, f"已超过期限{due:%Y-%m-%d}"
                elif due < self.yellow_end(county):
                    wkind, why = WarningKind.YELLOW, f"{due:%Y年%m月%d日}到期"
                else:
                    continue
                w = Warning(kind=wkind, subject_kind=kind, subject_ref=ref, key=str(due),
                            center_id=item.get("center_id"), department_id=item.get("department_id"),
                            region_code=item.get("region_code") or "", label=f"{item.get('label', '')}{why}"[:200],
                            link=item.get("link") or "", due=due, raised_on=self.today)  # fmt: skip
                hidden = set(item.get("hidden_user_ids") or [])
                users = [u for u in item.get("user_ids") or [] if u and u not in hidden]
                dept = item.get("department_id")
                if "person_id" in item:  # the source names who answers (首问负责: the owner before dispatch)
                    person = item["person_id"]
                else:
                    person = users[0] if users else self.person_of(dept)
                if person in hidden:
                    person = None
                party = Party(dept, person, item.get("center_id"), hidden=frozenset(hidden))
                batch.append(Found(w, parties=[party], tell=users))
                if len(batch) >= CHUNK:
                    self.raise_all(batch)
                    batch = []
            self.raise_all(batch)
            # An item no longer yielded is no longer open: its warnings stop counting as open.
            stale = Warning.objects.filter(subject_kind=kind, is_open=True).exclude(
                subject_ref__in=seen or [""]
            )
            if len(seen) <= 10_000:
                stale.update(is_open=False)

    def orders_overdue(self) -> None:
        """An order unanswered past its reply deadline: a red card, the 整改通知书, one level up."""
        orders = list(
            Order.objects.filter(state__in=WAITING_STATES, reply_due__lt=self.today).select_related("case")
        )
        found = []
        for order in orders:
            w = Warning(kind=WarningKind.ORDER_OVERDUE, subject_kind=SubjectKind.ORDER, subject_ref=order.number,
                        key=str(order.reply_due), case_id=order.case_id, center_id=order.center_id,
                        department_id=order.department_id, person_id=order.person_id, region_code=order.region_code,
                        label=f"督办单{order.number}逾期未回告（期限{order.reply_due:%Y-%m-%d}）",
                        link=reverse("supervision:order", args=[order.number]), due=order.reply_due,
                        raised_on=self.today)  # fmt: skip
            found.append(Found(w, case_id=order.case_id))
        by_number = {o.number: o for o in orders}
        for f in self.insert_new(found):
            self.go_red(by_number[f.warning.subject_ref], f.warning, "red")

    def close_resolved(self) -> None:
        """Warnings whose case finished, or whose order closed, no longer count as open."""
        finished = Case.objects.filter(state__in=sorted(FINISHED_STATES))
        Warning.objects.filter(is_open=True, subject_kind=SubjectKind.CASE, case__in=finished).update(
            is_open=False
        )
        done = Order.objects.filter(state=OrderState.CLOSED).values("number")
        Warning.objects.filter(is_open=True, subject_kind=SubjectKind.ORDER, subject_ref__in=done).update(
            is_open=False
        )

    # --- raising -------------------------------------------------------------------------------------------
    def insert_new(self, found: list[Found]) -> list[Found]:
        """Insert the findings whose key is not in the table yet; return those (the only ones that act)."""
        groups = defaultdict(list)
        for f in found:
            groups[(f.warning.kind, f.warning.subject_kind)].append(f)
        new: list[Found] = []
        for (kind, subject_kind), group in groups.items():
            refs = sorted({f.warning.subject_ref for f in group})
            existing = set()
            for part in chunks(refs):
                existing |= set(
                    Warning.objects.filter(
                        kind=kind, subject_kind=subject_kind, subject_ref__in=part
                    ).values_list("subject_ref", "key")
                )
            fresh = []
            for f in group:
                key = (f.warning.subject_ref, f.warning.key)
                if key not in existing:
                    existing.add(key)
                    fresh.append(f)
            if fresh:
                Warning.objects.bulk_create([f.warning for f in fresh], batch_size=CHUNK)
                self.raised[str(kind)] += len(fresh)
            new += fresh
        return new

    def raise_all(self, found: list[Found]) -> None:
        new = self.insert_new(found)
        cases = self.cases_of([f.case_id for f in new if f.case_id])
        for f in new:
            case = cases.get(f.case_id)
            if f.warning.kind == WarningKind.YELLOW:
                self.tell_yellow(f, case)
            else:
                for party in f.parties:
                    self.yellow_card(f.warning, party, case)

    def cases_of(self, ids: list[int]) -> dict[int, Case]:
        found = {}
        for part in chunks(sorted(set(ids))):
            found.update({c.pk: c for c in Case.objects.filter(pk__in=part).select_related("center")})
        return found

    # --- what a finding causes -------------------------------------------------------------------------------
    def tell_yellow(self, f: Found, case: Case | None) -> None:
        w = f.warning
        county = county_of(w.region_code)
        params = {
            "center": case.center.name if case else "",
            "number": w.subject_ref,
            "deadline": str(w.due or ""),
        }
        text, urgent = render("yellow_light", county, params)
        notify(f.tell, "yellow_light", text[:200], w.label, w.link, case=case)
        self.text_users(f.tell, "yellow_light", text, params, case, f"sv:{w.pk}", urgent)

    def text_users(self, users, template, text, params, case, key, urgent=False) -> None:
        for pk, phone in User.objects.filter(pk__in=users).exclude(phone="").values_list("pk", "phone"):
            send_message(
                phone, template, text, params, case=case, key=f"{key}:{pk}", key_is_new=True, urgent=urgent
            )

    def yellow_card(self, w: Warning, party: Party, case: Case | None) -> Order:
        county = county_of(w.region_code)
        order = create_order(
            subject_kind=w.subject_kind, subject_ref=w.subject_ref, case=case, label=w.label, link=w.link,
            party=party, region_code=w.region_code, reason=f"{w.get_kind_display()}：{w.label}",
            requirement=DEFAULT_REQUIREMENT, reply_due=self.reply_due(county), by=None, card=CardColor.YELLOW,
            warning=w,
        )  # fmt: skip
        card = Card.objects.create(
            color=CardColor.YELLOW, person_id=party.person_id, department_id=party.department_id,
            center_id=party.center_id, order=order, warning=w, subject_kind=w.subject_kind,
            subject_ref=w.subject_ref, label=w.label, region_code=w.region_code, issued_on=self.today,
        )  # fmt: skip
        tell_order(order, self.recipients(party), case)
        if party.person_id:
            self.repeat_check(card, order, county)
        return order

    def repeat_check(self, card: Card, order: Order, county: str) -> None:
        """A second yellow card on the same person within the county's period: a red card."""
        since = self.today - dt.timedelta(days=self.cfg(county).red_card_period_days)
        n = (
            Card.objects.filter(person_id=card.person_id, color=CardColor.YELLOW, issued_on__gt=since)
            .exclude(state="withdrawn")
            .count()
        )
        if n < 2:
            return
        w = Warning(kind=WarningKind.REPEAT_CARD, subject_kind=SubjectKind.PERSON, subject_ref=str(card.person_id),
                    key=str(card.pk), person_id=card.person_id, department_id=card.department_id,
                    center_id=card.center_id, region_code=card.region_code,
                    label=f"{self.cfg(county).red_card_period_days}天内第{n}次黄牌（{card.label}）"[:200],
                    link=reverse("supervision:order", args=[order.number]), raised_on=self.today)  # fmt: skip
        for f in self.insert_new([Found(w)]):
            self.go_red(order, f.warning, "red_repeat")

    def go_red(self, order: Order, w: Warning, action: str) -> None:
        """红牌: on the order's person and department; the order escalates to the county and carries the
        整改通知书 (rendered from the order, QR to its page)."""
        order.card = CardColor.RED
        fields = ["card"]
        if action == "red" and order.level != OrderLevel.COUNTY:
            order.level = OrderLevel.COUNTY
            fields.append("level")
        order.save(update_fields=fields)
        Card.objects.create(
            color=CardColor.RED, person_id=order.person_id, department_id=order.department_id,
            center_id=order.center_id, order=order, warning=w, subject_kind=order.subject_kind,
            subject_ref=order.subject_ref, label=w.label, region_code=order.region_code, issued_on=self.today,
        )  # fmt: skip
        Entry.objects.create(
            order=order, at=self.now, actor_name=SWEEP.display_name, action=action, text=w.label
        )
        case = order.case
        if case is not None:
            record_event(case, SWEEP, "supervisor", "supervision_red", case.state, case.state,
                         note=f"督办单{order.number}：{w.label}，亮红牌，下发整改通知书",
                         data={"order": order.number, "card": "red"})  # fmt: skip
        hidden = frozenset(hidden_from(order.subject_kind, order.subject_ref))
        party = Party(order.department_id, order.person_id, order.center_id, hidden=hidden)
        users = self.recipients(party)
        if action == "red":
            users += [u for u in self.supervisors_of(order.region_code) if u not in hidden]
        link = reverse("supervision:order", args=[order.number])
        notify(
            list(dict.fromkeys(users)),
            "red_card",
            f"红牌：{w.label}"[:200],
            "已下发整改通知书，请立即整改并回告。",
            link,
            case=case,
        )
        if case is not None and case.deadline and order.person_id and order.person_id not in hidden:
            # The red light's text (urgent) to the person held to account.
            params = {
                "center": case.center.name,
                "number": case.number,
                "deadline": f"{case.deadline:%Y-%m-%d}",
            }
            text, urgent = render("red_light", county_of(order.region_code), params)
            self.text_users([order.person_id], "red_light", text, params, case, f"sv:{w.pk}", urgent)


def create_order(*, subject_kind, subject_ref, case, label, link, party: Party, region_code, reason, requirement,
                 reply_due, by, card=CardColor.NONE, warning=None) -> Order:  # fmt: skip
    """Write an order with its first timeline entry and, for a case, the event on the case's timeline."""
    now = clock.now()
    order = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    number=next_number(now.date()), subject_kind=subject_kind, subject_ref=subject_ref, case=case,
                    label=label[:200], link=link[:200], center_id=party.center_id, department_id=party.department_id,
                    person_id=party.person_id, region_code=region_code, reason=reason, requirement=requirement,
                    issued_at=now, issued_by=by, reply_due=reply_due, card=card, warning=warning,
                )  # fmt: skip
            break
        except IntegrityError:  # a number taken by a concurrent issuer: take the next one
            continue
    if order is None:
        raise RuntimeError("督办单编号冲突")
    actor = by or SWEEP
    Entry.objects.create(
        order=order, at=now, actor=by, actor_name=actor.display_name, action="issued", text=reason
    )
    if case is not None:
        note = f"督办单{order.number}：{reason}；回告期限{reply_due:%Y-%m-%d}" + (
            "（黄牌）" if card == "yellow" else ""
        )
        record_event(case, actor, "supervisor", "supervision_order", case.state, case.state, note=note,
                     data={"order": order.number, "card": card, "reply_due": reply_due.isoformat()})  # fmt: skip
    return order


def next_number(day: dt.date) -> str:
    prefix = f"DB{day:%Y%m%d}"
    last = Order.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def tell_order(order: Order, users: list[int], case) -> None:
    """The bell and a text to whoever must answer an order (never to whom its subject is hidden from)."""
    hidden = hidden_from(order.subject_kind, order.subject_ref)
    users = [u for u in users if u not in hidden]
    county = county_of(order.region_code)
    params = {"center": order.center.name if order.center_id else "", "number": order.subject_ref,
              "order": order.number, "reply_by": f"{order.reply_due:%Y-%m-%d}"}  # fmt: skip
    text, urgent = render("supervision_order", county, params)
    link = reverse("supervision:order", args=[order.number])
    notify(users, "supervision_order", text[:200], order.reason[:500], link, case=case)
    for pk, phone in User.objects.filter(pk__in=users).exclude(phone="").values_list("pk", "phone"):
        send_message(phone, "supervision_order", text, params, case=case, key=f"sv-order:{order.pk}:{order.returns}:{pk}",
                     key_is_new=True, urgent=urgent)  # fmt: skip


def run(today: dt.date | None = None) -> dict[str, int]:
    """Sweep once for `today` (default: the clock's); returns {warning kind: how many raised now}.

    One transaction, serialized on the day's SweepRun row, so two overlapping runs cannot raise twice."""
    today = today or clock.today()
    with transaction.atomic():
        SweepRun.objects.get_or_create(day=today)
        row = SweepRun.objects.select_for_update().get(day=today)
        row.last_started_at = clock.now()
        raised = Sweep(today).run()
        row.runs += 1
        row.last_finished_at = clock.now()
        row.raised = raised
        row.save()
    log.info("supervision sweep %s: %s", today, raised)
    return raised
