"""The signed HTTP gateway (API.md "Messages and the SMS gateway"): sent once, retried, refused, reported."""

import datetime as dt
import json
import re

import pytest
from cases.factories import intake, make_item

from bianmin.core import clock
from bianmin.messaging import services
from bianmin.messaging.backends import signature
from bianmin.messaging.models import Message, MessageState
from bianmin.messaging.services import deliver, requeue_stale, send_message

from . import stub as stubs

SECRET = "test-secret"


@pytest.fixture
def gateway(settings):
    stub = stubs.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"{stub.url}/sms"
    settings.SMS_HTTP_SECRET = SECRET
    settings.SMS_HTTP_TIMEOUT = 2
    yield stub
    stub.stop()


def report(client, body: dict, sign: str | None = "good"):
    raw = json.dumps(body).encode()
    headers = {}
    if sign == "good":
        headers["X-Bianmin-Signature"] = signature(raw, SECRET)
    elif sign:
        headers["X-Bianmin-Signature"] = sign
    return client.post("/api/v1/sms/reports", raw, content_type="application/json", headers=headers)


def test_accepting_a_case_makes_one_signed_post_with_number_deadline_and_query_code(
    api, now, gateway, django_capture_on_commit_callbacks
):
    clerk = api("famen_clerk")
    with django_capture_on_commit_callbacks(execute=True):
        case = clerk.post("cases", intake(make_item("promised"))).json()
    before = len(gateway.posts())
    with django_capture_on_commit_callbacks(execute=True):
        assert clerk.post(f"cases/{case['number']}/actions/accept", {}).status_code == 200
    posts = gateway.posts()[before:]
    assert len(posts) == 1
    accepted = clerk.get(f"cases/{case['number']}").json()
    deadline = dt.date.fromisoformat(accepted["deadline"])
    sent = posts[0]
    assert sent.path == "/sms"
    assert sent.headers["X-Bianmin-Signature"] == signature(sent.body, SECRET)
    body = json.loads(sent.body)
    assert body["template"] == "accept" and case["number"] in body["text"]
    assert f"{deadline:%Y年%m月%d日}" in body["text"] and case["query_code"] in body["text"]
    assert not re.search(r"[0-9]{17}[0-9Xx]", sent.body.decode())
    message = Message.objects.get(pk=int(body["id"]))
    assert (message.state, message.attempts) == (MessageState.SENT, 1)


def test_a_signed_report_marks_the_message_delivered(
    client, db, now, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    r = report(client, {"id": str(message.pk), "status": "delivered", "error": ""})
    assert r.status_code == 200
    message.refresh_from_db()
    assert (message.state, message.delivered_at) == (MessageState.DELIVERED, now)


def test_a_failed_report_fails_the_message_with_its_error(
    client, db, now, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    assert report(client, {"id": str(message.pk), "status": "failed", "error": "用户停机"}).status_code == 200
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and "用户停机" in message.reason


@pytest.mark.parametrize("sign", [None, "0" * 64, "not hex"])
def test_an_unsigned_or_badly_signed_report_is_refused_and_changes_nothing(
    client, db, now, gateway, sign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    assert report(client, {"id": str(message.pk), "status": "delivered"}, sign=sign).status_code == 403
    message.refresh_from_db()
    assert (message.state, message.delivered_at) == (MessageState.SENT, None)


def test_a_report_for_an_unknown_message_is_404(client, db, now, gateway):
    assert report(client, {"id": "999999", "status": "delivered"}).status_code == 404


def test_the_report_endpoint_is_in_the_openapi_without_auth(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/sms/reports"]["post"]
    assert "security" not in operation


def test_a_500_is_retried_with_backoff_and_then_sent(db, now, gateway, django_capture_on_commit_callbacks):
    gateway.answer(500, "维护中")
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.QUEUED, 1)
    assert message.next_attempt_at == now + dt.timedelta(minutes=1) and "维护中" in message.gateway_answer
    assert requeue_stale() == 0  # not yet: the backoff holds it
    with clock.pinned(now + dt.timedelta(minutes=1)):
        assert requeue_stale() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 2)
    ids = {json.loads(p.body)["id"] for p in gateway.posts()}
    assert len(gateway.posts()) == 2 and ids == {str(message.pk)}


def test_a_gateway_down_for_good_fails_the_message_after_five_tries(
    db, now, gateway, django_capture_on_commit_callbacks
):
    for _ in range(10):
        gateway.answer(503, "down")
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    moment = now
    for minutes in (1, 2, 4, 8):
        moment += dt.timedelta(minutes=minutes)
        with clock.pinned(moment):
            assert requeue_stale() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 5) and "down" in message.reason
    assert len(gateway.posts()) == 5


def test_a_400_fails_the_message_with_the_gateways_reason(
    db, now, gateway, django_capture_on_commit_callbacks
):
    gateway.answer(400, "号码在黑名单中")
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and "号码在黑名单中" in message.reason
    with clock.pinned(now + dt.timedelta(hours=1)):
        assert requeue_stale() == 0
    assert len(gateway.posts()) == 1


def test_a_timeout_is_retried_not_failed(db, now, gateway, settings, django_capture_on_commit_callbacks):
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/closed"  # nothing listens: no connection, like a timeout
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED and message.next_attempt_at


def test_an_invalid_phone_is_failed_at_once_and_never_sent(
    db, now, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("0917-5212300", "test", "一条消息")
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and "手机号码无效" in message.reason
    with clock.pinned(now + dt.timedelta(hours=1)):
        assert requeue_stale() == 0
    assert gateway.posts() == []


def test_quiet_hours_hold_a_message_until_eight_in_the_morning(
    db, gateway, django_capture_on_commit_callbacks
):
    with clock.pinned("2026-03-02T22:00:00+08:00"):
        with django_capture_on_commit_callbacks(execute=True):
            message = send_message("13812345678", "test", "一条消息")
    message.refresh_from_db()
    morning = dt.datetime(2026, 3, 3, 8, 0, tzinfo=clock.SHANGHAI)
    assert (message.state, message.next_attempt_at) == (MessageState.QUEUED, morning)
    with clock.pinned("2026-03-03T07:59:00+08:00"):
        assert requeue_stale() == 0
    assert gateway.posts() == []
    with clock.pinned(morning):
        assert requeue_stale() == 1
    message.refresh_from_db()
    assert (message.state, message.sent_at) == (MessageState.SENT, morning)
    assert len(gateway.posts()) == 1


def test_an_urgent_message_goes_out_in_quiet_hours(db, gateway, django_capture_on_commit_callbacks):
    with clock.pinned("2026-03-02T23:30:00+08:00"):
        with django_capture_on_commit_callbacks(execute=True):
            message = send_message("13812345678", "test", "紧急", urgent=True)
    message.refresh_from_db()
    assert message.state == MessageState.SENT and len(gateway.posts()) == 1


def test_over_the_per_phone_limit_a_message_waits_instead_of_being_dropped(
    db, now, gateway, django_capture_on_commit_callbacks
):
    limit, window = services.RATE_LIMITS[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = [send_message("13812345678", "test", f"第{i}条") for i in range(limit)]
        extra = send_message("13812345678", "test", "多出的一条")
        other = send_message("13912345678", "test", "别的号码")
    extra.refresh_from_db()
    assert all(Message.objects.get(pk=m.pk).state == MessageState.SENT for m in first)
    assert (extra.state, extra.next_attempt_at) == (MessageState.QUEUED, now + window)
    assert Message.objects.get(pk=other.pk).state == MessageState.SENT
    with clock.pinned(now + window):
        assert requeue_stale() == 1
    extra.refresh_from_db()
    assert extra.state == MessageState.SENT and len(gateway.posts()) == limit + 2


def test_the_daily_limit_holds_a_message_until_the_next_morning(db, now, gateway):
    earlier = [
        Message(phone="13812345678", template="t", text="x", key=f"k{i}", state=MessageState.SENT,
                created_at=now, sent_at=now - dt.timedelta(minutes=30 + i))
        for i in range(services.DAILY_LIMIT)
    ]  # fmt: skip
    Message.objects.bulk_create(earlier)
    message = send_message("13812345678", "test", "今天第21条")
    assert deliver(message.pk) == MessageState.QUEUED
    message.refresh_from_db()
    assert message.next_attempt_at == dt.datetime(2026, 3, 3, 8, 0, tzinfo=clock.SHANGHAI)
    assert gateway.posts() == []


def test_the_task_run_twice_posts_once(db, now, gateway, django_capture_on_commit_callbacks):
    from bianmin.messaging.tasks import deliver_message

    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    deliver_message(message.pk)
    deliver(message.pk)
    assert len(gateway.posts()) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 1)


def test_a_refused_case_notice_shows_the_gateways_reason_on_the_message_page(
    api, now, gateway, django_capture_on_commit_callbacks
):
    from django.test import Client

    from bianmin.accounts.models import User

    gateway.answer(400, "号码在黑名单中")
    clerk = api("famen_clerk")
    with django_capture_on_commit_callbacks(execute=True):
        number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    director = Client()
    director.force_login(User.objects.get(username="famen_director"))
    page = director.get("/messages/?state=failed").content.decode()
    assert number in page and "号码在黑名单中" in page
