"""cases_case partitioned by county (bianmin/cases/partitioning.py), converted inside each test's transaction.

PostgreSQL runs DDL inside a transaction and rolls it back, so in CI's plain PostgreSQL run each test turns
the table into `PARTITION BY LIST (county)` and the rest of the suite still sees the plain table; in the
partitioned run (`make test-partitioned`) the table already is, and the conversion is a no-op.
"""

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction

from bianmin.cases import partitioning
from bianmin.cases.models import Case, Event
from bianmin.core import clock
from bianmin.messaging.models import Message
from bianmin.regions.models import Level, Region

from .factories import intake, make_item

pytestmark = pytest.mark.postgresql

COUNTY = "610324000000"  # 扶风县, the demo county


def one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def partition_of(number: str) -> str:
    return one("SELECT tableoid::regclass::text FROM cases_case WHERE number = %s", [number])[0]


def walk(api, n: int = 1) -> str:
    """intake → accept → complete → deliver through the API; the case's number."""
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        created = clerk.post("cases", intake(item, n=n))
        assert created.status_code == 201, created.content
        number = created.json()["number"]
        r = clerk.post(f"cases/{number}/actions/accept", {"version": created.json()["version"]})
        assert r.status_code == 200, r.content
    with clock.pinned("2026-03-04T10:00:00+08:00"):
        r = minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "准予"})
        assert r.status_code == 200, r.content
    with clock.pinned("2026-03-05T09:00:00+08:00"):
        r = clerk.post(f"cases/{number}/actions/deliver", {"method": "window", "receiver": "张秀兰"})
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "delivered"
    return number


def test_a_lifecycle_runs_on_the_partitioned_table_and_keys_still_hold(api, now):
    call_command("generate_cases", count=40, seed=3, verbosity=0)  # rows the conversion must carry over
    before = sorted(Case.objects.values_list("id", "number", "county", "state"))
    top = max(row[0] for row in before)

    partitioning.partition_cases_by_county(connection)  # already done in the partitioned run

    assert one("SELECT relkind FROM pg_class WHERE oid = 'cases_case'::regclass")[0] == "p"
    assert sorted(Case.objects.values_list("id", "number", "county", "state")) == before
    assert {partition_of(n) for _i, n, _c, _s in before} == {f"cases_case_{COUNTY}"}
    # The key holds the county; look-ups by id or number alone still lead with the key's column.
    key = one("""SELECT pg_get_constraintdef(oid) FROM pg_constraint
                  WHERE conrelid = 'cases_case'::regclass AND contype = 'p'""")[0]  # fmt: skip
    assert key == "PRIMARY KEY (id, county)"

    number = walk(api)
    case = Case.objects.get(number=number)
    assert case.county == COUNTY and case.pk > top  # the sequence continued past the copied rows
    assert partition_of(number) == f"cases_case_{COUNTY}"
    assert list(Event.objects.filter(case=case).values_list("action", flat=True)) == [
        "receive", "accept", "complete", "deliver",
    ]  # fmt: skip
    connection.check_constraints()  # the deferred key triggers fire now: every event's case exists

    missing = top + 10_000
    with pytest.raises(IntegrityError, match="cases_event_case_id"), transaction.atomic():
        Event.objects.create(case_id=missing, at=clock.now(), action="note")
        connection.check_constraints()
    # Another app's key, found in pg_constraint: the texts sent to the applicant point at the case.
    assert Message.objects.filter(case=case).exists()
    with pytest.raises(IntegrityError, match="messaging_message_case_id"), transaction.atomic():
        Message.objects.filter(case=case).update(case_id=missing)
        connection.check_constraints()
    with pytest.raises(IntegrityError, match="办件不能删除"), transaction.atomic():
        one("DELETE FROM cases_case WHERE id = %s", [case.pk])  # PROTECT in Python; the table refuses too
    with pytest.raises(IntegrityError, match="办件不能删除"), transaction.atomic():
        one(f"DELETE FROM cases_case_{COUNTY} WHERE id = %s", [case.pk])  # and so does each partition
    assert Case.objects.filter(pk=case.pk).exists()

    assert partitioning.partition_cases_by_county(connection) is False
    assert one("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'cases_case'::regclass")[0] == (
        Region.objects.filter(level=Level.COUNTY).count() + 1
    )


def test_a_case_without_a_county_partition_goes_to_default_and_a_new_county_gets_its_own(
    api, now, settings, caplog
):
    settings.PARTITION_CASES = "county"
    partitioning.partition_cases_by_county(connection)
    city = Region.objects.get(code=COUNTY).parent

    fresh = Region.objects.create(code="610399000000", name="新设县", level=Level.COUNTY, parent=city)
    assert one("SELECT to_regclass('cases_case_610399000000') IS NOT NULL")[0]
    Region.objects.create(code="610399001000", name="新设镇", level=Level.TOWNSHIP, parent=fresh)
    assert one("SELECT to_regclass('cases_case_610399001000')")[0] is None  # only counties get one

    # A county region that did not exist when its cases arrived: they wait in the DEFAULT partition.
    number = walk(api)
    Case.objects.filter(number=number).update(county="610398000000")  # the row moves partitions
    assert partition_of(number) == "cases_case_default"
    with caplog.at_level(logging.WARNING, logger="bianmin.cases.partitioning"):
        Region.objects.create(code="610398000000", name="迟设县", level=Level.COUNTY, parent=city)
    assert "610398000000" in caplog.text
    assert one("SELECT to_regclass('cases_case_610398000000')")[0] is None
    assert partition_of(number) == "cases_case_default"


def test_a_county_code_that_cannot_name_a_table_keeps_to_default_and_breaks_nothing(demo, settings, caplog):
    settings.PARTITION_CASES = "county"
    city = Region.objects.get(code=COUNTY).parent
    # Full-width digits are digits to Python but not to a table name: neither saving the region nor a
    # later conversion may fail on it.
    already = partitioning.is_partitioned(connection)  # `make test-partitioned`: migrate converted it
    Region.objects.create(code="６１０３９６０００００", name="全角县", level=Level.COUNTY, parent=city)
    with caplog.at_level(logging.WARNING, logger="bianmin.cases.partitioning"):
        assert partitioning.partition_cases_by_county(connection) is not already
    if not already:
        assert "６１０３９６０００００" in caplog.text
    Region.objects.create(code="６１０３９５０００００", name="又一全角县", level=Level.COUNTY, parent=city)
    assert one(f"SELECT to_regclass('cases_case_{COUNTY}') IS NOT NULL")[0]
    assert partitioning.partition_cases_by_county(connection) is False


def test_new_county_makes_no_partition_when_the_setting_is_off(demo, settings):
    settings.PARTITION_CASES = ""
    partitioning.partition_cases_by_county(connection)
    city = Region.objects.get(code=COUNTY).parent
    Region.objects.create(code="610397000000", name="另设县", level=Level.COUNTY, parent=city)
    assert one("SELECT to_regclass('cases_case_610397000000')")[0] is None


def test_later_migrations_flush_and_sequence_reset_work_on_the_partitioned_table(demo):
    partitioning.partition_cases_by_county(connection)
    # A future AddField and AddIndex on Case reach every partition.
    probe = models.CharField(max_length=8, default="新列")
    probe.set_attributes_from_name("probe")
    with connection.schema_editor() as editor:
        editor.add_field(Case, probe)
        editor.add_index(Case, models.Index(fields=["county", "state", "number"], name="case_probe_idx"))
    assert one(f"SELECT COUNT(*) FROM pg_attribute WHERE attrelid = 'cases_case_{COUNTY}'::regclass "
               "AND attname = 'probe'")[0] == 1  # fmt: skip
    assert (
        one("""SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'case_probe_idx'::regclass""")[0]
        == one(  # fmt: skip
            "SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'cases_case'::regclass"
        )[0]
    )

    # A future table pointing at cases: its key is a trigger made by the helper the docstring names.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe_ref (id bigserial PRIMARY KEY, case_id bigint)")
        partitioning.add_case_reference_trigger(cursor, "probe_ref_case_fk", "probe_ref", "case_id")
    with pytest.raises(IntegrityError, match="probe_ref_case_fk"), transaction.atomic():
        one("INSERT INTO probe_ref (case_id) VALUES (-1) RETURNING id")
        connection.check_constraints()
    one("INSERT INTO probe_ref (case_id) VALUES (NULL) RETURNING id")
    connection.check_constraints()

    # Django's sequence discovery (reset_sequences, sqlsequencereset) and the test flush's TRUNCATE.
    with connection.cursor() as cursor:
        sequences = connection.introspection.get_sequences(cursor, "cases_case")
        assert [(s["name"], s["column"]) for s in sequences] == [("cases_case_id_seq", "id")]
        one("SELECT nextval('cases_case_id_seq'), nextval('cases_case_id_seq')")
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True):
            cursor.execute(sql)
    assert one("SELECT COUNT(*) FROM cases_case")[0] == 0
    assert one("SELECT nextval('cases_case_id_seq')")[0] == 1


def test_command_partitions_and_reports_rows_per_partition(api, now):
    number = walk(api)
    out = io.StringIO()
    call_command("partition_cases", stdout=out)
    call_command("partition_cases", "--check", stdout=out)
    text = out.getvalue()
    assert "已按县分区" in text
    assert f"cases_case_{COUNTY}" in text and "cases_case_default" in text
    line = next(x for x in text.splitlines()[::-1] if f"cases_case_{COUNTY}" in x)
    assert line.split()[-2] == str(Case.objects.filter(county=COUNTY).count())
    assert partition_of(number) == f"cases_case_{COUNTY}"
