"""Background work for cases: the nightly audit anchor. (Applicants' texts: bianmin.messaging.)"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


# huey reads crontabs in UTC: 16:30 UTC is 00:30 in Asia/Shanghai, just after the day to seal has ended.
@db_periodic_task(crontab(hour="16", minute="30"))
def anchor_audit_daily() -> int:
    """Seal yesterday (Asia/Shanghai) for every county; `manage.py anchor_audit` does the same by hand."""
    from bianmin.cases.audit import anchor_day, yesterday

    return sum(created for _anchor, created in anchor_day(yesterday()))
