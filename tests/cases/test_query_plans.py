"""The queues and lists every role opens many times a day read cases_case through an index, never a full scan.

SQLite's EXPLAIN QUERY PLAN on a few thousand generated cases (after ANALYZE) stands in for the million-row
county; docs/query-plans.md has the PostgreSQL plans at 1M. On PostgreSQL (CI's second run) the same
queries are explained with sequential scans priced out (`enable_seqscan = off`): at a few thousand rows the
planner would rightly prefer a scan, so the check there is that an index *can* serve each query.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from bianmin.accounts.models import User
from bianmin.cases.clock import current_calendar
from bianmin.cases.queues import BY_KEY, queue_cases
from bianmin.cases.selectors import cases_visible_to, warning_q
from bianmin.core import clock

POSTGRES = connection.vendor == "postgresql"


def plan(queryset) -> list[str]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SET LOCAL enable_seqscan = off")  # inside the test's transaction only
            cursor.execute(f"EXPLAIN {sql}", params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def full_scans(queryset) -> list[str]:
    """Plan lines that read cases_case row by row without an index."""
    if POSTGRES:
        return [line for line in plan(queryset) if "Seq Scan on cases_case" in line]
    return [
        line
        for line in plan(queryset)
        if line.startswith("SCAN cases_case") and "USING" not in line and "INDEX" not in line
    ]


def reads_through_an_index(queryset) -> bool:
    lines = plan(queryset)
    if POSTGRES:
        return any(
            ("Index" in line and "on cases_case" in line) or "Bitmap Heap Scan on cases_case" in line
            for line in lines
        )
    return any("cases_case USING" in line for line in lines)


@pytest.fixture
def county(demo, now):
    call_command("generate_cases", count=2000, seed=3, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _user(name):
    return User.objects.get(username=name)


def _api_list(user, **filters):
    return cases_visible_to(user).filter(**filters).order_by("-received_at", "-id")


def _queries():
    today, calendar = clock.today(), current_calendar()
    since = dt.datetime.combine(today - dt.timedelta(days=30), dt.time.min, tzinfo=clock.SHANGHAI)
    supervisor = _user("fufeng_supervisor")
    return {
        "clerk to-decide": queue_cases(_user("famen_clerk"), BY_KEY["to-decide"]),
        "approver department": queue_cases(_user("famen_minzheng"), BY_KEY["department"]),
        "director extension requests": queue_cases(_user("famen_director"), BY_KEY["extension-requests"]),
        "supervisor red over the county": _api_list(supervisor).filter(warning_q("red", today, calendar)),
        "clerk list, accepted, last 30 days": _api_list(
            _user("famen_clerk"), state="accepted", received_at__gte=since
        ),
        "supervisor list, last 30 days": _api_list(supervisor, received_at__gte=since),
        "clerk search by phone tail": _api_list(_user("famen_clerk"), applicant_phone_tail="0001"),
        "clerk search by ID tail": _api_list(_user("famen_clerk"), applicant_id_tail="001X"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "clerk to-decide",
        "approver department",
        "director extension requests",
        "supervisor red over the county",
        "clerk list, accepted, last 30 days",
        "supervisor list, last 30 days",
        "clerk search by phone tail",
        "clerk search by ID tail",
    ],
)
def test_queue_reads_cases_through_an_index(county, name):
    queryset = _queries()[name]
    assert full_scans(queryset) == [], "\n".join(plan(queryset))
    assert reads_through_an_index(queryset), "\n".join(plan(queryset))


def test_the_check_sees_a_full_scan_when_no_index_serves(county):
    from bianmin.cases.models import Case

    unindexed = Case.objects.filter(applicant_address__contains="三组").order_by("applicant_address")
    assert full_scans(unindexed) and not reads_through_an_index(unindexed)
