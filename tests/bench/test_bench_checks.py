"""The benchmark's own checks: a gap or a duplicate in case numbers made during a run fails it."""

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import lifecycle_bench  # noqa: E402


def database(tmp_path, numbers):
    path = tmp_path / "cases.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cases_case (id INTEGER PRIMARY KEY, number TEXT)")
    conn.executemany("INSERT INTO cases_case (number) VALUES (?)", [(n,) for n in numbers])
    conn.commit()
    conn.close()
    return lifecycle_bench.Database(f"sqlite:///{path}", tmp_path)


def test_numbers_made_during_the_run_continue_without_gap(tmp_path):
    db = database(tmp_path, ["FM-20261129-0001", "FM-20261129-0002", "FM-20261129-0003", "TD-20261129-0001",
                             "FLOOR-19000101-0000001"])  # fmt: skip
    assert "3 new case numbers over 2 center-days" in lifecycle_bench.numbers_after(db, 1)


@pytest.mark.parametrize(
    "numbers, problem",
    [
        (["FM-20261129-0001", "FM-20261129-0002", "FM-20261129-0004"], "gap in FM-20261129"),
        (["FM-20261129-0001", "FM-20261129-0003"], "gap in FM-20261129"),  # the run skipped 0002
        (["FM-20261129-0001", "FM-20261129-0002", "FM-20261129-0002"], "duplicate"),
    ],
)
def test_a_gap_or_a_duplicate_fails_the_run(tmp_path, numbers, problem):
    db = database(tmp_path, numbers)
    with pytest.raises(AssertionError, match=problem):
        lifecycle_bench.numbers_after(db, 1)


def test_a_wrk_run_without_its_result_line_is_an_error_not_a_zero():
    with pytest.raises(RuntimeError):
        lifecycle_bench.parse_result("Running 8s test @ http://127.0.0.1:1\nunable to connect")
    found = lifecycle_bench.parse_result("RESULT lifecycles=3 errors=0 p95=12.50\n")
    assert found == {"lifecycles": 3, "errors": 0, "p95": 12.5}
