"""Benchmark of the calendar's Django side: seeding, the per-call revision check, rebuilds, the API."""

import os
import sys
import tempfile
import time
from pathlib import Path

# Run as a script from anywhere, on a throw-away SQLite database so the real one is never touched.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["BIANMIN_VAR_DIR"] = tempfile.mkdtemp(prefix="bianmin-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
os.environ.setdefault("BIANMIN_ALLOWED_HOSTS", "localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bianmin.calendar import services  # noqa: E402


def timed(label: str, calls: int, fn) -> None:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    elapsed = time.perf_counter() - start
    print(f"{label}: {calls:,} calls, {elapsed * 1e6 / calls:,.1f} µs/call")


def main() -> None:
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate with the chinese_calendar seed (2004–2026): {time.perf_counter() - start:.2f} s")
    call_command("load_demo", verbosity=0)

    def rebuild():
        services.forget_cached_calendar()
        services.calendar_for()

    timed("calendar_for() cold (load tables + build 1990–2100 index)", 20, rebuild)
    services.calendar_for()
    timed("calendar_for() warm (one revision query)", 20_000, services.calendar_for)
    timed(
        "calendar_for(village code) warm, no local holidays",
        20_000,
        lambda: services.calendar_for("610324106200"),
    )

    client = Client(HTTP_HOST="localhost")
    url = "/api/v1/calendar/deadline?start=2026-09-30&days=20"
    client.get(url)
    timed("GET /api/v1/calendar/deadline (test client, full stack)", 2_000, lambda: client.get(url))
    day_url = "/api/v1/calendar/days/2026-10-05?region=610324106200"
    timed("GET /api/v1/calendar/days/{date}?region= (test client)", 2_000, lambda: client.get(day_url))


if __name__ == "__main__":
    main()
