"""A 举报 about a person, left undispatched: the supervision sweep holds its registrar (首问负责) to account and
never names, tells or shows anything of it to the person reported."""

import datetime as dt

import pytest

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.messaging.models import Message, Notice
from bianmin.supervision.models import Card, Order, Warning
from tests.supervision.conftest import sweep_on

pytestmark = pytest.mark.django_db


def report_about_director(api) -> dict:
    body = {"kind": "report", "channel": "window", "content": "举报周主任收受好处",
            "person": {"name": "李举报", "phone": "13900001111"}, "concerned_user": "famen_director"}  # fmt: skip
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        r = api("famen_clerk").post("inquiries", body)
    assert r.status_code == 201, r.content
    return r.json()


def test_the_sweep_cards_the_registrar_and_the_reported_director_sees_nothing(api):
    director = User.objects.get(username="famen_director")
    clerk = User.objects.get(username="famen_clerk")
    order = report_about_director(api)
    number = order["number"]
    due = dt.date.fromisoformat(order["dispatch_due"])
    sweep_on(due.isoformat())  # yellow
    sweep_on((due + dt.timedelta(days=3)).isoformat())  # overdue: a yellow card and an order
    sv = Order.objects.get(subject_ref=number)
    assert sv.person_id == clerk.pk  # the one who registered it, not the lowest user id
    card = Card.objects.get(subject_ref=number)
    assert card.person_id == clerk.pk
    assert not Warning.objects.filter(subject_ref=number, person_id=director.pk).exists()
    assert not Notice.objects.filter(recipient=director).filter(body__contains=number).exists()
    assert not Notice.objects.filter(recipient=director, link__contains=sv.number).exists()
    assert not Notice.objects.filter(recipient=director, title__contains=number).exists()
    if director.phone:
        assert not Message.objects.filter(phone=director.phone).exists()
    assert Notice.objects.filter(recipient=clerk, link__contains=sv.number).exists()

    d = api("famen_director")
    assert d.get(f"supervision/orders/{sv.number}").status_code == 404
    assert number not in d.get("supervision/orders").content.decode()
    assert number not in d.get("supervision/cards").content.decode()
    assert d.post(f"supervision/orders/{sv.number}/answer", {"text": "已办"}).status_code == 404
    assert d.post(f"supervision/cards/{card.pk}/appeal", {"reason": "不是我"}).status_code == 404
    # The supervisor still sees it.
    assert api("fufeng_supervisor").get(f"supervision/orders/{sv.number}").status_code == 200


def test_a_supervisors_order_on_a_dispatched_report_never_names_the_reported_approver(api):
    from bianmin.regions.models import Department

    minzheng = Department.objects.get(center__region__name="法门镇", name__contains="民政")
    reported = User.objects.get(username="famen_minzheng")
    body = {"kind": "report", "channel": "window", "content": "举报民政所经办人吃拿卡要",
            "person": {"name": "李举报", "phone": "13900001111"}, "concerned_user": "famen_minzheng"}  # fmt: skip
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        clerk = api("famen_clerk")
        number = clerk.post("inquiries", body).json()["number"]
        r = clerk.post(f"inquiries/{number}/actions/dispatch", {"department": minzheng.code})
        assert r.status_code == 200, r.content
        issued = api("fufeng_supervisor").post(
            "supervision/orders",
            {"subject": {"kind": "inquiry", "ref": number}, "reason": "久拖不办", "reply_due": "2026-03-06"},
        )
    assert issued.status_code == 201, issued.content
    sv = Order.objects.get(subject_ref=number)
    assert sv.person_id != reported.pk
    assert not Notice.objects.filter(recipient=reported, link__contains=sv.number).exists()
    assert api("famen_minzheng").get(f"supervision/orders/{sv.number}").status_code == 404
