"""Every process notices an edit at once: the cached calendar is rebuilt when the revision moves.

Another worker is played twice: by changing the tables and the revision directly in the database (nothing
in this process's cache is touched), and by a real second process saving an edit through the service.
"""

import datetime as dt
import os
import subprocess
import sys
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bianmin.calendar import services
from bianmin.calendar.models import CalendarDay, CalendarRevision, DayKind

D = dt.date


@pytest.mark.django_db
def test_unchanged_revision_reuses_the_cached_calendar(now):
    first = services.calendar_for()
    assert services.calendar_for() is first


@pytest.mark.django_db
def test_a_write_made_outside_this_process_is_seen_on_the_next_call(client, now):
    cached = services.calendar_for()
    assert cached.is_workday(D(2026, 3, 3))
    # What another worker's set_day leaves in the database, written behind this process's back.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CalendarDay._meta.db_table} (year, date, kind, name, updated_at) VALUES (%s, %s, %s, %s, %s)",
            [2026, D(2026, 3, 3), DayKind.HOLIDAY, "外部修改", now],
        )
        cursor.execute(
            f"UPDATE {CalendarRevision._meta.db_table} SET number = number + 1, token = %s WHERE id = 1",
            [uuid.uuid4().hex],
        )
    rebuilt = services.calendar_for()
    assert rebuilt is not cached
    assert rebuilt.day_info(D(2026, 3, 3)).name == "外部修改"
    assert client.get("/api/v1/calendar/days/2026-03-03").json()["workday"] is False


def _test_database_url() -> str:
    """The URL of the test database this process uses, for a second process (SQLite or PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_saved_by_another_process_is_seen_at_once(client, now):
    call_command("load_demo", verbosity=0)
    cached = services.calendar_for()
    assert client.get("/api/v1/calendar/days/2026-03-03").json()["workday"] is True

    # A real second process on the same database saves the edit through the service.
    script = (
        "import datetime as dt; from bianmin.accounts.models import User; from bianmin.calendar import services; "
        "services.set_day(2026, dt.date(2026, 3, 3), 'holiday', '另一进程', User.objects.get(username='admin'))"
    )
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr

    assert cached.is_workday(D(2026, 3, 3))  # this process's cached copy was never told
    body = client.get("/api/v1/calendar/days/2026-03-03").json()
    assert (body["workday"], body["name"]) == (False, "另一进程")
