"""Full case lifecycles per second through HTTP: intake → accept → complete → deliver, against gunicorn.

Loopback only and bounded in time. A throwaway SQLite database (or DATABASE_URL when it names PostgreSQL)
gets the demo county; then 1 and 8 client threads each run lifecycles of 法门镇's promised item (the clerk
receives, accepts and delivers; 民政所 completes) for BENCH_SECONDS (default 15) and the rate is printed,
with the queries one lifecycle makes. Afterwards the case numbers are checked for gaps and duplicates.

    .venv/bin/python bench/lifecycle_bench.py [--seconds 15] [--clients 1,8] [--workers 2]
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROMISED = "MZ05004-610324106000"  # 高龄津贴: 民政 decides, promised item (API.md demo catalog)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP connection speaking JSON with a bearer token."""

    def __init__(self, port: int, token: str | None = None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = token

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.conn.request("POST", path, body=json.dumps(body), headers=headers)
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")


def token(port: int, username: str) -> str:
    status, body = Client(port).post("/api/v1/auth/token", {"username": username, "password": "Demo@2026"})
    assert status == 200, body
    return body["token"]


def intake_body(port: int, clerk: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/api/v1/items/{PROMISED}")
    item = json.loads(conn.getresponse().read())
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


def lifecycle(clerk: Client, approver: Client, body: dict) -> None:
    status, case = clerk.post("/api/v1/cases", body)
    assert status == 201, case
    number = case["number"]
    for who, action, data in (
        (clerk, "accept", {}),
        (approver, "complete", {"outcome": "approved"}),
        (clerk, "deliver", {"method": "window"}),
    ):
        status, answer = who.post(f"/api/v1/cases/{number}/actions/{action}", data)
        assert status == 200, (action, answer)


def run(port: int, clients: int, seconds: float, tokens: tuple[str, str], body: dict) -> tuple[int, int]:
    done, errors = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        clerk, approver = Client(port, tokens[0]), Client(port, tokens[1])
        while time.monotonic() < stop:
            try:
                lifecycle(clerk, approver, body)
                done[i] += 1
            except Exception:  # noqa: BLE001 - counted and reported, never hidden
                errors[i] += 1
                clerk, approver = Client(port, tokens[0]), Client(port, tokens[1])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), sum(errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 15)))
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="bianmin-bench-"))
    env = {**os.environ, "BIANMIN_VAR_DIR": str(var), "BIANMIN_DEBUG": "0", "BIANMIN_SECRET_KEY": "bench-" * 8,
           "BIANMIN_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
    env.pop("BIANMIN_NOW", None)
    python = sys.executable
    for command in (["migrate", "-v0"], ["load_demo", "--no-cases", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "bianmin.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--no-control-socket", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        tokens = (token(port, "famen_clerk"), token(port, "famen_minzheng"))
        body = intake_body(port, "famen_clerk")
        lifecycle(Client(port, tokens[0]), Client(port, tokens[1]), body)  # warm up both workers' caches
        database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        print(
            f"lifecycles/s through HTTP ({database}, gunicorn {args.workers} workers, {args.seconds:.0f} s each)"
        )
        for clients in (int(c) for c in args.clients.split(",")):
            count, errors = run(port, clients, args.seconds, tokens, body)
            print(
                f"  {clients:>2} client(s): {count / args.seconds:6.1f} lifecycles/s  ({count} done, {errors} errors)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = (
        "from bianmin.cases.models import Case\n"
        "numbers = sorted(Case.objects.values_list('number', flat=True))\n"
        "tails = sorted(int(n.rsplit('-', 1)[1]) for n in numbers)\n"
        "assert len(set(numbers)) == len(numbers), 'duplicate numbers'\n"
        "assert tails == list(range(1, len(tails) + 1)), 'gap in numbers'\n"
        "print(f'  {len(numbers)} cases, numbers gapless and unique')\n"
    )
    subprocess.run([python, "manage.py", "shell", "-c", check], cwd=ROOT, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
