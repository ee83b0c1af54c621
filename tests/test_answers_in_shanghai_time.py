"""Timestamps in API answers carry the Asia/Shanghai offset (+08:00) as API.md says, also when read back from
the database (which hands back UTC): ratings, supervision orders, duty sign-in and whereabouts."""

import pytest

from bianmin.core import clock
from bianmin.ratings.models import Rating
from bianmin.supervision.models import Order
from tests.ratings.test_ratings import delivered_case, rate_url
from tests.supervision.conftest import accepted_case, sweep_on

INSIDE = "192.0.2.17"  # the demo network of 法门镇

pytestmark = pytest.mark.django_db


def _shanghai(value):
    assert isinstance(value, str) and value.endswith("+08:00"), value


def test_a_rating_read_back_is_in_shanghai_time(api, now):
    case = delivered_case(api)
    assert api().post(rate_url(case), {"level": 1, "stage": "completion", "channel": "qr"}).status_code == 201
    rating = Rating.objects.get(case=case)
    shown = api("famen_director").get(f"ratings/{rating.pk}")
    assert shown.status_code == 200, shown.content
    _shanghai(shown.json()["created_at"])
    listed = api("famen_director").get("ratings").json()["results"]
    _shanghai(listed[0]["created_at"])


def test_a_supervision_order_read_back_is_in_shanghai_time(api):
    case = accepted_case(api)
    sweep_on("2026-10-11", times=1)
    order = Order.objects.get(subject_ref=case["number"])
    with clock.pinned("2026-10-12T10:00:00+08:00"):
        shown = api("fufeng_supervisor").get(f"supervision/orders/{order.number}")
        assert shown.status_code == 200, shown.content
        _shanghai(shown.json()["issued_at"])
        answered = api("famen_minzheng").post(f"supervision/orders/{order.number}/answer", {"text": "已办结"})
        assert answered.status_code == 200, answered.content
        listed = api("fufeng_supervisor").get("supervision/orders").json()["results"]
    _shanghai(listed[0]["issued_at"])
    _shanghai(listed[0]["answered_at"])


def test_sign_in_and_whereabouts_answers_are_in_shanghai_time(api, now):
    minzheng = api("famen_minzheng")
    r = minzheng.client.post(
        "/api/v1/duty/sign-in",
        {},
        content_type="application/json",
        headers=minzheng.headers,
        REMOTE_ADDR=INSIDE,
    )
    assert r.status_code == 200, r.content
    _shanghai(r.json()["signed_in_at"])
    r = minzheng.post("duty/whereabouts", {"status": "meeting", "until": "2026-03-02T03:00:00Z"})
    assert r.status_code == 200, r.content
    assert r.json()["until"] == "2026-03-02T11:00:00+08:00"
    on_duty = api().get(f"/api/v1/centers/{minzheng_center()}/on-duty").json()
    away = [p for p in on_duty if p["until"]]
    assert away and all(p["until"].endswith("+08:00") for p in away)


def minzheng_center():
    from bianmin.accounts.models import User

    return User.objects.get(username="famen_minzheng").posts.get().department.center.code
