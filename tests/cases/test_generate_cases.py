"""generate_cases: realistic shares, every case consistent with its timeline and clock, intake still works."""

from collections import Counter

import pytest
from django.core.management import call_command

from bianmin.cases import services
from bianmin.cases.clock import current_calendar
from bianmin.cases.custody import custody_of
from bianmin.cases.models import FINISHED_STATES, Case, CaseCounter, State, Task
from bianmin.catalog.models import CaseClass
from bianmin.core import clock

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
