"""Statistics at scale: the stats API and the dashboards, p50/p95 per request (`make bench`).

By default a throw-away SQLite database gets the demo county and BENCH_STATS_CASES generated cases
(default 20,000; generate_cases rebuilds the rollups). Point BENCH_STATS_DATABASE_URL at a PostgreSQL
database that already holds generated cases (e.g. a clone of a 1,000,000-case database) to measure there;
it is migrated and, with --rebuild, its rollups are rebuilt (timed) before the requests.

    .venv/bin/python bench/stats_bench.py [--requests 40] [--rebuild]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["BIANMIN_VAR_DIR"] = tempfile.mkdtemp(prefix="bianmin-bench-")
TARGET = os.environ.get("BENCH_STATS_DATABASE_URL")
if TARGET:
    os.environ["DATABASE_URL"] = TARGET
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
os.environ.setdefault("BIANMIN_ALLOWED_HOSTS", "localhost,testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Pages render {% static %} without a collectstatic manifest here (the bench measures the views, not files).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bianmin.cases.models import Case  # noqa: E402
from bianmin.regions.models import Region  # noqa: E402
from bianmin.stats.models import CenterDay, Fact  # noqa: E402

COUNTY, FAMEN = "610324000000", "610324106000"


def measure(client: Client, path: str, n: int, headers=None) -> tuple[float, float]:
    client.get(path, headers=headers or {})  # warm
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_STATS_REQUESTS", 40)))
    parser.add_argument("--rebuild", action="store_true", help="rebuild the rollups first (timed)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code=COUNTY).exists():
        call_command("load_demo", "--no-cases", verbosity=0)
    if not TARGET:
        count = int(os.environ.get("BENCH_STATS_CASES", 20_000))
        start = time.perf_counter()
        call_command("generate_cases", "--count", str(count), verbosity=0)
        print(f"generate_cases {count:,} (with the rollup rebuild): {time.perf_counter() - start:.1f} s")
    elif args.rebuild:
        start = time.perf_counter()
        call_command("rebuild_stats", verbosity=0)
        print(f"rebuild_stats: {time.perf_counter() - start:.1f} s")
    print(
        f"cases: {Case.objects.count():,}  Fact rows: {Fact.objects.count():,}  CenterDay rows: {CenterDay.objects.count():,}"
    )
    supervisor, director = Client(), Client()
    assert supervisor.login(username="fufeng_supervisor", password="Demo@2026")
    assert director.login(username="famen_director", password="Demo@2026")
    token = supervisor.post(
        "/api/v1/auth/token",
        {"username": "fufeng_supervisor", "password": "Demo@2026"},
        content_type="application/json",
    ).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    api = Client()
    year = "from=2025-12-01&to=2026-11-30"
    cases = [
        ("dashboard county (supervisor, this month)", supervisor, f"/stats/?region={COUNTY}", None),
        ("dashboard county (supervisor, 12 months)", supervisor, f"/stats/?region={COUNTY}&{year}", None),
        ("dashboard township (director, this month)", director, "/stats/", None),
        ("dashboard township (director, 12 months)", director, f"/stats/?{year}", None),
        ("API /stats county (12 months)", api, f"/api/v1/stats?region={COUNTY}&{year}", bearer),
        ("API /stats group_by=region", api, f"/api/v1/stats?region={COUNTY}&{year}&group_by=region", bearer),
        ("API /stats group_by=month", api, f"/api/v1/stats?region={COUNTY}&{year}&group_by=month", bearer),
        ("API /stats group_by=staff", api, f"/api/v1/stats?region={COUNTY}&{year}&group_by=staff", bearer),
        ("API /stats group_by=item", api, f"/api/v1/stats?region={COUNTY}&{year}&group_by=item", bearer),
        (
            "API /stats level=village",
            api,
            f"/api/v1/stats?region={FAMEN}&{year}&group_by=region&level=village",
            bearer,
        ),
        (
            "case list behind overdue (county)",
            supervisor,
            f"/stats/cases/?indicator=overdue_open&region={COUNTY}",
            None,
        ),
    ]
    print(f"{'request':48} {'p50 ms':>8} {'p95 ms':>8}   ({args.requests} requests each, in-process client)")
    for label, client, path, headers in cases:
        p50, p95 = measure(client, path, args.requests, headers)
        print(f"{label:48} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
