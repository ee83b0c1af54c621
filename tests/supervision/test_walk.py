"""The acceptance walk: a promised case left untouched across 国庆 2026, the sweep run twice every day.

Accepted Mon 9/28, 5 working days → deadline Sat 10/10 (make-up workday). Yellow threshold 1: yellow from
10/9 (one working day left). Overdue on Sun 10/11 (the day after the deadline): yellow card + order, reply
due 2 working days later (10/12, 10/13 → 10/13). Still open on 10/14: red card and the 整改通知书.
"""

import datetime as dt

import pytest

from bianmin.accounts.models import User
from bianmin.cases.models import Case, Event
from bianmin.core import clock
from bianmin.messaging.models import Message, Notice
from bianmin.supervision.models import Card, Order, Warning

from .conftest import accepted_case, sweep_on

pytestmark = pytest.mark.django_db


def days(first: str, last: str):
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while day <= end:
        yield day.isoformat()
        day += dt.timedelta(days=1)


def state_of(number: str) -> tuple:
    return (
        sorted(Warning.objects.filter(case__number=number).values_list("kind", flat=True)),
        sorted(Card.objects.filter(subject_ref=number).values_list("color", flat=True)),
        list(Order.objects.filter(subject_ref=number).values_list("card", flat=True)),
    )


def test_untouched_case_goes_yellow_then_carded_then_red_once_each(api, client):
    case = accepted_case(api)
    number = case["number"]
    assert case["deadline"] == "2026-10-10"
    minzheng = Case.objects.get(number=number).lead_department_id

    seen = {}
    for day in days("2026-09-28", "2026-10-16"):
        first, second = sweep_on(day)
        assert second == {}, f"second sweep on {day} raised {second}"
        seen[day] = state_of(number)

    assert seen["2026-10-08"] == ([], [], [])  # two working days left: green through the holiday
    assert seen["2026-10-09"] == (["yellow"], [], [])
    assert seen["2026-10-10"] == (["yellow"], [], [])  # the make-up Saturday: already warned, nothing new
    assert seen["2026-10-11"] == (["overdue", "yellow"], ["yellow"], ["yellow"])
    assert seen["2026-10-13"] == seen["2026-10-11"]  # the reply deadline itself: not yet late
    assert seen["2026-10-14"] == (["order_overdue", "overdue", "yellow"], ["red", "yellow"], ["red"])
    assert seen["2026-10-16"] == seen["2026-10-14"]

    order = Order.objects.get(subject_ref=number)
    assert order.reply_due == dt.date(2026, 10, 13)
    assert order.department_id == minzheng and order.person.username == "famen_minzheng"
    assert order.level == "county" and order.state == "open"
    red = Card.objects.get(subject_ref=number, color="red")
    assert red.person.username == "famen_minzheng" and red.department_id == minzheng
    assert red.issued_on == dt.date(2026, 10, 14)

    # The case's timeline names the order and the red card, once each.
    actions = list(Event.objects.filter(case__number=number).values_list("action", flat=True))
    assert actions.count("supervision_order") == 1 and actions.count("supervision_red") == 1

    # The holder heard of the yellow light and the order (bell and SMS), once each.
    bells = list(
        Notice.objects.filter(recipient__username="famen_minzheng", case__number=number).values_list(
            "kind", flat=True
        )
    )
    assert sorted(bells) == ["red_card", "supervision_order", "yellow_light"]
    texts = list(Message.objects.filter(case__number=number, template__in=["yellow_light", "supervision_order", "red_light"])
                 .values_list("template", "phone"))  # fmt: skip
    assert len(texts) == len(set(texts))  # nobody texted twice
    phone = User.objects.get(username="famen_minzheng").phone
    assert {("yellow_light", phone), ("supervision_order", phone), ("red_light", phone)} <= set(texts)
    # The director was told of the order too.
    assert Notice.objects.filter(recipient__username="famen_director", kind="supervision_order").count() == 1

    # The 整改通知书: the county's name and the order's number, as a page and a PDF.
    client.login(username="fufeng_supervisor", password="Demo@2026")
    with clock.pinned("2026-10-14T10:00:00+08:00"):
        page = client.get(f"/supervision/orders/{order.number}/notice/")
        assert page.status_code == 200
        assert "扶风县" in page.content.decode() and order.number in page.content.decode()
        pdf = client.get(f"/supervision/orders/{order.number}/notice/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_completed_case_raises_nothing_and_its_warnings_close(api):
    case = accepted_case(api)
    number = case["number"]
    sweep_on("2026-10-09")
    assert Warning.objects.get(case__number=number).is_open
    with clock.pinned("2026-10-10T09:00:00+08:00"):
        r = api("famen_minzheng").post(
            f"cases/{number}/actions/complete", {"outcome": "approved", "result": "批准"}
        )
        assert r.status_code == 200, r.content
    sweep_on("2026-10-12")
    assert state_of(number) == (["yellow"], [], [])
    assert not Warning.objects.get(case__number=number).is_open
