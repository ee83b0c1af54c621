"""The daily sweep as a huey periodic task (the same code as `manage.py supervise`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


# huey reads crontabs in UTC: 17:05 UTC is 01:05 in Asia/Shanghai, once the new day has begun.
@db_periodic_task(crontab(hour="17", minute="5"))
def supervise_daily() -> dict:
    from bianmin.supervision.sweep import run

    return run()
