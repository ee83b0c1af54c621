"""Background work for cases: the applicant's notification after an action commits; the nightly audit anchor."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

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


# huey reads crontabs in UTC: 16:30 UTC is 00:30 in Asia/Shanghai, just after the day to seal has ended.
@db_periodic_task(crontab(hour="16", minute="30"))
def anchor_audit_daily() -> int:
    """Seal yesterday (Asia/Shanghai) for every county; `manage.py anchor_audit` does the same by hand."""
    from bianmin.cases.audit import anchor_day, yesterday

    return sum(created for _anchor, created in anchor_day(yesterday()))
