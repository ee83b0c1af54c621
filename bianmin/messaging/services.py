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
from django.db.models import F

from bianmin.cases.validators import mask_id_number
from bianmin.core import clock
from bianmin.messaging.backends import Permanent, get_backend
from bianmin.messaging.models import Message, MessageState

log = logging.getLogger(__name__)

# 18-character resident ID numbers (and the old 15-digit ones) anywhere in a text.
ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
STALE_AFTER = dt.timedelta(minutes=1)
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
):
    """Write one message in the caller's transaction and send it after that commits.

    `key` names the message (e.g. the event it tells about): writing the same key again returns the first
    row and sends nothing more."""
    fields = dict(
        phone=phone, template=template, text=without_id_numbers(text), params=params or {}, case=case,
        created_at=clock.now(),
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
    """Send one queued message through the backend; returns its state. Never sends a message twice."""
    backend = get_backend()
    now = clock.now()
    claimed = Message.objects.filter(pk=message_id, state=MessageState.QUEUED)
    if backend.records_only:
        taken = claimed.update(state=MessageState.SENT, sent_at=now, attempts=F("attempts") + 1)
        return MessageState.SENT if taken else _state(message_id)
    if not claimed.update(state=MessageState.SENDING, sent_at=now, attempts=F("attempts") + 1):
        return _state(message_id)
    message = Message.objects.get(pk=message_id)
    try:
        backend.send(message)
    except Permanent as exc:
        Message.objects.filter(pk=message_id, state=MessageState.SENDING).update(
            state=MessageState.FAILED, reason=str(exc)[:500]
        )
        return MessageState.FAILED
    except Exception:
        # Not sent: back to the queue for the next try (the task's retries, else the sweep).
        Message.objects.filter(pk=message_id, state=MessageState.SENDING).update(
            state=MessageState.QUEUED, sent_at=None
        )
        raise
    Message.objects.filter(pk=message_id, state=MessageState.SENDING).update(
        state=MessageState.SENT, sent_at=clock.now()
    )
    return MessageState.SENT


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
        .order_by("id")
        .values_list("id", flat=True)
    )
    for message_id in ids:
        enqueue(message_id)
    if ids:
        log.info("outbox: re-enqueued %d queued messages", len(ids))
    return len(ids)
