"""Writing a message (`send_message`) and getting it out (`deliver`, `requeue_stale`).

`send_message` only writes the row, in the caller's transaction: the message exists exactly when the step
that caused it committed. The send is enqueued after commit; if the process dies in between, the sweep
(`requeue_stale`, run every minute and by `manage.py flush_outbox`) finds the row still queued and
enqueues it again. `deliver` claims a row with a conditional UPDATE (queued → …), so a task run twice, a
re-enqueued task or two workers send it once.
"""

import datetime as dt
import logging
import re
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from bianmin.cases.validators import mask_id_number
from bianmin.core import clock
from bianmin.messaging.backends import Permanent, Temporary, get_backend
from bianmin.messaging.models import Message, MessageState

log = logging.getLogger(__name__)

# 18-character resident ID numbers (and the old 15-digit ones) anywhere in a text.
ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
STALE_AFTER = dt.timedelta(minutes=1)
# A gateway that is down: tried again after 1, 2, 4, 8, 16 minutes, then failed (5 tries in all).
MAX_ATTEMPTS = 5
# Per phone, except urgent messages: so many in a rolling window, and so many per calendar day.
RATE_LIMITS = ((5, dt.timedelta(minutes=10)),)
DAILY_LIMIT = 20
# No SMS to citizens from 21:00 to 08:00 Asia/Shanghai unless the template is urgent.
QUIET_FROM, QUIET_UNTIL = dt.time(21, 0), dt.time(8, 0)
SENT_STATES = (MessageState.SENDING, MessageState.SENT, MessageState.DELIVERED)
# A message claimed for sending this long ago, and never marked sent, was cut off mid-send.
SENDING_GIVEN_UP_AFTER = dt.timedelta(minutes=10)


def without_id_numbers(text: str) -> str:
    """Texts never carry a full ID number: any that slipped into a template is masked."""
    return ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


def send_message(
    phone: str,
    template: str,
    text: str,
    params: dict | None = None,
    *,
    case=None,
    key: str = "",
    key_is_new: bool = False,
    urgent: bool = False,
):
    """Write one message in the caller's transaction and send it after that commits.

    `key` names the message (e.g. the event it tells about): writing the same key again returns the first
    row and sends nothing more."""
    fields = dict(
        phone=phone, template=template, text=without_id_numbers(text), params=params or {}, case=case,
        urgent=urgent, created_at=clock.now(),
    )  # fmt: skip
    if not key or key_is_new:
        # A fresh random key, or one named after a row this transaction just wrote (an event), cannot
        # clash: no savepoint needed (two queries fewer on every action).
        message = Message.objects.create(key=key or f"uuid:{uuid.uuid4().hex}", **fields)
    else:
        try:
            with transaction.atomic():
                message = Message.objects.create(key=key, **fields)
        except IntegrityError:
            return Message.objects.get(key=key)
    message_id = message.pk
    transaction.on_commit(lambda: enqueue(message_id), robust=True)
    return message


def enqueue(message_id: int) -> None:
    from bianmin.messaging.tasks import deliver_message

    deliver_message(message_id)


def deliver(message_id: int) -> str:
    """Send one queued message through the backend; returns its state. Never sends a message twice.

    A message whose time has not come (quiet hours, the per-phone limit, a retry's backoff) stays queued
    with `next_attempt_at`; the sweep brings it back then."""
    backend = get_backend()
    now = clock.now()
    message = Message.objects.filter(pk=message_id, state=MessageState.QUEUED).first()
    if message is None:
        return _state(message_id)
    if message.next_attempt_at and message.next_attempt_at > now:
        return MessageState.QUEUED
    queued = Message.objects.filter(pk=message_id, state=MessageState.QUEUED)
    if not MAINLAND_MOBILE.match(message.phone or ""):
        queued.update(
            state=MessageState.FAILED,
            reason=f"手机号码无效（{message.phone or '空'}），不是有效的大陆手机号，未发送",
        )
        return _state(message_id)
    # Quiet hours and the per-phone limit protect the people a text reaches; a record reaches no one.
    wait = None if backend.records_only else _not_before(message, now)
    if wait:
        queued.update(next_attempt_at=wait)
        return MessageState.QUEUED
    if backend.records_only:
        taken = queued.update(
            state=MessageState.SENT, sent_at=now, attempts=F("attempts") + 1, next_attempt_at=None
        )
        return MessageState.SENT if taken else _state(message_id)
    if not queued.update(state=MessageState.SENDING, sent_at=now, attempts=F("attempts") + 1):
        return _state(message_id)
    message.refresh_from_db()
    sending = Message.objects.filter(pk=message_id, state=MessageState.SENDING)
    try:
        backend.send(message)
    except Permanent as exc:
        sending.update(state=MessageState.FAILED, reason=str(exc)[:500], gateway_answer=str(exc)[:2000])
        return _state(message_id)
    except Temporary as exc:
        answer = str(exc)[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            sending.update(
                state=MessageState.FAILED, gateway_answer=answer,
                reason=f"重试 {message.attempts} 次仍未发出：{answer}"[:500],
            )  # fmt: skip
        else:
            backoff = dt.timedelta(minutes=2 ** (message.attempts - 1))
            sending.update(
                state=MessageState.QUEUED, sent_at=None, gateway_answer=answer, next_attempt_at=now + backoff
            )
        return _state(message_id)
    except Exception:
        # Not sent (a fault of ours, not the gateway's answer): back to the queue, the task retries.
        sending.update(state=MessageState.QUEUED, sent_at=None)
        raise
    sending.update(state=MessageState.SENT, sent_at=clock.now(), next_attempt_at=None)
    return _state(message_id)


def _not_before(message, now: dt.datetime) -> dt.datetime | None:
    """When a message that may not go now may go: quiet hours, then the per-phone limits; None = now."""
    if message.urgent:
        return None
    local = now.astimezone(clock.SHANGHAI)
    if local.time() >= QUIET_FROM or local.time() < QUIET_UNTIL:
        morning = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
        return dt.datetime.combine(morning, QUIET_UNTIL, tzinfo=clock.SHANGHAI)
    to_phone = Message.objects.filter(phone=message.phone, urgent=False, state__in=SENT_STATES).exclude(
        pk=message.pk
    )
    for limit, window in RATE_LIMITS:
        recent = list(
            to_phone.filter(sent_at__gt=now - window)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            return recent[-1] + window
    midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=clock.SHANGHAI)
    if to_phone.filter(sent_at__gte=midnight).count() >= DAILY_LIMIT:
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), QUIET_UNTIL, tzinfo=clock.SHANGHAI)
    return None


def _state(message_id: int) -> str:
    return Message.objects.filter(pk=message_id).values_list("state", flat=True).first() or ""


def requeue_stale(older_than: dt.timedelta = STALE_AFTER) -> int:
    """Enqueue again every message still queued `older_than` after it was written; returns how many.

    Also fails the messages cut off mid-send long ago: whether the gateway took them is unknown, and a
    message is sent at most once."""
    now = clock.now()
    Message.objects.filter(state=MessageState.SENDING, sent_at__lt=now - SENDING_GIVEN_UP_AFTER).update(
        state=MessageState.FAILED, reason="发送中断，结果未知（不重发，以免重复）"
    )
    ids = list(
        Message.objects.filter(state=MessageState.QUEUED, created_at__lte=now - older_than)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("id", flat=True)
    )
    for message_id in ids:
        enqueue(message_id)
    if ids:
        log.info("outbox: re-enqueued %d queued messages", len(ids))
    return len(ids)
