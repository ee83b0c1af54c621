"""A joint case (民政 leads, 人社 joins): 民政 decides fast, 人社 is late — only 人社 is carded."""

import datetime as dt

import pytest

from bianmin.cases.models import Task
from bianmin.core import clock
from bianmin.regions.models import CountySettings
from bianmin.supervision.models import Card, Order, Warning
from tests.cases.factories import MZ, RS

from .conftest import accepted_case, sweep_on

pytestmark = pytest.mark.django_db
FUFENG = "610324000000"


def approve(api, who: str, number: str, day: str) -> None:
    with clock.pinned(f"{day}T10:00:00+08:00"):
        r = api(who).post(f"cases/{number}/actions/approve", {})
        assert r.status_code == 200, r.content


def test_step_due_defaults_to_the_case_deadline(api):
    case = accepted_case(api, "joint", at="2026-03-02T09:30:00+08:00")
    dues = set(Task.objects.filter(case__number=case["number"]).values_list("due", flat=True))
    assert dues == {dt.date.fromisoformat(case["deadline"])}


def test_late_renshe_step_is_carded_while_the_case_is_not_overdue(api):
    CountySettings.objects.create(county_id=FUFENG, step_due_days=3)
    case = accepted_case(api, "joint", at="2026-03-02T09:30:00+08:00")  # 10 working days → 3/16
    number = case["number"]
    assert case["deadline"] == "2026-03-16"
    assert set(Task.objects.filter(case__number=number).values_list("due", flat=True)) == {
        dt.date(2026, 3, 5)
    }
    approve(api, "famen_minzheng", number, "2026-03-03")

    sweep_on("2026-03-05")
    assert not Card.objects.exists()  # the due day itself is not late
    sweep_on("2026-03-06")
    warning = Warning.objects.get(case__number=number)
    assert warning.kind == "step_overdue" and warning.department.code == RS
    card = Card.objects.get()
    assert card.department.code == RS and card.person.username == "famen_renshe"
    order = Order.objects.get()
    assert order.department.code == RS and order.card == "yellow"
    assert not Card.objects.filter(department__code=MZ).exists()


def test_overdue_joint_case_cards_the_pending_department_not_the_fast_lead(api):
    case = accepted_case(api, "joint", at="2026-03-02T09:30:00+08:00")
    number = case["number"]
    approve(api, "famen_minzheng", number, "2026-03-03")
    sweep_on("2026-03-17")  # the day after the case deadline; the step was due with the case
    cards = list(Card.objects.values_list("department__code", "person__username", "color"))
    assert cards == [(RS, "famen_renshe", "yellow")]
    assert Order.objects.get().department.code == RS


def test_a_suspension_moves_the_pending_step_with_the_case(api):
    CountySettings.objects.create(county_id=FUFENG, step_due_days=3)
    case = accepted_case(api, "joint", at="2026-03-02T09:30:00+08:00")
    number = case["number"]
    with clock.pinned("2026-03-03T09:00:00+08:00"):
        r = api("famen_minzheng").post(
            f"cases/{number}/actions/suspend",
            {"kind": "inspection", "reason": "入户核查", "expected_end": "2026-03-10"},
        )
        assert r.status_code == 200, r.content
    with clock.pinned("2026-03-05T09:00:00+08:00"):
        r = api("famen_minzheng").post(f"cases/{number}/actions/resume", {})
        assert r.status_code == 200, r.content
    # Paused 3/3 and 3/4 (two working days): the steps' due moves from 3/5 to 3/9.
    assert set(Task.objects.filter(case__number=number).values_list("due", flat=True)) == {
        dt.date(2026, 3, 9)
    }


def test_escalated_item_left_in_township_review_past_the_step_limit(api):
    CountySettings.objects.create(county_id=FUFENG, step_due_days=3)
    case = accepted_case(api, "escalated", at="2026-03-02T09:30:00+08:00")  # 15 working days
    sweep_on("2026-03-05")
    assert not Warning.objects.exists()
    sweep_on("2026-03-06")
    w = Warning.objects.get()
    assert (w.kind, w.subject_ref, w.department.code) == ("step_overdue", case["number"], MZ)
    assert Card.objects.get().person.username == "famen_minzheng"
