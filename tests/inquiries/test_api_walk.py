"""The acceptance walk through the API: a complaint about a slow case at the window → dispatched to
法门镇民政所 → answered → called back with a rating; the case page shows it; the figures count it."""

import datetime as dt

from django.test import Client

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.inquiries.figures import figures, person_figures
from bianmin.inquiries.models import OrderEvent, WorkOrder
from bianmin.messaging.models import Message, Notice

from .conftest import complaint_body

MZ = "610324106000MZ"
FUFENG = "610324000000"


def test_complaint_about_a_slow_case_walks_to_a_rated_callback(api, slow_case):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    with clock.pinned("2026-03-16T10:00:00+08:00"):  # Monday
        r = clerk.post("inquiries", complaint_body(slow_case))
        assert r.status_code == 201, r.content
        order = r.json()
        number = order["number"]
        assert order["kind"] == "complaint" and order["state"] == "registered"
        assert len(order["query_code"]) == 6
        # 投诉: 13 working days from Monday 3/16 (no holiday in between) → Thursday 4/2
        assert order["due"] == "2026-04-02" and order["dispatch_due"] == "2026-03-17"
        assert order["case"] == slow_case
        assert order["concerned_department"]["code"] == MZ  # the case's lead department
        assert order["person"] == {"name": "王*英", "phone": "139****5678"}

        r = clerk.post(f"inquiries/{number}/actions/dispatch", {"department": MZ})
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "dispatched" and r.json()["department"]["code"] == MZ

    with clock.pinned("2026-03-17T09:00:00+08:00"):
        listed = minzheng.get("inquiries?state=dispatched").json()
        assert [o["number"] for o in listed["results"]] == [number]
        assert minzheng.post(f"inquiries/{number}/actions/accept").json()["state"] == "handling"
        r = minzheng.post(
            f"inquiries/{number}/actions/answer",
            {"text": "经核实，材料已齐，已于今日审批通过，向群众致歉。", "upheld": True},
        )
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "answered" and r.json()["upheld"] is True

    with clock.pinned("2026-03-18T15:00:00+08:00"):
        r = clerk.post(f"inquiries/{number}/actions/callback", {"reached": True, "level": 2, "note": "满意"})
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "called_back" and r.json()["callback_level"] == 2
        assert clerk.post(f"inquiries/{number}/actions/close").json()["state"] == "closed"

    detail = clerk.get(f"inquiries/{number}").json()
    assert [e["action"] for e in detail["events"]] == [
        "register", "dispatch", "accept", "answer", "callback", "close",
    ]  # fmt: skip

    # The case's staff page shows the complaint.
    page = Client()
    page.force_login(User.objects.get(username="famen_clerk"))
    html = page.get(f"/cases/{slow_case}/").content.decode()
    assert number in html and "关于本办件的投诉" in html

    # Messages on registration, dispatch, answer and callback, all to the person's own phone.
    texts = Message.objects.filter(template__startswith="inquiry_").order_by("pk")
    assert [m.template for m in texts] == [
        "inquiry_registered", "inquiry_dispatched", "inquiry_answered", "inquiry_callback",
    ]  # fmt: skip
    assert {m.phone for m in texts} == {"13912345678"}
    assert "法门镇民政所" in texts[1].text
    assert Notice.objects.filter(recipient__username="famen_minzheng", title__contains=number).exists()

    # The figures count it, and against 法门镇民政所.
    numbers = figures(FUFENG, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert numbers["received"] == 1 and numbers["answered"] == 1 and numbers["answered_on_time"] == 1
    assert numbers["on_time_rate"] == 1.0 and numbers["callback_rate"] == 1.0
    assert numbers["satisfaction_rate"] == 1.0 and numbers["by_kind"]["complaint"] == 1
    assert numbers["complaints_against"]["departments"] == {MZ: 1}
    assert numbers["complaints_upheld"] == 1
    assert figures("610324100000", dt.date(2026, 3, 1), dt.date(2026, 3, 31))["received"] == 0  # 天度镇
    answered_by = User.objects.get(username="famen_minzheng").pk
    assert (
        person_figures([answered_by], dt.date(2026, 3, 1), dt.date(2026, 3, 31))[answered_by]["answered"] == 1
    )


def test_the_same_idempotency_key_gives_the_same_order(api):
    clerk = api("famen_clerk")
    body = complaint_body(kind="consult")
    first = clerk.post("inquiries", body, headers={"Idempotency-Key": "abc-1"})
    again = clerk.post("inquiries", body, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert WorkOrder.objects.count() == 1
    other = clerk.post("inquiries", {**body, "content": "另一件事"}, headers={"Idempotency-Key": "abc-1"})
    assert other.status_code == 409 and WorkOrder.objects.count() == 1


def test_public_form_by_api_needs_no_token_and_is_followed_by_number_and_code(api):
    public = api()
    r = public.post(
        "inquiries",
        {"kind": "consult", "content": "办低保要带什么材料？", "person": {"phone": "13700001111"},
         "center": "61032410600001"},
    )  # fmt: skip
    assert r.status_code == 201, r.content
    order = r.json()
    assert order["channel"] == "web" and order["query_code"]
    tracked = public.get(f"inquiry-track/{order['number']}?code={order['query_code']}")
    assert tracked.status_code == 200 and tracked.json()["state"] == "registered"
    assert "13700001111" not in tracked.content.decode()
    wrong = public.get(f"inquiry-track/{order['number']}?code=000000" if order["query_code"] != "000000" else
                       f"inquiry-track/{order['number']}?code=111111")  # fmt: skip
    unknown = public.get("inquiry-track/GDFM202699999?code=123456")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_public_registrations_are_throttled_per_address(api):
    public = api()
    body = {"kind": "suggestion", "content": "建议周六开放", "person": {"phone": "13700001111"},
            "center": "61032410600001"}  # fmt: skip
    codes = [public.post("inquiries", body).status_code for _ in range(6)]
    assert codes[:5] == [201] * 5 and codes[5] == 429
    assert WorkOrder.objects.count() == 5


def test_a_bad_token_is_401_not_the_public_form(api):
    r = api().post("inquiries", complaint_body(), headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and WorkOrder.objects.count() == 0


def test_every_step_is_an_event_and_events_cannot_be_changed(api):
    clerk = api("famen_clerk")
    number = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
    event = OrderEvent.objects.get(order__number=number)
    event.note = "changed"
    try:
        event.save()
    except TypeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("an event was changed")
    assert OrderEvent.objects.get(order__number=number).note == ""
