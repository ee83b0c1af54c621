"""Background work for messages: one task per message, and the sweep that recovers lost enqueues."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=5, retry_delay=30)
def deliver_message(message_id: int) -> str:
    from bianmin.messaging.services import deliver

    return deliver(message_id)


@db_periodic_task(crontab(minute="*"))
def flush_outbox() -> int:
    """Every minute: messages still queued a minute after they were written lost their enqueue."""
    from bianmin.messaging.services import requeue_stale

    return requeue_stale()
