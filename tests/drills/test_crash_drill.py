"""Crash drills (issue 10): a real server under load is killed, restarted, and nothing acknowledged is lost.

Each drill prepares its own database (a temporary SQLite file, or a throwaway PostgreSQL database when
DATABASE_URL is PostgreSQL) with `migrate` and `load_demo --no-cases`, starts gunicorn and the huey
consumer on a free loopback port (as scripts/serve.sh does), and lets eight clients receive and act on
cases through the HTTP API as 法门镇's clerk — retrying lost requests with the same Idempotency-Key, and
re-reading a case before repeating an action. Mid-run it kills gunicorn and huey (whole process groups,
SIGKILL), or restarts PostgreSQL with `pg_ctl restart -m immediate`. Afterwards: every acknowledged case is
there once, numbers are gapless per center and day, the timeline's hash chain verifies, and every message
for those cases was sent exactly once.
"""

import http.client
import json
import os
import pwd
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.drill

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
PASSWORD = "Demo@2026"
FAMEN = "610324106000"
CLIENTS, CASES_PER_CLIENT = 8, 6
DRILL_SECONDS = 120  # each client gives up after this: a drill never hangs the suite (it bounds hangs;
# a run takes 15–25 s, more when the other suite and Chromium share the two cores)

# What the database holds afterwards, as JSON, read by a process of its own against the drill's database.
INSPECT = """
import json
import django
django.setup()
from bianmin.cases.models import Case, Event, IdempotencyKey
from bianmin.cases.notices import ACTIONS
from bianmin.messaging.models import Message
cases = list(Case.objects.filter(center__code="61032410600001").values_list("id", "number", "state"))
ids = [c[0] for c in cases]
print(json.dumps({
    "cases": cases,
    "keys": list(IdempotencyKey.objects.filter(case_id__in=ids).values_list("key", "case__number")),
    "told": list(Event.objects.filter(case_id__in=ids, action__in=ACTIONS).values_list("id", flat=True)),
    "messages": list(Message.objects.filter(case_id__in=ids).values_list("key", "state", "attempts")),
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="bianmin.settings",
        DATABASE_URL=database_url,
        BIANMIN_VAR_DIR=str(tmp_path / "var"),
        BIANMIN_MEDIA_ROOT=str(tmp_path / "media"),
        BIANMIN_DEBUG="0",
        BIANMIN_SMS_BACKEND="outbox",
        # The drill logs in many times from one address; the throttle is not what is drilled.
        BIANMIN_LOGIN_ADDRESS_CEILING="10000",
    )
    return env


def _manage(env: dict, *args: str, timeout: int = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Server:
    """gunicorn (two workers) and the huey consumer, each in its own process group, as scripts/serve.sh runs them."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.port = env, logs, _free_port()
        self.processes: list[subprocess.Popen] = []
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        web = [
            sys.executable, "-m", "gunicorn", "bianmin.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", "2", "--graceful-timeout", "2", "--timeout", "30", "--no-control-socket",
        ]  # fmt: skip
        worker = [sys.executable, "manage.py", "run_huey", "--workers", "2"]
        for name, argv in (("gunicorn", web), ("huey", worker)):
            log = open(self.logs / f"{name}-{self.starts}.log", "w")  # noqa: SIM115 (closed with the process)
            self.processes.append(
                subprocess.Popen(
                    argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
            log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                if request(self.port, "GET", "/api/v1/health")[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, self.log_tail()
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL both process groups: the master and its workers, the consumer and its threads."""
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)
        self.processes = []

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes = []

    def log_tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.logs.glob("*.log")))


def request(port: int, method: str, path: str, body=None, headers=None, timeout: float = 15):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(
            method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})}
        )
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data.startswith((b"{", b"[")) else data
    finally:
        conn.close()


class Lost(Exception):
    """The answer never came (connection refused or cut, timeout, a 5xx): the outcome is unknown."""


class Clerk:
    """One client: receives cases and acts on them, retrying what was lost, until its deadline."""

    def __init__(self, port: int, token: str, items: dict, name: str, deadline: float):
        self.port, self.token, self.items, self.name, self.deadline = port, token, items, name, deadline
        self.acknowledged: dict[str, str] = {}  # Idempotency-Key → case number, once a 200/201 came back
        self.done: dict[str, str] = {}  # case number → the state the client brought it to
        self.lost = 0
        # Of the lost answers, those that were a 5xx by status (the rest: no answer at all).
        self.server_errors: Counter = Counter()
        self.errors: list[str] = []

    def call(self, method, path, body=None, headers=None):
        try:
            status, data = request(
                self.port, method, path, body, {"Authorization": f"Bearer {self.token}", **(headers or {})}
            )
        except OSError as exc:  # refused, reset, timed out, remote closed
            raise Lost(repr(exc)) from exc
        except http.client.HTTPException as exc:
            raise Lost(repr(exc)) from exc
        if status >= 500:
            self.server_errors[status] += 1
            raise Lost(f"{status} {str(data)[:200]}")
        return status, data

    def retrying(self, step):
        while True:
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"{self.name}: gave up at the drill's deadline")
            try:
                return step()
            except Lost:
                self.lost += 1
                time.sleep(0.2)

    def run(self, count: int) -> None:
        try:
            for n in range(count):
                kind = "instant" if n % 2 else "promised"
                self.one_case(kind, f"drill-{self.name}-{n}-{uuid.uuid4().hex[:6]}")
        except Exception as exc:  # reported by the test, with every other client's result
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def one_case(self, kind: str, key: str) -> None:
        body = self.items[kind]

        def create():
            status, data = self.call("POST", "/api/v1/cases", body, {"Idempotency-Key": key})
            assert status in (200, 201), (status, data)
            return data

        case = self.retrying(create)
        self.acknowledged[key] = case["number"]
        number = case["number"]
        self.act(number, "accept", {}, "received")
        state = "accepted"
        if kind == "instant":
            self.act(number, "complete", {"outcome": "approved", "result": "当场办结"}, "accepted")
            state = "completed"
        self.done[number] = state

    def act(self, number: str, action: str, body: dict, before: str) -> None:
        """Apply one action once: after a lost answer, re-read the case and act only if it has not moved."""

        def read():
            status, data = self.call("GET", f"/api/v1/cases/{number}")
            assert status == 200, (status, data)
            return data

        while True:
            case = self.retrying(read)
            if case["state"] != before:
                return  # applied (by our lost request, or earlier)
            try:
                status, data = self.call(
                    "POST", f"/api/v1/cases/{number}/actions/{action}", {**body, "version": case["version"]}
                )
            except Lost:
                self.lost += 1
                time.sleep(0.2)
                continue
            if status == 409 and data["error"]["code"] == "stale_version":
                continue
            assert status == 200, (action, status, data)
            return


def _token(port: int) -> str:
    status, data = request(
        port, "POST", "/api/v1/auth/token", {"username": "famen_clerk", "password": PASSWORD}
    )
    assert status == 200, data
    return data["token"]


def _answer(field: dict):
    first = (field["choices"] or [""])[0]
    first = first.get("value", "") if isinstance(first, dict) else first
    return {"number": 1, "date": "2026-01-05", "choice": first, "multi_choice": [first]}.get(
        field["datatype"], "演练"
    )


def _bodies(port: int) -> dict:
    """An intake body for one instant and one promised 法门镇 item of the demo catalog, all materials handed."""
    status, data = request(port, "GET", f"/api/v1/items?region={FAMEN}&page_size=200")
    assert status == 200
    bodies = {}
    for summary in data["results"]:
        _status, item = request(port, "GET", f"/api/v1/items/{summary['code']}")
        if item["mode"] in bodies or item.get("escalate_to") or item.get("joint_departments"):
            continue
        answers = {f["code"]: _answer(f) for f in item["fields"] if f["required"]}
        bodies[item["mode"]] = {
            "item": item["code"],
            "channel": "window",
            "applicant": {
                "kind": "person",
                "name": "张秀兰",
                "id_number": "610324198001010014",
                "phone": "13812345678",
                "address": "扶风县法门镇法门村三组",
            },  # fmt: skip
            "answers": answers,
            "materials": [
                {"material": m["id"], "originals": m["originals"], "copies": m["copies"]}
                for m in item["materials"]
            ],
        }
        if len(bodies) == 2:
            return bodies
    raise AssertionError(f"the demo catalog lacks an instant or a promised item: {sorted(bodies)}")


def _drill(tmp_path: Path, env: dict, disrupt) -> dict:
    """Run the clients against a live server, `disrupt(server)` once a third of the cases are in, then check."""
    started = time.monotonic()
    logs = tmp_path / "logs"
    logs.mkdir()
    server = Server(env, logs)
    server.start()
    prepared = time.monotonic()
    try:
        token, items = _token(server.port), _bodies(server.port)
        deadline = time.monotonic() + DRILL_SECONDS
        clerks = [Clerk(server.port, token, items, f"c{i}", deadline) for i in range(CLIENTS)]
        threads = [threading.Thread(target=c.run, args=(CASES_PER_CLIENT,), daemon=True) for c in clerks]
        for thread in threads:
            thread.start()
        total = CLIENTS * CASES_PER_CLIENT
        while sum(len(c.acknowledged) for c in clerks) < total // 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        disrupted_at = sum(len(c.acknowledged) for c in clerks)
        disrupt(server)
        for thread in threads:
            # Beyond the deadline by more than a request's own timeout (15 s): a client still inside its
            # last request gives up and reports, rather than changing what is checked below.
            thread.join(timeout=max(1, deadline - time.monotonic() + 20))
        assert not any(t.is_alive() for t in threads), f"a client did not stop\n{server.log_tail()}"
        errors = [e for c in clerks for e in c.errors]
        assert not errors, f"{errors}\n{server.log_tail()}"
        # A database that is down is a 503 to retry, never a bare 500.
        statuses = set(sum((c.server_errors for c in clerks), Counter()))
        assert statuses <= {503}, f"{statuses}\n{server.log_tail()}"
        # Recover any send lost with the killed processes, and let the consumer drain.
        requeued = _manage(env, "flush_outbox", "--older-than", "0").strip()
        state = _wait_for_sent(env)
        audit = _manage(env, "verify_audit")
    finally:
        server.stop()
    acknowledged = {k: v for c in clerks for k, v in c.acknowledged.items()}
    done = {k: v for c in clerks for k, v in c.done.items()}
    _check(state, acknowledged, done)
    return {
        "prepare": prepared - started,
        "run": time.monotonic() - prepared,
        "cases": len(acknowledged),
        "lost_answers": sum(c.lost for c in clerks),
        "of_which_5xx": dict(sum((c.server_errors for c in clerks), Counter())),
        "disrupted_after": disrupted_at,
        "flush": requeued,
        "audit": audit.strip().splitlines()[-1] if audit.strip() else "",
    }


def _inspect(env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", INSPECT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _wait_for_sent(env: dict, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = _inspect(env)
        if all(s == "sent" for _key, s, _attempts in state["messages"]) or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


def _check(state: dict, acknowledged: dict, done: dict) -> None:
    numbers = {number: case_state for _id, number, case_state in state["cases"]}
    keys = dict(state["keys"])
    # Nothing acknowledged is missing, and a key made one case (the same one the client was told).
    assert all(keys.get(key) == number for key, number in acknowledged.items()), "acknowledged case missing"
    assert set(acknowledged.values()) <= set(numbers)
    assert len(keys) == len(numbers) == len(set(keys.values())), "a case without its key, or a key twice"
    # Every case the client finished is in the state it brought it to.
    assert {n: numbers[n] for n in done} == done
    # Gapless numbers per center per day: FM-YYYYMMDD-0001 … N.
    by_day = defaultdict(list)
    for number in numbers:
        prefix, day, serial = number.rsplit("-", 2)
        by_day[(prefix, day)].append(int(serial))
    for (prefix, day), serials in by_day.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), (
            f"gap in {prefix}-{day}: {sorted(serials)}"
        )
    # One message per event that tells the applicant, each sent exactly once.
    messages = Counter(key for key, _s, _a in state["messages"])
    assert messages == Counter(f"event:{event}" for event in state["told"]), "a message missing or twice"
    unsent = [(k, s, a) for k, s, a in state["messages"] if s != "sent" or a != 1]
    assert not unsent, f"not sent exactly once: {unsent}"


def _kill_and_restart(server: Server) -> None:
    server.kill()
    time.sleep(0.5)
    server.start()


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """The demo county (`migrate`, `load_demo --no-cases`) prepared once; `clone()` gives each drill a copy."""
    base = tmp_path_factory.mktemp("drill-demo")
    if ON_POSTGRES:
        template_url, drop_template = _pg_database("demo")
    else:
        template_url, drop_template = f"sqlite:///{base / 'demo.sqlite3'}", None
    env = _env(base, template_url)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_demo", "--no-cases", "-v0")

    def clone(tmp_path: Path):
        if ON_POSTGRES:
            return _pg_database("run", template=urlsplit(template_url).path.lstrip("/"))
        import sqlite3

        target = tmp_path / "drill.sqlite3"
        with sqlite3.connect(base / "demo.sqlite3") as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return f"sqlite:///{target}", None

    yield clone
    if drop_template:
        drop_template()


def test_killing_gunicorn_and_huey_mid_run_loses_nothing(tmp_path, demo_database):
    database_url, drop = demo_database(tmp_path)
    try:
        report = _drill(tmp_path, _env(tmp_path, database_url), _kill_and_restart)
    finally:
        if drop:
            drop()
    print(f"kill drill: {report}")


# --- PostgreSQL restarted under load ------------------------------------------------------------------


def _pg_url(name: str) -> str:
    return urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{name}"))


def _pg_database(purpose: str, template: str = ""):
    """A throwaway database on the cluster DATABASE_URL points at, and the function that drops it."""
    import psycopg

    name = f"bianmin_drill_{purpose}_{uuid.uuid4().hex[:8]}"
    admin_url = DATABASE_URL.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return _pg_url(name), drop


def _pg_ctl() -> list[str]:
    """pg_ctl for the cluster under DATABASE_URL (.ci/run exports PG_BIN and BIANMIN_PG_DATA), as its owner."""
    data, bin_dir = os.environ.get("BIANMIN_PG_DATA"), os.environ.get("PG_BIN")
    if not (data and bin_dir):
        message = "the restart drill needs BIANMIN_PG_DATA and PG_BIN (the cluster's data dir and binaries)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # As root (CI), pg_ctl runs as the data directory's owner, as .ci/run started the cluster.
    owner = pwd.getpwuid(os.stat(data).st_uid).pw_name
    prefix = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 and owner != "root" else []
    return [*prefix, f"{bin_dir}/pg_ctl", "-D", data]


@pytest.mark.postgresql
def test_restarting_postgresql_mid_run_loses_nothing(tmp_path, demo_database):
    pg_ctl = _pg_ctl()
    database_url, drop = demo_database(tmp_path)

    def restart(_server: Server) -> None:
        # -m immediate: no shutdown checkpoint, every connection cut, like a power loss of the database.
        # The server's output goes to a log file beside the data dir, never to a pipe this test waits on.
        log = str(Path(pg_ctl[-1]).parent / "server.log")
        done = subprocess.run(
            [*pg_ctl, "-l", log, "restart", "-m", "immediate", "-w", "-t", "60"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=90,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        # This test process's own connections (other tests' database) died with the server too.
        from django.db import connections

        connections.close_all()

    try:
        report = _drill(tmp_path, _env(tmp_path, database_url), restart)
    finally:
        drop()
    print(f"restart drill: {report}")
