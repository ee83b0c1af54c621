"""django-helpdesk 2.6.x beside us: its own venv, its own database on the same PostgreSQL server, same wrk.

Sets up PEER_VENV (default /work/peer/venv: `pip install "django-helpdesk>=2.6,<2.7" gunicorn` from the
registry) when missing, makes a throwaway database through BENCH_PG_ADMIN_URL, loads --tickets tickets in
bulk, serves it with gunicorn (same workers as ours), and measures: ticket lifecycles/s through its API
(create, resolve, close) at each client count; p50/p95/p99 of its queue list (the datatables JSON behind
its ticket table, first 20, newest first) and of a ticket page. Prints one JSON line."""

import argparse
import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from lifecycle_bench import PG_ADMIN_DEFAULT, WRK, free_port, request, session, wrk  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--read-seconds", type=float, default=5)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    venv = Path(os.environ.get("PEER_VENV", "/work/peer/venv"))
    if not (venv / "bin" / "gunicorn").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([venv / "bin" / "pip", "install", "-q", "django-helpdesk>=2.6,<2.7", "psycopg[binary]",
                        "gunicorn"], check=True)  # fmt: skip
    import psycopg

    admin = os.environ.get("BENCH_PG_ADMIN_URL", PG_ADMIN_DEFAULT)
    name = f"peer_helpdesk_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    env = {**os.environ, "PEER_DATABASE_URL": admin.rsplit("/", 1)[0] + "/" + name,
           "PEER_STATIC_ROOT": f"/tmp/{name}-static"}  # fmt: skip
    python = str(venv / "bin" / "python")
    out, procs = {"tickets": args.tickets, "lifecycle": {}, "reads": {}}, []
    try:
        quiet = {"cwd": HERE, "env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([python, "manage.py", "migrate", "-v0"], **quiet)
        subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], **quiet)
        loaded = subprocess.run([python, "manage.py", "load_tickets", "--count", str(args.tickets)], cwd=HERE,
                                env=env, check=True, capture_output=True, text=True).stdout  # fmt: skip
        fields = dict(part.split("=") for part in loaded.split())
        port = free_port()
        procs.append(subprocess.Popen([str(venv / "bin" / "gunicorn"), "peer_site.wsgi", "--bind", f"127.0.0.1:{port}",
                                       "--workers", str(args.workers), "--log-level", "warning"], cwd=HERE, env=env))  # fmt: skip
        for _ in range(600):
            try:
                request(port, "GET", "/login/")
                break
            except OSError:
                time.sleep(0.1)
        cookie = session(port, "bench", password="bench-pass-1", login="/login/", code=302)
        for clients in (int(c) for c in args.clients.split(",")):
            r = wrk(["-t", str(clients), "-c", str(clients), "-s", str(WRK / "peer_lifecycle.lua"),
                     f"http://127.0.0.1:{port}", "--", fields["TOKEN"], fields["QUEUE"]], args.seconds)  # fmt: skip
            r["rate"] = r["lifecycles"] / r["seconds"]
            out["lifecycle"][str(clients)] = r
        query = base64.b64encode(json.dumps({"filtering": {"queue__id__in": [int(fields["QUEUE"])]},
                                             "sorting": "created", "sortreverse": True}).encode()).decode()  # fmt: skip
        newest = int(fields["TICKETS"])
        for label, path in (("queue list (datatables JSON, first 20)",
                             f"/datatables_ticket_list/{query}?draw=1&start=0&length=20"),
                            ("ticket page", f"/tickets/{max(1, newest // 2)}/")):  # fmt: skip
            try:
                status = request(port, "GET", path, headers={"Cookie": cookie})[0]
            except TimeoutError:
                status = "no answer within 60 s"
            r = wrk(["-t", "1", "-c", "1", "-s", str(WRK / "get.lua"), "-H", f"Cookie: {cookie}",
                     f"http://127.0.0.1:{port}{path}"], args.read_seconds)  # fmt: skip
            r["status"] = status
            out["reads"][label] = r
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=60)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
