"""Work orders under supervision: the sweep cards a department that lets a complaint run past its limit,
and a supervisor may issue an order about a work order by hand (wired through the inquiries app)."""

import datetime as dt

import pytest

from bianmin.core import clock
from bianmin.regions.models import Department
from bianmin.supervision.models import Card, Order, Warning
from tests.inquiries.conftest import complaint_body

from .conftest import sweep_on

pytestmark = pytest.mark.django_db


def test_an_overdue_complaint_is_warned_then_carded_on_its_department(api):
    minzheng = Department.objects.get(center__region__name="法门镇", name__contains="民政")
    clerk = api("famen_clerk")
    with clock.pinned("2026-03-02T09:00:00+08:00"):  # Monday; a complaint has 13 working days
        order = clerk.post("inquiries", complaint_body()).json()
        number = order["number"]
        assert (
            clerk.post(f"inquiries/{number}/actions/dispatch", {"department": minzheng.code}).status_code
            == 200
        )
    due = dt.date.fromisoformat(order["due"])
    sweep_on("2026-03-03")
    assert not Warning.objects.filter(subject_kind="inquiry").exists()
    sweep_on(due.isoformat())  # the last day: yellow, once
    yellow = Warning.objects.get(subject_kind="inquiry", kind="yellow")
    assert yellow.subject_ref == number and yellow.department == minzheng
    sweep_on((due + dt.timedelta(days=1)).isoformat())
    overdue = Warning.objects.get(subject_kind="inquiry", kind="overdue")
    assert overdue.subject_ref == number
    card = Card.objects.get()
    assert card.department == minzheng and card.color == "yellow"
    assert Order.objects.get().subject_ref == number


def test_a_supervisor_orders_a_work_order_by_hand_and_an_unknown_one_is_refused(api):
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        number = api("famen_clerk").post("inquiries", complaint_body()).json()["number"]
        body = {
            "subject": {"kind": "inquiry", "ref": number},
            "reason": "群众反映久拖不办",
            "reply_due": "2026-03-05",
        }
        issued = api("fufeng_supervisor").post("supervision/orders", body)
        assert issued.status_code == 201, issued.content
        assert issued.json()["subject"] == {"kind": "inquiry", "ref": number}
        body["subject"]["ref"] = "GD-NO-SUCH"
        refused = api("fufeng_supervisor").post("supervision/orders", body)
        assert refused.status_code == 422 and "subject.ref" in refused.json()["error"]["fields"]


def test_a_rectification_subject_that_is_not_a_number_is_a_422(api):
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        for ref in ("²", "abc", "9" * 30):
            body = {"subject": {"kind": "rating", "ref": ref}, "reason": "督办", "reply_due": "2026-03-05"}
            refused = api("fufeng_supervisor").post("supervision/orders", body)
            assert refused.status_code == 422 and "subject.ref" in refused.json()["error"]["fields"], ref
