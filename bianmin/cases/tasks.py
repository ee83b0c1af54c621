"""Background work for cases: the applicant's SMS-like notification, written after the action commits."""

from huey.contrib.djhuey import db_task

from bianmin.core import clock


@db_task()
def send_notification(case_id: int, kind: str, phone: str, text: str) -> int:
    """Record (and, with a gateway configured, send) one message; the row is the outbox and the log."""
    from bianmin.cases.models import Notification

    now = clock.now()
    # No SMS gateway is wired in yet: the row is marked sent when written, so the log is complete.
    return Notification.objects.create(
        case_id=case_id, kind=kind, phone=phone, text=text, created_at=now, sent_at=now
    ).pk
