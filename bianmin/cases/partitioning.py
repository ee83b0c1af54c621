"""The case table partitioned by county on PostgreSQL (`BIANMIN_PARTITION_CASES=county`, docs/scaling.md §3).

`partition_cases_by_county(connection)` turns `cases_case` into `PARTITION BY LIST (county)` in one
transaction, keeping what Django and the product rely on:

- the same columns in the same order (`CREATE TABLE … (LIKE old INCLUDING …)`: NOT NULL, check
  constraints, defaults); `id` draws from a sequence OWNED BY the column (PostgreSQL 15 has no identity
  columns on partitioned tables), set past the old sequence and max(id), so `pg_get_serial_sequence`,
  `TRUNCATE … RESTART IDENTITY` and Django's sequence resets keep working;
- the primary key becomes `(id, county)` and every unique constraint or index gets `county` appended
  (`number` → `(number, county)`): a partitioned table's unique keys must hold the partition key.
  `county` goes last so that a look-up by id or by number alone still walks the key's index in each
  partition (a look-up without the county probes every partition's index: one probe per county);
- every other index is recreated from its own definition (`pg_get_indexdef`: partial and expression
  indexes included), and the outgoing foreign keys from `pg_get_constraintdef`;
- one partition per county region (`cases_case_<code>`) plus `cases_case_default` for anything else;
  `county_partition_for()` adds a county's partition later (a new county Region does it, signals.py).

Foreign keys from other tables to `cases_case.id` cannot point at a partitioned table's non-unique `id`.
Each is found in `pg_constraint` (whatever app declared it) and replaced by a DEFERRABLE INITIALLY
DEFERRED constraint trigger under the same name, AFTER INSERT OR UPDATE OF the column, which raises
SQLSTATE 23503 (foreign_key_violation: Django raises IntegrityError, at commit or at
`check_constraints()`, as it did for the real key) when no case has that id. What such a trigger does not
cover, and how it is closed here:

- deleting a referenced case: a real foreign key refuses it; a trigger on the referencing side never
  sees it. Cases are never deleted (every key to them is PROTECT), so the parent and each partition
  refuse every DELETE statement (BEFORE DELETE FOR EACH STATEMENT, SQLSTATE 23001 restrict_violation).
  A statement trigger, not a row trigger: an UPDATE of `county` moves the row to another partition as
  an internal delete + insert, which fires row DELETE triggers but no statement one. TRUNCATE fires no
  DELETE trigger: the test flush (`TRUNCATE … CASCADE`) still empties the tables. Not covered: a
  partition made by hand rather than by `county_partition_for` lacks the trigger;
- updating a case's id: the product never does; a key would refuse it, nothing here does;
- concurrency: a key locks the referenced row (FOR KEY SHARE) against a concurrent delete; with DELETE
  refused there is nothing to race against.

Converting again is a no-op (returns False). SQLite and an unpartitioned PostgreSQL are untouched unless this is called. Later migrations
keep working on the parent: AddField/AlterField/AddIndex propagate to the partitions. What PostgreSQL
refuses on a partitioned table is a new unique constraint without `county`, and a new foreign key to
`cases_case` (no unique key on `id` alone): on a partitioned database such a migration must declare the
key with `db_constraint=False` and add the check in a RunPython with
`add_case_reference_trigger(cursor, name, table, column)`.
"""

import hashlib
import logging

from django.db import transaction

log = logging.getLogger(__name__)

TABLE = "cases_case"
OLD = "cases_case_unpartitioned"
DEFAULT_PARTITION = "cases_case_default"
SEQUENCE = "cases_case_id_seq"
NO_DELETE_FUNCTION = "cases_case_refuse_delete"
COUNTY_LEVEL = 4  # bianmin.regions.models.Level.COUNTY (no model import: migrations call this too)


def is_partitioned(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def is_region_code(code: str) -> bool:
    """ASCII digits only: the county's code becomes part of a table name."""
    return code.isascii() and code.isdigit()


def partition_name(county: str) -> str:
    if not is_region_code(county):
        raise ValueError(f"county code {county!r} is not a region code")
    return f"{TABLE}_{county}"


def partition_cases_by_county(connection) -> bool:
    """Convert cases_case into PARTITION BY LIST (county); False when it already is (or not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return False
    # Asked on every migrate: an already partitioned table is answered without taking the exclusive lock
    # (which would queue every read of the cases behind a long export until it ends).
    if is_partitioned(connection):
        return False
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            _settle_deferred_checks(cursor)
            cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
            if is_partitioned(connection):  # converted by another process while we waited for the lock
                return False
            _convert(cursor)
    return True


def _settle_deferred_checks(cursor) -> None:
    """Run the deferred key checks queued so far in this transaction (what COMMIT would do): PostgreSQL
    refuses to ALTER a table with pending trigger events. Deferred again afterwards, as Django's
    check_constraints() leaves them."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _rows(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _convert(cursor) -> None:
    table_oid = _rows(cursor, "SELECT %s::regclass::oid", [TABLE])[0][0]
    # What the old table has, read before it is renamed (definitions then still name cases_case).
    keys = _rows(
        cursor,
        """SELECT c.conname, c.contype, c.conindid,
                  ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)
             FROM pg_constraint c WHERE c.conrelid = %s AND c.contype IN ('p', 'u')""",
        [table_oid],
    )
    key_indexes = {oid for _n, _t, oid, _c in keys}
    indexes = _rows(
        cursor,
        """SELECT i.indexrelid, x.relname, i.indisunique, pg_get_indexdef(i.indexrelid),
                  pg_get_expr(i.indpred, i.indrelid),
                  ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                        WHERE o <= i.indnkeyatts ORDER BY o),
                  i.indexprs IS NOT NULL
             FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
            WHERE i.indrelid = %s ORDER BY x.relname""",
        [table_oid],
    )
    outgoing = _rows(
        cursor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s AND contype = 'f'",
        [table_oid],
    )
    sequence = _rows(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])[0][0]
    start = 0
    if sequence:
        last, called = _rows(cursor, f"SELECT last_value, is_called FROM {sequence}")[0]
        start = last if called else last - 1
    # A county whose code could not name a table keeps its cases in the DEFAULT partition (logged).
    counties = []
    for (code,) in _rows(
        cursor, "SELECT code FROM regions_region WHERE level = %s ORDER BY code", [COUNTY_LEVEL]
    ):
        if is_region_code(code):
            counties.append(code)
        else:
            log.warning("county %r: not a digit code, its cases stay in the DEFAULT partition", code)

    _replace_incoming_keys(cursor, table_oid)
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    cursor.execute(
        f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE "
        f"INCLUDING COMMENTS INCLUDING GENERATED) PARTITION BY LIST (county)"
    )
    for county in counties:
        cursor.execute(
            f"CREATE TABLE {partition_name(county)} PARTITION OF {TABLE} FOR VALUES IN (%s)", [county]
        )
    cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
    for partition in [TABLE, DEFAULT_PARTITION, *map(partition_name, counties)]:
        _refuse_delete(cursor, partition)  # statement triggers are not inherited: on each, and the parent
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
    cursor.execute(f"DROP TABLE {OLD}")  # its indexes, keys and identity sequence go with it

    top = _rows(cursor, f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}")[0][0]
    cursor.execute(f"CREATE SEQUENCE {SEQUENCE} AS bigint OWNED BY {TABLE}.id")
    cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, max(top, start, 1), max(top, start) > 0])
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")

    for name, kind, _oid, columns in keys:
        what = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        cols = ", ".join(f'"{c}"' for c in _with_county(columns))
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {what} ({cols})')
    for oid, name, unique, definition, predicate, columns, has_expressions in indexes:
        if oid in key_indexes:
            continue
        if unique:
            if has_expressions:
                raise ValueError(f"{name}: a unique expression index cannot be given the county column")
            cols = ", ".join(f'"{c}"' for c in _with_county(columns))
            where = f" WHERE {predicate}" if predicate else ""
            cursor.execute(f'CREATE UNIQUE INDEX "{name}" ON {TABLE} ({cols}){where}')
        else:
            cursor.execute(definition)  # CREATE INDEX name ON public.cases_case USING … (…) [WHERE …]
    for name, definition in outgoing:
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(f"ANALYZE {TABLE}")


def _with_county(columns: list[str]) -> list[str]:
    return [*columns, "county"] if "county" not in columns else list(columns)


def _replace_incoming_keys(cursor, table_oid) -> None:
    """Every foreign key from another table to cases_case becomes a constraint trigger of the same name."""
    incoming = _rows(
        cursor,
        """SELECT c.conname, c.conrelid::regclass::text, a.attname
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.confrelid = %s AND c.contype = 'f' AND c.conrelid <> c.confrelid
            ORDER BY 2, 1""",
        [table_oid],
    )
    for name, table, column in incoming:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        add_case_reference_trigger(cursor, name, table, column)


def add_case_reference_trigger(cursor, name: str, table: str, column: str) -> None:
    """`table.column` must name an existing case: a deferred constraint trigger `name` in place of a key."""
    function = "case_ref_" + hashlib.md5(f"{table}.{column}".encode()).hexdigest()[:20]
    cursor.execute(
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW."{column}" IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW."{column}") THEN
                RAISE EXCEPTION 'insert or update on table "{table}" violates foreign key constraint "{name}"'
                    USING ERRCODE = 'foreign_key_violation',
                          DETAIL = format('Key ({column})=(%s) is not present in table "{TABLE}".',
                                          NEW."{column}");
            END IF;
            RETURN NULL;
        END $$"""
    )
    cursor.execute(
        f'CREATE CONSTRAINT TRIGGER "{name}" AFTER INSERT OR UPDATE OF "{column}" ON {table} '
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()"
    )


def _refuse_delete(cursor, table: str) -> None:
    """Refuse every DELETE statement on the table (a statement trigger: a case moving to another county's
    partition is an internal delete + insert that fires no statement trigger, so it still works)."""
    cursor.execute(
        f"""CREATE OR REPLACE FUNCTION {NO_DELETE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '办件不能删除（%）', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation', DETAIL = 'cases_case is partitioned by county; '
                      'the keys to it are triggers that cannot refuse a delete, so every delete is refused.';
        END $$"""
    )
    cursor.execute(
        f"CREATE TRIGGER cases_case_no_delete BEFORE DELETE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {NO_DELETE_FUNCTION}()"
    )


def county_partition_for(connection, county: str) -> str:
    """Give a county its own partition (idempotent). Returns "created", "exists", "not partitioned", or
    "kept in default" when the DEFAULT partition already holds rows of that county (PostgreSQL would refuse
    the new partition; the rows stay where they are and a later conversion run does not move them)."""
    if not is_partitioned(connection):
        return "not partitioned"
    name = partition_name(county)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _settle_deferred_checks(cursor)
        if _rows(cursor, "SELECT to_regclass(%s) IS NOT NULL", [name])[0][0]:
            return "exists"
        in_default = f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} WHERE county = %s)"
        if _rows(cursor, in_default, [county])[0][0]:
            log.warning(
                "county %s: its cases are in %s; no partition of its own made", county, DEFAULT_PARTITION
            )
            return "kept in default"
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} FOR VALUES IN (%s)", [county])
        _refuse_delete(cursor, name)
    return "created"


def partition_rows(connection) -> list[tuple[str, str, int]]:
    """(partition, FOR VALUES … or DEFAULT, rows) for each partition of cases_case (one scan of the table)."""
    with connection.cursor() as cursor:
        counts = dict(_rows(cursor, f"SELECT tableoid::regclass::text, COUNT(*) FROM {TABLE} GROUP BY 1"))
        parts = _rows(
            cursor,
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
                 JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY c.relname""",
            [TABLE],
        )
    return [(name, bound, counts.get(name, 0)) for name, bound in parts]
