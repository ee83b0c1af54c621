"""generate_cases: realistic shares, every case consistent with its timeline and clock, intake still works."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command

from bianmin.cases import services
from bianmin.cases.audit import verify
from bianmin.cases.clock import current_calendar
from bianmin.cases.custody import custody_of
from bianmin.cases.documents import KINDS, render_html, snapshot
from bianmin.cases.generate import Generator
from bianmin.cases.models import (
    FINISHED_STATES,
    Case,
    CaseCounter,
    Document,
    Event,
    NumberPrefix,
    State,
    Task,
)
from bianmin.catalog.models import CaseClass
from bianmin.core import clock
from bianmin.inquiries.figures import figures as inquiry_figures
from bianmin.inquiries.models import Kind, OrderCounter, WorkOrder
from bianmin.inquiries.models import State as OrderState
from bianmin.ratings.models import (
    BAD_LEVELS,
    DONE_STATES,
    EVENT_LABELS,
    GOOD_LEVELS,
    Rating,
    Rectification,
    RectState,
    Stage,
)
from bianmin.ratings.models import Channel as RatingChannel
from bianmin.ratings.services import county_rules, staff_for_stage, tags_of
from bianmin.regions.models import Center

from .factories import intake, make_item

N = 300


@pytest.fixture
def generated(demo, now):
    call_command("generate_cases", count=N, seed=7, verbosity=0)
    return Case.objects.select_related("item", "center", "center__region", "custody", "submitted_by",
                                       "escalated_to").prefetch_related("events", "tasks")  # fmt: skip


def test_shares_look_like_a_township_center(generated):
    assert generated.count() == N
    channels = Counter(c.channel for c in generated)
    assert channels.most_common(1)[0][0] == "window"
    assert 0.10 <= channels["proxy"] / N <= 0.30
    assert channels["online"] and channels["phone"] + channels["mobile"]
    classes = Counter(c.case_class for c in generated)
    assert set(classes) == set(CaseClass.values)
    states = Counter(c.state for c in generated)
    assert sum(states[s] for s in FINISHED_STATES) / N > 0.8
    assert states[State.DELIVERED] > states[State.REFUSED] > 0
    days = {c.received_at.date() for c in generated}
    assert (max(days) - min(days)).days > 365 * 4
    assert sum(current_calendar().is_workday(d) for d in days) / len(days) > 0.9


def test_every_generated_case_agrees_with_its_timeline_clock_and_read_columns(generated):
    calendar = current_calendar()
    for case in generated:
        events = sorted(case.events.all(), key=lambda e: (e.at, e.id))
        assert events[0].action == "receive" and events[0].from_state == ""
        assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
        assert all(b.from_state == a.to_state for a, b in zip(events, events[1:], strict=False)), case.number
        assert events[-1].to_state == case.state, case.number
        assert case.county == case.center.region_id[:6] + "000000"
        assert case.lead_department_id == case.item.lead_department_id
        assert case.holder_kind == custody_of(case)["location"], case.number
        assert case.pending_extension == (services.pending_extension_request(case) is not None)
        assert case.number.split("-")[1] == f"{case.received_at.astimezone(clock.SHANGHAI):%Y%m%d}"
        if case.accepted_at:
            days = case.item.promised_limit_days + case.paused_days + case.extension_days
            assert case.deadline == calendar.add_workdays(case.clock_started_on, days).date, case.number
        else:
            assert case.deadline is None
        if case.completed_at:
            done = case.completed_at.astimezone(clock.SHANGHAI).date()
            assert case.completed_on_time == (done <= case.deadline), case.number
        else:
            assert case.completed_on_time is None
        if case.item.case_class == CaseClass.JOINT and case.accepted_at:
            assert case.tasks.count() == case.item.joint_departments.count()


def test_real_intake_continues_after_generated_numbers(generated, api):
    last = CaseCounter.objects.filter(center__code="61032410600001", day=clock.today()).first()
    before = last.last if last else 0
    response = api("famen_clerk").post("cases", intake(make_item("promised")))
    assert response.status_code == 201, response.content
    assert response.json()["number"].endswith(f"-{before + 1:04d}")


def test_running_twice_adds_as_many_again(generated):
    call_command("generate_cases", count=N, seed=7, verbosity=0)
    assert Case.objects.count() == 2 * N
    assert Case.objects.values("number").distinct().count() == 2 * N
    assert not Task.objects.filter(case__isnull=True).exists()


# --- documents, ratings and work orders ------------------------------------------------------------------

BIG = 2500


@pytest.fixture
def big(demo, now):
    call_command("generate_cases", count=BIG, seed=11, verbosity=0)
    return Case.objects.all()


def _actors(case_id):
    return set(Event.objects.filter(case_id=case_id, actor__isnull=False).exclude(
        action__in=list(EVENT_LABELS)).values_list("actor_id", flat=True))  # fmt: skip


def test_ratings_come_in_realistic_shares_as_the_ratings_app_records_them(big):
    delivered = big.filter(state=State.DELIVERED)
    ratings = Rating.objects.select_related("case")
    completion = ratings.filter(stage=Stage.COMPLETION)
    assert 0.50 <= completion.count() / delivered.count() <= 0.70
    window_accepted = big.filter(accepted_at__isnull=False, village__isnull=True).count()
    assert 0.15 <= ratings.filter(stage=Stage.INTAKE).count() / window_accepted <= 0.35
    levels = Counter(r.level for r in ratings)
    total = sum(levels.values())
    assert (levels[1] + levels[2]) / total > 0.8 and levels[1] > levels[2] > levels[3]
    assert 0.01 <= (levels[4] + levels[5]) / total <= 0.10
    channels = Counter(r.channel for r in ratings)
    assert {"tablet", "sms", "qr", "mobile", "phone", "paper"} <= set(channels)
    assert set(channels) <= set(RatingChannel.values) - {"online"}  # no applicant accounts are generated
    good, bad = tags_of(county_rules("610324000000"))
    for r in ratings:
        assert set(r.tags) <= set(bad if r.level in BAD_LEVELS else good), r.pk
        assert r.center_id == r.case.center_id
        assert r.department_id == (r.case.escalated_to_id or r.case.lead_department_id)
        assert r.staff_id == getattr(staff_for_stage(r.case, r.stage), "pk", None), r.pk
        if r.stage == Stage.COMPLETION:
            assert r.case.delivered_at < r.created_at <= r.case.delivered_at + dt.timedelta(days=7)
        else:
            assert r.created_at > r.case.accepted_at
        if r.channel in ("phone", "paper"):
            assert r.recorded_by_id and r.recorded_by_id not in _actors(r.case_id)
        else:
            assert r.recorded_by_id is None
        event = Event.objects.get(case_id=r.case_id, action="rate", data__rating=r.pk)
        assert (event.data["level"], event.data["stage"], event.at) == (r.level, r.stage, r.created_at)
        assert event.from_state == event.to_state


def test_every_bad_rating_has_its_rectification_in_a_state_its_timeline_explains(big):
    bad = Rating.objects.filter(level__in=BAD_LEVELS)
    assert bad.count() >= 20
    assert Rectification.objects.count() == bad.count()
    assert not Rating.objects.filter(level__in=GOOD_LEVELS, rectification__isnull=False).exists()
    rects = list(Rectification.objects.select_related("rating", "case"))
    states = Counter(r.state for r in rects)
    assert states[RectState.CALLED_BACK] / len(rects) > 0.7
    for rect in rects:
        assert (rect.case_id, rect.center_id) == (rect.rating.case_id, rect.rating.center_id)
        assert rect.department_id == rect.case.escalated_to_id
        assert rect.opened_at == rect.rating.created_at
        steps = list(
            Event.objects.filter(case_id=rect.case_id, data__rectification=rect.pk).order_by("at", "id")
        )
        assert steps[0].action == "rect_open"
        if rect.extension_state != "approved":
            assert steps[0].data["due"] == rect.due.isoformat()
        moves = steps[1:]
        assert rect.version == 1 + len(moves)
        assert rect.state == (moves[-1].data["to"] if moves else RectState.PENDING), rect.pk
        assert all(b.data["from"] == a.data["to"] for a, b in zip(moves, moves[1:], strict=False))
        assert (rect.closed_at is not None) == (rect.state in (RectState.CALLED_BACK, RectState.INVALID))
        if rect.state == RectState.CALLED_BACK:
            assert rect.followup_level and rect.callback_at == rect.closed_at == moves[-1].at
            assert rect.rectified_at and rect.plan and rect.result
        for step in moves:
            if step.role == "supervisor":
                assert step.actor_id != rect.rating.staff_id


def test_generated_timelines_verify_and_real_writes_chain_after_them(big, api):
    call_command("verify_audit", verbosity=0)  # raises CommandError on any break
    report = verify()
    assert report.ok and report.events == Event.objects.count()
    assert Event.objects.filter(action__startswith="rect_").exists()
    # a real rating on a generated case, through the public tracking endpoint, chains after its events
    since = clock.now() - dt.timedelta(days=6)
    case = (
        big.filter(state=State.DELIVERED, delivered_at__gte=since)
        .exclude(ratings__stage="completion")
        .first()
    )
    assert case is not None
    body = {"level": 5, "stage": "completion", "channel": "mobile", "tags": ["态度差"]}
    r = api().post(f"track/{case.number}/ratings?code={case.query_code}", body)
    assert r.status_code == 201, r.content
    assert Rectification.objects.filter(case=case).count() == 1
    rated = Rating.objects.filter(stage="completion").exclude(case=case).first().case
    r = api().post(f"track/{rated.number}/ratings?code={rated.query_code}", {**body, "level": 1, "tags": []})
    assert r.status_code == 409, r.content
    assert verify(case_number=case.number).ok and verify().ok


def test_work_orders_in_realistic_shares_numbered_per_center_and_year(big):
    orders = list(WorkOrder.objects.select_related("case"))
    generated_orders = [o for o in orders if o.registered_at < clock.now() - dt.timedelta(minutes=1)]
    assert BIG / 45 <= len(generated_orders) <= BIG / 18
    kinds = Counter(o.kind for o in orders)
    assert set(kinds) == set(Kind.values) and kinds.most_common(1)[0][0] == Kind.CONSULT
    assert {o.channel for o in orders} >= {"window", "phone", "web"}
    years = {o.registered_at.year for o in orders}
    assert len(years) >= 5
    states = Counter(o.state for o in orders)
    assert states[OrderState.CLOSED] / len(orders) > 0.8
    assert all(o.anonymous is False for o in orders if o.kind != Kind.REPORT)
    assert any(o.anonymous for o in orders) and all(not o.person_phone for o in orders if o.anonymous)
    linked = [o for o in orders if o.case_id]
    assert linked and all(o.kind == Kind.COMPLAINT for o in linked)
    for o in linked:
        assert o.registered_at > o.case.received_at and o.center_id == o.case.center_id
        assert o.concerned_department_id == o.case.lead_department_id
    numbers = Counter(o.number for o in orders)
    assert max(numbers.values()) == 1
    last = defaultdict(int)
    prefixes = dict(NumberPrefix.objects.values_list("center_id", "prefix"))
    for o in orders:
        year = o.registered_at.astimezone(clock.SHANGHAI).year
        assert o.number[: 2 + len(prefixes[o.center_id]) + 4] == f"GD{prefixes[o.center_id]}{year}"
        last[(o.center_id, year)] = max(last[(o.center_id, year)], int(o.number[-5:]))
    assert {(c.center_id, c.year): c.last for c in OrderCounter.objects.all()} == dict(last)
    for o in orders:
        events = list(o.events.order_by("at", "id"))
        assert events[0].action == "register" and events[0].from_state == ""
        assert events[-1].to_state == o.state and o.version == len(events)
        assert all(b.from_state == a.to_state for a, b in zip(events, events[1:], strict=False)), o.number
        assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
        if o.state in (OrderState.ANSWERED, OrderState.CALLED_BACK, OrderState.CLOSED):
            assert (
                o.answered_at
                and o.answer_text
                and o.answered_on == o.answered_at.astimezone(clock.SHANGHAI).date()
            )
        if o.state == OrderState.CLOSED and o.person_phone:
            assert o.callback_attempts >= 1 and o.callback_level


def test_real_registration_and_intake_continue_after_the_generated_numbers(big, api):
    center = Center.objects.get(code="61032410600001")
    year = clock.now().year
    before = OrderCounter.objects.filter(center=center, year=year).values_list("last", flat=True).first() or 0
    r = api("famen_clerk").post("inquiries", {"kind": "consult", "content": "低保怎么申请？",
                                              "person": {"phone": "13900001111"}})  # fmt: skip
    assert r.status_code == 201, r.content
    prefix = NumberPrefix.objects.get(center=center).prefix
    assert r.json()["number"] == f"GD{prefix}{year}{before + 1:05d}"
    assert WorkOrder.objects.filter(number=r.json()["number"]).count() == 1


def test_documents_rows_look_like_the_ones_the_actions_issue(big):
    docs = Counter(Document.objects.values_list("kind", flat=True))
    accepted = big.filter(accepted_at__isnull=False).count()
    assert docs["acceptance_notice"] == accepted
    assert docs["delivery_receipt"] == big.filter(state=State.DELIVERED).count()
    assert docs["completion_notice"] == big.filter(completed_at__isnull=False).count()
    assert docs["denial_decision"] == big.filter(outcome="denied").count()
    assert docs["refusal_notice"] == big.filter(state=State.REFUSED).count()
    assert docs["supplement_notice"] == big.filter(supplement_requested_at__isnull=False).count()
    case = (
        big.filter(state=State.DELIVERED, case_class=CaseClass.PROMISED).prefetch_related("materials").first()
    )
    for kind in ("acceptance_notice", "completion_notice", "delivery_receipt"):
        doc = Document.objects.get(case=case, kind=kind)
        event = Event.objects.get(case=case, action={"acceptance_notice": "accept",
                                  "completion_notice": "complete", "delivery_receipt": "deliver"}[kind])  # fmt: skip
        assert doc.created_at == event.at and doc.title == KINDS[kind]
        real = snapshot(case, kind)
        assert set(real) <= set(doc.data), kind
        assert {
            k: doc.data[k] for k in ("number", "query_code", "item", "applicant", "received_at", "center")
        } == {k: real[k] for k in ("number", "query_code", "item", "applicant", "received_at", "center")}
        assert doc.data["issued_on"] == f"{event.at.astimezone(clock.SHANGHAI):%Y年%m月%d日}"
    accept = Document.objects.get(case=case, kind="acceptance_notice").data
    assert (
        accept["completed_at"] == ""
        and accept["accepted_at"] == snapshot(case, "acceptance_notice")["accepted_at"]
    )
    assert accept["materials_received"] == snapshot(case, "acceptance_notice")["materials_received"]
    assert render_html(Document.objects.get(case=case, kind="delivery_receipt"))  # renders like a real one


def test_stats_ratings_and_work_order_figures_equal_direct_counts(big, api):
    a, b = clock.today() - dt.timedelta(days=365 * 5 + 2), clock.today()
    r = api("fufeng_supervisor").get(f"stats?region=610324000000&from={a}&to={b}")
    assert r.status_code == 200, r.content
    block = r.json()["ratings"]
    ratings = Rating.objects.all()
    bad = ratings.filter(level__in=BAD_LEVELS)
    valid_bad = bad.exclude(rectification__state=RectState.INVALID)
    assert block["count"] == ratings.count() > 1000
    assert block["bad"] == bad.count()
    assert block["bad_rectified"] == valid_bad.filter(rectification__state__in=DONE_STATES).count()
    assert block["satisfaction_rate"] == pytest.approx(
        ratings.filter(level__in=GOOD_LEVELS).count() / ratings.count()
    )
    assert block["callback_rate"] == pytest.approx(
        valid_bad.filter(rectification__state=RectState.CALLED_BACK).count() / valid_bad.count()
    )
    orders = inquiry_figures("610324000000", a, b)
    mine = WorkOrder.objects.filter(registered_on__range=(a, b))
    assert orders["received"] == mine.count() > 50
    assert orders["by_kind"] == {k: mine.filter(kind=k).count() for k in Kind.values}
    answered = WorkOrder.objects.filter(answered_on__range=(a, b))
    assert orders["answered"] == answered.count()


def test_the_extras_can_be_left_out_and_leave_the_cases_as_they_were(demo, now):
    call_command("generate_cases", count=150, seed=5, verbosity=0, no_ratings=True, no_work_orders=True,
                 no_documents=True)  # fmt: skip
    assert Case.objects.count() == 150
    assert not Rating.objects.exists() and not Document.objects.exists()
    assert not WorkOrder.objects.filter(registered_at__lt=clock.now()).exists()
    # Seeded the same, with ratings, documents and work orders: the very same cases (their own streams).
    gen = Generator(5)
    plain = [gen.plan(i).case for i in range(60)]
    full = Generator(5, addons=("ratings", "work_orders"), documents=True)
    planned = [full.plan(i) for i in range(60)]
    assert [(c.number, c.state, c.received_at) for c in plain] == [
        (p.case.number, p.case.state, p.case.received_at) for p in planned
    ]
    assert any(p.documents for p in planned) and any(p.extra.get("ratings") for p in planned)
