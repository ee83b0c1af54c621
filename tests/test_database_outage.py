"""What callers see while the database is down or restarting, and that a commit outlives a database crash."""

import pytest
from cases.factories import intake, make_item
from django.db import OperationalError, connection

from bianmin.cases import services


def test_an_unreachable_database_answers_503_with_retry_after(api, now, monkeypatch):
    clerk = api("famen_clerk")
    body = intake(make_item("promised"))

    def down(*args, **kwargs):
        raise OperationalError("connection failed: the database system is not yet accepting connections")

    monkeypatch.setattr(services, "receive_case", down)
    r = clerk.post("cases", body, headers={"Idempotency-Key": "outage-1"})
    assert r.status_code == 503 and r["Retry-After"] == "2"
    assert r.json()["error"]["code"] == "database_unavailable"


@pytest.mark.postgresql  # the commit durability of PostgreSQL itself (CI's second run)
def test_commits_wait_for_the_wal_flush_even_on_a_cluster_that_does_not(db):
    # CI's cluster runs synchronous_commit=off; an acknowledged case must survive an immediate restart.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
