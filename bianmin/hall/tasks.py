"""The hall's nightly sweep: yesterday's unattended appointments are no-shows."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bianmin.hall.services import mark_no_shows


# huey reads crontabs in UTC: 16:20 UTC is 00:20 in Asia/Shanghai, just after the day has ended.
@db_periodic_task(crontab(hour="16", minute="20"))
def sweep_no_shows():
    return mark_no_shows()
