"""The outbox: a message commits or rolls back with its step, is sent after commit, and only once."""

import datetime as dt

import pytest
from cases.factories import id_number, intake, make_item

from bianmin.cases import hooks
from bianmin.core import clock
from bianmin.core.errors import Conflict
from bianmin.messaging import backends
from bianmin.messaging.models import Message, MessageState
from bianmin.messaging.services import deliver, requeue_stale, send_message


class Counting:
    """A gateway that counts what it was handed (a real backend: claim, send, then mark sent)."""

    records_only = False
    sent: list[int] = []

    def send(self, message):
        Counting.sent.append(message.pk)


@pytest.fixture
def gateway(settings, monkeypatch):
    Counting.sent = []
    monkeypatch.setitem(backends.BACKENDS, "counting", Counting)
    settings.SMS_BACKEND = "counting"
    return Counting


def test_a_step_writes_its_message_in_its_transaction_and_sends_it_after_commit(
    api, now, django_capture_on_commit_callbacks
):
    clerk = api("famen_clerk")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    message = Message.objects.get(case__number=number)
    # Written with the case, before anything ran after commit …
    assert (message.template, message.state, message.attempts) == ("receive", MessageState.QUEUED, 0)
    assert message.params["case"] == number and message.key.startswith("event:")
    for callback in callbacks:
        callback()
    # … and sent once the transaction committed.
    message.refresh_from_db()
    assert (message.state, message.attempts, message.sent_at) == (MessageState.SENT, 1, now)


def test_the_message_rolls_back_with_a_failed_action(
    api, now, monkeypatch, django_capture_on_commit_callbacks
):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    # A later subscriber refuses after the notice was written: the whole action rolls back, message too.
    monkeypatch.setattr(hooks, "_subscribers", list(hooks._subscribers))

    @hooks.subscribe(hooks.IN_TRANSACTION, ["accept"])
    def refuse(acted):
        raise Conflict("演练：受理后的写入失败", code="drill")

    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(f"cases/{number}/actions/accept", {})
    assert r.status_code == 409
    assert list(Message.objects.filter(case__number=number).values_list("template", flat=True)) == ["receive"]
    assert clerk.get(f"cases/{number}").json()["state"] == "received"


def test_a_task_run_twice_sends_once(db, now, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "一条消息")
    assert deliver(message.pk) == MessageState.SENT  # the retried task, or a second worker
    message.refresh_from_db()
    assert gateway.sent == [message.pk]
    assert (message.state, message.attempts) == (MessageState.SENT, 1)


def test_a_lost_enqueue_is_recovered_by_the_sweep_and_sent_once(
    db, now, gateway, django_capture_on_commit_callbacks
):
    # The process dies between commit and enqueue: the after-commit callback never runs.
    with django_capture_on_commit_callbacks(execute=False):
        message = send_message("13812345678", "test", "一条消息")
    assert requeue_stale() == 0  # not yet a minute old: its own task may still be on the way
    assert gateway.sent == []
    with clock.pinned(now + dt.timedelta(minutes=2)):
        assert requeue_stale() == 1
        assert requeue_stale() == 0
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 1)
    assert gateway.sent == [message.pk]


def test_a_message_cut_off_mid_send_is_failed_not_sent_again(db, now, gateway):
    message = send_message("13812345678", "test", "一条消息")
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING, sent_at=now)
    with clock.pinned(now + dt.timedelta(minutes=30)):
        assert requeue_stale() == 0
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and "不重发" in message.reason
    assert gateway.sent == []


def test_the_same_key_writes_one_message(db, now):
    first = send_message("13812345678", "test", "一", key="event:1")
    again = send_message("13812345678", "test", "二", key="event:1")
    assert again.pk == first.pk and Message.objects.filter(key="event:1").count() == 1


def test_a_full_id_number_never_reaches_a_text(db, now):
    full = id_number(7)
    message = send_message("13812345678", "test", f"证件{full}已核验")
    assert full not in message.text and full[:6] in message.text and full[-4:] in message.text
