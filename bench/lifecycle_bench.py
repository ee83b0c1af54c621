"""Scale and speed side by side: our lifecycles/s and list latencies, the raw-SQL floor, the peer, DIGIT.

Runs the production setup on loopback — gunicorn + a huey consumer — against SQLite (a throwaway file)
and PostgreSQL (a throwaway database made through BENCH_PG_ADMIN_URL, or an existing one named by
--database-url, e.g. a clone of the 1,000,000-case database), and drives it with wrk (Debian's `wrk`,
bench/wrk/*.lua):

- full lifecycles/s (intake → accept → complete → deliver, 4 HTTP requests) with 1, 8 and 32 clients,
  every answer checked (errors must be 0), then the case numbers made during the run are checked in the
  database: unique, and gapless per center and day, continuing from the numbers that were there before;
- p50/p95/p99 of the lists people open all day (clerk inbox, approver queue, supervisor overdue list,
  scoped list with filters, public tracking, catalog search) and, when `bianmin.stats` is installed,
  the dashboards and the stats API (rows marked "not installed" until then);
- the floor: the same lifecycle as the minimal raw SQL a lifecycle must run (the counter, the case row,
  one event per step, the locking read and update per step), through psycopg / sqlite3, same database;
- the peer: django-helpdesk 2.6.x (bench/peer/), when `bench/peer/run.py` can set it up;
- DIGIT's published figure for reference.

Ratios first, absolute numbers second. Bounded in time: BENCH_SECONDS (default 8) per measurement.

    .venv/bin/python bench/lifecycle_bench.py [--seconds 8] [--clients 1,8,32] [--databases sqlite,postgresql]
        [--database-url postgres://…/bench1m --no-load] [--workers 2] [--threads 1] [--nodes 1]

Several app nodes on one database: `--nodes 2` starts two gunicorn masters (own ports) and two huey
consumers, and spreads the clients over them; with BIANMIN_HUEY_URL=redis://127.0.0.1:6379/0 the
consumers share one Redis queue (docs/scaling.md). `--partitioned` runs PostgreSQL with cases_case
partitioned by county (BIANMIN_PARTITION_CASES=county for migrate, the servers and the consumers) and
prints the rows per partition after the number check.
"""

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = Path(__file__).resolve().parent / "wrk"
PROMISED = "MZ05004-610324106000"  # 高龄津贴: 民政 decides, promised item (API.md demo catalog)
FAMEN, COUNTY = "610324106000", "610324000000"
# eGov DIGIT PGR's published figures (16 vCPU / 32 GB): full complaint lifecycles per second.
DIGIT = {"empty": 37.0, "1M": 6.3}
PG_ADMIN_DEFAULT = "postgres://bianmin:bianmin@127.0.0.1:5499/postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.getheaders(), response.read()


def api(port, method, path, data=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, _, body = request(port, method, path, json.dumps(data) if data is not None else None, headers)
    return status, json.loads(body or b"{}")


def token(port: int, username: str) -> str:
    status, body = api(port, "POST", "/api/v1/auth/token", {"username": username, "password": "Demo@2026"})
    assert status == 200, body
    return body["token"]


def session(
    port: int, username: str, password: str = "Demo@2026", login: str = "/accounts/login/", code=302
) -> str:
    """A browser session for the HTML pages: the login form, CSRF and all."""
    status, headers, page = request(port, "GET", login)
    cookies = "; ".join(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie")
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    status, headers, _ = request(port, "POST", login, form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies,
        "Referer": f"http://127.0.0.1:{port}{login}"})  # fmt: skip
    assert status == code, status
    return "; ".join(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie")


def intake_body(port: int) -> dict:
    _, item = api(port, "GET", f"/api/v1/items/{PROMISED}")
    answers = {}
    for f in item["fields"]:
        if f["datatype"] == "date":
            answers[f["code"]] = "1941-06-15"
        elif f["datatype"] == "number":
            answers[f["code"]] = 3
        elif f["choices"]:
            first = f["choices"][0]
            value = str(first.get("value", first.get("label"))) if isinstance(first, dict) else str(first)
            answers[f["code"]] = [value] if f["datatype"] == "multi_choice" else value
        else:
            answers[f["code"]] = "生活困难"
    return {
        "item": PROMISED,
        "channel": "window",
        "applicant": {"kind": "person", "name": "张秀兰", "id_number": "610324194106150015",
                      "phone": "13912345678", "address": "扶风县法门镇法门村"},
        "answers": answers,
        "materials": [{"material": m["id"], "originals": m["originals"], "copies": m["copies"]}
                      for m in item["materials"]],
    }  # fmt: skip


def lifecycle_once(port, clerk, approver, body) -> dict:
    status, case = api(port, "POST", "/api/v1/cases", body, clerk)
    assert status == 201, case
    for who, action, data in ((clerk, "accept", {}), (approver, "complete", {"outcome": "approved"}),
                              (clerk, "deliver", {"method": "window"})):  # fmt: skip
        status, answer = api(port, "POST", f"/api/v1/cases/{case['number']}/actions/{action}", data, who)
        assert status == 200, (action, answer)
    return case


def parse_result(output: str) -> dict:
    line = next((ln for ln in output.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{output}")
    return {k: float(v) for k, v in (part.split("=") for part in line.split()[1:])}


def wrk(args: list[str], seconds: float) -> dict:
    done = subprocess.run(["wrk", "--timeout", "30s", "-d", f"{max(1, round(seconds))}s", *args], capture_output=True,
                          text=True, timeout=seconds + 120)  # fmt: skip
    return parse_result(done.stdout + done.stderr)


# ---------------------------------------------------------------------------------------------- database


class Database:
    """A DB-API connection to the bench database, for the floor and the number check."""

    def __init__(self, url: str, var: Path):
        self.postgres = url.startswith("postgres")
        self.url, self.var = url, var

    def connect(self):
        if self.postgres:
            import psycopg

            # Commits wait for the WAL like ours do (bianmin/settings.py asks for synchronous_commit=on).
            return psycopg.connect(self.url, autocommit=True, options="-c synchronous_commit=on")
        path = self.url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def sql(self, text: str) -> str:
        return text if self.postgres else text.replace("%s", "?")

    def rows(self, conn, text, params=()):
        return list(conn.execute(self.sql(text), params).fetchall())

    def columns(self, conn, table: str) -> list[str]:
        if self.postgres:
            found = self.rows(conn, "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                    "ORDER BY ordinal_position", (table,))  # fmt: skip
            return [r[0] for r in found]
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})").fetchall()]


def numbers_after(db: Database, before_id: int) -> str:
    """Numbers made after `before_id`: unique, and per center-and-day prefix gapless from what was there."""
    conn = db.connect()
    new = [r[0] for r in db.rows(conn, "SELECT number FROM cases_case WHERE id > %s AND number NOT LIKE %s",
                                 (before_id, "FLOOR-%"))]  # fmt: skip
    problems, by_prefix = [], {}
    if len(set(new)) != len(new):
        problems.append("duplicate numbers")
    for number in new:
        prefix, tail = number.rsplit("-", 1)
        by_prefix.setdefault(prefix, []).append(int(tail))
    for prefix, tails in by_prefix.items():
        old = db.rows(conn, "SELECT number FROM cases_case WHERE id <= %s AND number LIKE %s",
                      (before_id, prefix + "-%"))  # fmt: skip
        start = max((int(n.rsplit("-", 1)[1]) for (n,) in old), default=0) + 1
        tails.sort()
        if tails != list(range(start, start + len(tails))):
            problems.append(f"gap in {prefix}: {start}..{start + len(tails) - 1} expected")
    conn.close()
    if problems:
        raise AssertionError("; ".join(problems))
    return f"{len(new)} new case numbers over {len(by_prefix)} center-days: unique and gapless"


def partitions(db: Database) -> list[tuple[str, int]]:
    """(partition, rows) of cases_case; fails when the table is not partitioned."""
    conn = db.connect()
    kind = db.rows(conn, "SELECT relkind FROM pg_class WHERE oid = 'cases_case'::regclass")[0][0]
    if kind != "p":
        raise AssertionError("--partitioned, but cases_case is a plain table")
    counts = dict(db.rows(conn, "SELECT tableoid::regclass::text, COUNT(*) FROM cases_case GROUP BY 1"))
    names = db.rows(conn, "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'cases_case'::regclass "
                          "ORDER BY 1")  # fmt: skip
    conn.close()
    return [(name, counts.get(name, 0)) for (name,) in names]


def max_case_id(db: Database) -> int:
    conn = db.connect()
    value = db.rows(conn, "SELECT COALESCE(MAX(id), 0) FROM cases_case")[0][0]
    conn.close()
    return value


# ------------------------------------------------------------------------------------------------ floor


def floor(db: Database, template: str, clients: int, seconds: float) -> dict:
    """The same lifecycle as the minimal SQL it must run, committed like ours (4 transactions):

    intake: bump the center-day counter, insert the case (every column, all its indexes), insert the
    event; accept / complete / deliver: read and lock the case by number, update state and version,
    insert the event. Events carry the hash chain like ours (sha256 over the previous hash)."""
    setup = db.connect()
    case_cols = [c for c in db.columns(setup, "cases_case") if c != "id"]
    event_cols = [c for c in db.columns(setup, "cases_event") if c != "id"]
    case_id, center_id = db.rows(
        setup, "SELECT id, center_id FROM cases_case WHERE number = %s", (template,)
    )[0]
    event_id = db.rows(setup, "SELECT MIN(id) FROM cases_event WHERE case_id = %s", (case_id,))[0][0]
    setup.close()
    override_case = {"number": "%s", "state": "%s", "version": "1"}
    case_select = ", ".join(override_case.get(c, c) for c in case_cols)
    insert_case = db.sql(f"INSERT INTO cases_case ({', '.join(case_cols)}) SELECT {case_select} "
                         f"FROM cases_case WHERE id = {case_id} RETURNING id")  # fmt: skip
    override_event = {"case_id": "%s", "at": "%s", "action": "%s", "from_state": "%s", "to_state": "%s",
                      "prev_hash": "%s", "hash": "%s"}  # fmt: skip
    event_select = ", ".join(override_event.get(c, c) for c in event_cols)
    event_params = [c for c in event_cols if c in override_event]
    insert_event = db.sql(f"INSERT INTO cases_event ({', '.join(event_cols)}) SELECT {event_select} "
                          f"FROM cases_event WHERE id = {event_id}")  # fmt: skip
    counter = db.sql("INSERT INTO cases_casecounter (center_id, day, last) VALUES (%s, %s, 1) "
                     "ON CONFLICT (center_id, day) DO UPDATE SET last = cases_casecounter.last + 1 RETURNING last")  # fmt: skip
    lock = db.sql(
        "SELECT id, state, version FROM cases_case WHERE number = %s" + (" FOR UPDATE" if db.postgres else "")
    )
    update = db.sql("UPDATE cases_case SET state = %s, version = version + 1 WHERE id = %s")
    begin = "BEGIN" if db.postgres else "BEGIN IMMEDIATE"
    stop = time.monotonic() + seconds
    done = [0] * clients
    day = dt.date(1900, 1, 1) + dt.timedelta(days=int(time.time()) % 20000)

    def event(conn, case, action, from_state, to_state, prev):
        at = dt.datetime.now(dt.UTC)
        digest = hashlib.sha256(
            f"{prev}|{case}|{action}|{from_state}|{to_state}|{at.isoformat()}".encode()
        ).hexdigest()
        values = {"case_id": case, "at": at if db.postgres else at.isoformat(" "), "action": action,
                  "from_state": from_state, "to_state": to_state, "prev_hash": prev, "hash": digest}  # fmt: skip
        conn.execute(insert_event, [values[c] for c in event_params])
        return digest

    def worker(i):
        conn = db.connect()
        while time.monotonic() < stop:
            conn.execute(begin)
            last = conn.execute(counter, (center_id, day if db.postgres else day.isoformat())).fetchone()[0]
            number = f"FLOOR-{day:%Y%m%d}-{last:07d}"
            new_id = conn.execute(insert_case, (number, "received")).fetchone()[0]
            prev = event(conn, new_id, "receive", "", "received", "")
            conn.execute("COMMIT")
            for action, to_state in (
                ("accept", "accepted"),
                ("complete", "completed"),
                ("deliver", "delivered"),
            ):
                conn.execute(begin)
                found, state, _ = conn.execute(lock, (number,)).fetchone()
                conn.execute(update, (to_state, found))
                prev = event(conn, found, action, state, to_state, prev)
                conn.execute("COMMIT")
            done[i] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"lifecycles": sum(done), "seconds": time.monotonic() - started}


# ------------------------------------------------------------------------------------------------- runs


def prepare(kind: str, args, var: Path) -> tuple[dict, Database, callable]:
    """The environment for one database, migrated and with the demo county; and how to clean up."""
    env = {**os.environ, "BIANMIN_VAR_DIR": str(var), "BIANMIN_DEBUG": "0", "BIANMIN_SECRET_KEY": "bench-" * 8,
           "BIANMIN_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
    env.pop("BIANMIN_NOW", None)
    if args.partitioned and kind == "postgresql":
        env["BIANMIN_PARTITION_CASES"] = "county"  # migrate converts the table; the servers run on it
    cleanup = lambda: None  # noqa: E731
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var / 'bianmin.sqlite3'}"
    elif args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        import psycopg

        admin = os.environ.get("BENCH_PG_ADMIN_URL", PG_ADMIN_DEFAULT)
        name = f"bench_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = admin.rsplit("/", 1)[0] + "/" + name

        def cleanup():
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    python = sys.executable
    commands = [["collectstatic", "--noinput", "-v0"], ["migrate", "-v0"]] + (
        [] if args.no_load and kind != "sqlite" else [["load_demo", "--no-cases", "-v0"]]
    )
    for command in commands:
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    return env, Database(env["DATABASE_URL"], var), cleanup


def serve(env: dict, workers: int, threads: int, nodes: int = 1) -> tuple[list[int], list]:
    """`nodes` gunicorn masters (each its own port, like separate app servers) and as many huey consumers."""
    python, ports, procs = sys.executable, [], []
    for _ in range(nodes):
        port = free_port()
        procs.append(subprocess.Popen(
            [str(Path(python).parent / "gunicorn"), "bianmin.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--no-control-socket", "--log-level", "warning"],
            cwd=ROOT, env=env,
        ))  # fmt: skip
        procs.append(subprocess.Popen([python, "manage.py", "run_huey", "--workers", "1"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        ports.append(port)
    for port in ports:
        for _ in range(600):
            try:
                if request(port, "GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            for proc in procs:
                proc.terminate()
            raise RuntimeError("gunicorn did not answer /api/v1/health within 60 s")
    return ports, procs


def wrk_lifecycles(ports: list[int], clients: int, tokens: dict, body_file: Path, seconds: float) -> dict:
    """The clients spread over the app nodes, one wrk per node, all at once; their counts summed."""
    shares = [clients // len(ports) + (1 if i < clients % len(ports) else 0) for i in range(len(ports))]
    runs = [(p, n) for p, n in zip(ports, shares, strict=True) if n]
    found: list[dict] = [{} for _ in runs]

    def one(i, port, n):
        found[i] = wrk(["-t", str(n), "-c", str(n), "-s", str(WRK / "lifecycle.lua"), f"http://127.0.0.1:{port}",
                        "--", tokens["famen_clerk"], tokens["famen_minzheng"], str(body_file)], seconds)  # fmt: skip

    threads = [threading.Thread(target=one, args=(i, p, n)) for i, (p, n) in enumerate(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = {
        k: sum(r[k] for r in found) for k in ("lifecycles", "created", "errors", "socket_errors", "requests")
    }
    total["seconds"] = max(r["seconds"] for r in found)
    for k in ("p50", "p95", "p99"):
        total[k] = max(r[k] for r in found)
    return total


def reads(port: int, tokens: dict, cookies: dict, tracked: tuple[str, str], today: dt.date) -> list[tuple]:
    """(label, path, headers): the lists people open all day, and the stats rows when the app exists."""
    bearer = lambda who: {"Authorization": f"Bearer {tokens[who]}"}  # noqa: E731
    month = (today - dt.timedelta(days=30)).isoformat()
    rows = [
        ("clerk inbox (page, to-decide)", "/cases/queue/to-decide/", {"Cookie": cookies["famen_clerk"]}),
        ("approver queue (page, department)", "/cases/queue/department/", {"Cookie": cookies["famen_minzheng"]}),
        ("supervisor overdue (API, warning=red)", "/api/v1/cases?warning=red", bearer("fufeng_supervisor")),
        ("supervisor overdue (page, subtree red)", "/cases/queue/subtree/?warning=red",
         {"Cookie": cookies["fufeng_supervisor"]}),
        ("scoped list + filters (API)", f"/api/v1/cases?state=accepted&received_from={month}", bearer("famen_clerk")),
        ("public tracking (API)", f"/api/v1/track/{tracked[0]}?code={tracked[1]}", {}),
        ("catalog search (API, q=dbsq)", f"/api/v1/items?region={FAMEN}&q=dbsq", {}),
    ]  # fmt: skip
    # The statistics app (issue 16): measured when this checkout has it. (Checked on disk: the harness runs
    # from bench/, where `import bianmin` is not on the path.)
    if not (ROOT / "bianmin" / "stats" / "apps.py").is_file():
        rows += [("dashboard (page)", None, None), ("stats API", None, None)]
    else:
        year = f"from={today.replace(month=1, day=1)}&to={today}"
        rows += [("dashboard (page)", "/stats/", {"Cookie": cookies["fufeng_supervisor"]}),
                 ("stats API", f"/api/v1/stats?region={COUNTY}&{year}", bearer("fufeng_supervisor"))]  # fmt: skip
    return rows


def run_database(kind: str, args, results: dict) -> None:
    var = Path(tempfile.mkdtemp(prefix=f"bianmin-bench-{kind}-"))
    env, db, cleanup = prepare(kind, args, var)
    ports, procs = serve(env, args.workers, args.threads, args.nodes)
    port = ports[0]
    out = results.setdefault(kind, {"reads": {}, "lifecycle": {}, "floor": {}})
    try:
        who = ["famen_clerk", "famen_minzheng", "fufeng_supervisor"]
        tokens = {u: token(port, u) for u in who}
        cookies = {u: session(port, u) for u in who}
        body = intake_body(port)
        body_file = var / "intake.json"
        body_file.write_text(json.dumps(body, ensure_ascii=False))
        for _ in range(2 * args.workers):  # warm every worker
            case = lifecycle_once(port, tokens["famen_clerk"], tokens["famen_minzheng"], body)
        out["cases"] = db.rows(c := db.connect(), "SELECT COUNT(*) FROM cases_case")[0][0]
        c.close()
        print(f"-- {kind}: {out['cases']:,} cases; {args.nodes} node(s) × gunicorn {args.workers} workers × {args.threads} threads; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        before = max_case_id(db)
        for clients in args.clients:
            r = wrk_lifecycles(ports, clients, tokens, body_file, args.seconds)
            r["rate"] = r["lifecycles"] / r["seconds"]
            r["load"] = os.getloadavg()[0]
            out["lifecycle"][clients] = r
            print(f"   {clients:>2} clients: {r['rate']:6.1f} lifecycles/s, {int(r['errors'] + r['socket_errors'])} "
                  f"errors, request p50/p95/p99 {r['p50']:.0f}/{r['p95']:.0f}/{r['p99']:.0f} ms", flush=True)  # fmt: skip
        out["numbers"] = numbers_after(db, before)
        print(f"   {out['numbers']}", flush=True)
        if args.partitioned and db.postgres:
            out["partitions"] = partitions(db)
            rows = ", ".join(f"{name} {count:,}" for name, count in out["partitions"])
            print(f"   cases_case partitioned by county: {rows} rows", flush=True)
        today = dt.date.today()
        for label, path, headers in reads(port, tokens, cookies, (case["number"], case["query_code"]), today):
            if path is None:
                out["reads"][label] = None
                continue
            status = request(port, "GET", path, headers=headers)[0]
            flags = [x for k, v in headers.items() for x in ("-H", f"{k}: {v}")]
            r = wrk(["-t", "1", "-c", str(args.read_clients), "-s", str(WRK / "get.lua"), *flags,
                     f"http://127.0.0.1:{port}{path}"], args.read_seconds)  # fmt: skip
            r["status"] = status
            out["reads"][label] = r
            print(f"   {label:<42} p50/p95/p99 {r['p50']:6.1f} {r['p95']:6.1f} {r['p99']:6.1f} ms "
                  f"(HTTP {status}, {int(r['status_errors'] + r['socket_errors'])} errors)", flush=True)  # fmt: skip
        for proc in procs:  # the floor runs alone, like ours did
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
        procs = []
        for clients in sorted({1, *args.clients}):
            r = floor(db, case["number"], clients, args.seconds)
            r["rate"] = r["lifecycles"] / r["seconds"]
            out["floor"][clients] = r
            print(f"   floor, {clients} clients: {r['rate']:7.1f} lifecycles/s", flush=True)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=60)
        cleanup()
        shutil.rmtree(var, ignore_errors=True)


def peer(args, tickets: int) -> dict | None:
    """django-helpdesk in its own venv (bench/peer/run.py): {'create': rate, 'list': {...}, 'view': {...}}."""
    script = Path(__file__).resolve().parent / "peer" / "run.py"
    if args.no_peer or not script.exists():
        return None
    print(f"-- django-helpdesk with {tickets:,} tickets; load average {os.getloadavg()[0]:.1f}", flush=True)
    command = [sys.executable, str(script), "--seconds", str(args.seconds), "--read-seconds", str(args.read_seconds),
               "--tickets", str(tickets), "--workers", str(args.workers), "--clients", ",".join(map(str, args.clients))]  # fmt: skip
    done = subprocess.run(command,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        print(f"   peer failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(results: dict, helpdesk: dict | None, args) -> None:
    print("\n== side by side (ratios first; absolute numbers below)")
    for kind, out in results.items():
        size = "1M" if out.get("cases", 0) >= 500_000 else "empty"
        print(f"\n{kind}, {out.get('cases', 0):,} cases")
        print(f"  {'clients':>7} | {'ours/s':>7} | {'floor/s':>8} | {'floor÷ours':>10} | {'ours÷DIGIT':>10} "
              f"| {'ours÷helpdesk':>13}")  # fmt: skip
        for clients, r in out["lifecycle"].items():
            fl = out["floor"].get(clients)
            theirs = (helpdesk or {}).get("lifecycle", {}).get(str(clients)) if kind == "postgresql" else None
            if theirs is None:
                versus = "not measured"
            else:
                versus = f"{r['rate'] / theirs['rate']:.2f}×" if theirs["rate"] else "peer: 0 done"
            floor_rate = f"{fl['rate']:8.1f}" if fl else f"{'—':>8}"
            over = f"{fl['rate'] / r['rate']:9.1f}×" if fl and r["rate"] else f"{'—':>10}"
            print(
                f"  {clients:>7} | {r['rate']:7.1f} | {floor_rate} | {over} | {r['rate'] / DIGIT[size]:9.2f}× | {versus:>13}"
            )
        print(f"  DIGIT published ({size}): {DIGIT[size]} lifecycles/s on 16 vCPU; target ≥ 100/s at 8 clients, "
              f"≤ 3× floor")  # fmt: skip
        print(f"  {'read':<42} | {'p50':>6} | {'p95':>6} | {'p99':>6} | target")
        for label, r in out["reads"].items():
            if r is None:
                print(f"  {label:<42} | not installed (bianmin.stats, issue 16): measured once it is merged")
                continue
            target = (
                "p95 ≤ 30 ms"
                if "inbox" in label
                else ("p95 ≤ 200 ms" if "dash" in label or "stats" in label else "")
            )
            print(f"  {label:<42} | {r['p50']:6.1f} | {r['p95']:6.1f} | {r['p99']:6.1f} | {target}")
    if helpdesk:
        print(
            "\ndjango-helpdesk (same wrk, same PostgreSQL server):", json.dumps(helpdesk, ensure_ascii=False)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 8)))
    parser.add_argument("--read-seconds", type=float, default=float(os.environ.get("BENCH_READ_SECONDS", 5)))
    parser.add_argument("--read-clients", type=int, default=1)
    parser.add_argument("--clients", default=os.environ.get("BENCH_CLIENTS", "1,8,32"))
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql"))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="an existing PostgreSQL database (e.g. the 1M clone) instead of a throwaway one")  # fmt: skip
    parser.add_argument("--no-load", action="store_true", help="the database already holds the demo county")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--nodes", type=int, default=1, help="app nodes: gunicorn masters + huey consumers")
    parser.add_argument("--partitioned", action="store_true",
                        help="PostgreSQL with cases_case partitioned by county (BIANMIN_PARTITION_CASES=county)")  # fmt: skip
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",")]
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (Debian)")
        return 1
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if "postgresql" in kinds and not args.database_url:
        import psycopg

        admin = os.environ.get("BENCH_PG_ADMIN_URL", PG_ADMIN_DEFAULT)
        try:
            psycopg.connect(admin, connect_timeout=3).close()
        except psycopg.Error as exc:
            print(
                f"PostgreSQL skipped: cannot reach BENCH_PG_ADMIN_URL ({exc.__class__.__name__}); SQLite only"
            )
            kinds.remove("postgresql")
    results = {}
    for kind in kinds:
        run_database(kind, args, results)
    helpdesk = peer(args, results.get("postgresql", {}).get("cases", 0))
    table(results, helpdesk, args)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"results": results, "helpdesk": helpdesk}, indent=1, default=str)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
