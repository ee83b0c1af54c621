"""Benchmark of the working-day calendar: build time and one million add_workdays calls."""

import datetime as dt
import random
import sys
import time
from pathlib import Path

# Run as a script from anywhere: make the repository root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bianmin.worktime import Calendar  # noqa: E402

CALLS = 1_000_000


def main() -> None:
    t0 = time.perf_counter()
    import chinese_calendar  # noqa: F401  (imported first so the build time below excludes it)

    t1 = time.perf_counter()
    cal = Calendar.from_chinese_calendar()
    t2 = time.perf_counter()
    cal.with_extra_holidays({dt.date(2025, 7, 25): "火把节"})
    t3 = time.perf_counter()
    print(f"import chinese_calendar: {(t1 - t0) * 1000:.1f} ms")
    print(f"Calendar.from_chinese_calendar (1990-2100): {(t2 - t1) * 1000:.1f} ms")
    print(f"with_extra_holidays: {(t3 - t2) * 1000:.1f} ms")

    rng = random.Random(20250930)  # seeded: same pairs every run
    first = dt.date(2020, 1, 1).toordinal()
    last = dt.date(2026, 12, 31).toordinal()
    pairs = [(dt.date.fromordinal(rng.randint(first, last)), rng.randint(0, 60)) for _ in range(CALLS)]

    add = cal.add_workdays
    start = time.perf_counter()
    unconfirmed = 0
    for day, n in pairs:
        if not add(day, n).confirmed:
            unconfirmed += 1
    elapsed = time.perf_counter() - start
    print(
        f"{CALLS:,} add_workdays: {elapsed:.2f} s ({elapsed / CALLS * 1e6:.2f} µs/call), {unconfirmed:,} unconfirmed"
    )


if __name__ == "__main__":
    main()
