"""The 电子监察 sweep over generated cases: wall time and peak memory of `manage.py supervise`, twice.

Default: a throwaway SQLite database with the demo county and 20,000 generated cases. With
SWEEP_BENCH_DATABASE_URL set (e.g. a clone of a 1,000,000-case PostgreSQL database — never the original:
the sweep writes its findings), that database is migrated and swept as it is. At 1M cases on PostgreSQL
(2 vCPUs, busy machine): first run 20.7 s wall / 146 MB peak RSS, the second run of the day 9.3 s and
nothing new; of that, ~8 s is starting Django (`manage.py check` alone takes as long there).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("SWEEP_BENCH_COUNT", "20000"))
DAY = os.environ.get("SWEEP_BENCH_DATE", "2026-11-30")


def manage(env, *args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    env = dict(os.environ)
    url = os.environ.get("SWEEP_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        if url:
            env["DATABASE_URL"] = url
            manage(env, "migrate", "--noinput", "-v0")
        else:
            env["BIANMIN_VAR_DIR"] = tmp
            env.pop("DATABASE_URL", None)
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "load_demo", "-v0")
            print(f"   generating {COUNT} cases …", flush=True)
            manage(env, "generate_cases", "--count", str(COUNT), "--seed", "1", "-v0")
        for run in (1, 2):
            seconds = manage(env, "supervise", "--date", DAY)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"   sweep {run}: {seconds:.1f} s wall, peak RSS so far {peak:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
