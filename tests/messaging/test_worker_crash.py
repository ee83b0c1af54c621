"""Killing the huey worker mid-send and starting it again loses no message and sends none twice (issue 12).

A real consumer (`manage.py run_huey`, SQLite huey queue) against a temporary SQLite database sends to a local
stub gateway that holds its first answer; the worker is SIGKILLed while that request is open, then started
again. Every message is POSTed at most once; all but the one cut off are sent; the cut-off one is not sent
again (whether the gateway took it is unknown) and is failed by the sweep with a reason staff can see."""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from . import stub as stubs

pytestmark = pytest.mark.drill

ROOT = Path(__file__).resolve().parents[2]
COUNT = 6

WRITE = """
import django
django.setup()
from django.db import transaction
from bianmin.messaging.services import send_message
for i in range({count}):
    with transaction.atomic():
        send_message("1381234567%d" % i, "test", "第%d条" % i, urgent=True)
"""

INSPECT = """
import json, datetime as dt
import django
django.setup()
from bianmin.core import clock
from bianmin.messaging.models import Message
from bianmin.messaging.services import requeue_stale
before = list(Message.objects.order_by("id").values_list("id", "state", "attempts"))
with clock.pinned(clock.now() + dt.timedelta(minutes=11)):
    requeue_stale()
after = dict(Message.objects.values_list("id", "state"))
print(json.dumps({"before": before, "after": after}))
"""


def _run(env, *argv, timeout=60):
    done = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{argv}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _sent(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "db.sqlite3", timeout=10)) as db:
        return db.execute("SELECT count(*) FROM messaging_message WHERE state = 'sent'").fetchone()[0]


def _worker(env, log: Path) -> subprocess.Popen:
    with open(log, "a") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def test_killing_the_worker_mid_send_loses_nothing_and_sends_nothing_twice(tmp_path):
    gateway = stubs.start()
    first_arrived, release = threading.Event(), threading.Event()
    held_ids = []  # the id of the message whose request was open when the worker was killed
    original = gateway.server.RequestHandlerClass._handle

    def held(handler):
        # Read the whole request first: the handler runs once the headers are in, and the client may send
        # the body a moment later — killing the worker in between would record an empty body.
        length = int(handler.headers.get("Content-Length") or 0)
        handler.rfile = io.BytesIO(handler.rfile.read(length))
        if not first_arrived.is_set():
            held_ids.append(json.loads(handler.rfile.getvalue())["id"])
            first_arrived.set()
            release.wait(20)  # the worker is killed while this request is open
        original(handler)

    gateway.server.RequestHandlerClass.do_POST = held
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="bianmin.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        BIANMIN_VAR_DIR=str(tmp_path / "var"),
        BIANMIN_DEBUG="0",
        BIANMIN_SMS_BACKEND="http",
        BIANMIN_SMS_HTTP_URL=f"{gateway.url}/sms",
        BIANMIN_SMS_HTTP_SECRET="drill",
        BIANMIN_SMS_HTTP_TIMEOUT="30",
    )
    log = tmp_path / "huey.log"
    worker = None
    try:
        _run(env, "manage.py", "migrate", "--noinput", "-v0", timeout=120)
        _run(env, "-c", WRITE.format(count=COUNT))  # committed and enqueued; no worker yet
        worker = _worker(env, log)
        assert first_arrived.wait(30), log.read_text()
        _kill(worker)
        release.set()
        worker = _worker(env, log)
        # Until every message but the cut-off one is recorded as sent (the gateway sees a POST before the
        # worker commits its answer), then a second chance for a duplicate to show itself.
        deadline = time.monotonic() + 60
        while _sent(tmp_path) < COUNT - 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _sent(tmp_path) >= COUNT - 1, log.read_text()[-3000:]
        time.sleep(1)
        _kill(worker)
        worker = None
        state = json.loads(_run(env, "-c", INSPECT))
    finally:
        release.set()
        if worker:
            _kill(worker)
        gateway.stop()
    posted = [json.loads(p.body)["id"] for p in gateway.posts()]
    assert len(posted) == len(set(posted)), f"sent twice: {posted}"
    before = {str(i): (s, a) for i, s, a in state["before"]}
    assert len(before) == COUNT, "a message lost"
    cut_off = held_ids[0]
    assert posted[0] == cut_off
    assert before[cut_off] == ("sending", 1)
    assert all(before[i] == ("sent", 1) for i in before if i != cut_off), (before, log.read_text()[-3000:])
    assert set(posted) == set(before)
    # The sweep fails the cut-off message (result unknown) rather than sending it again.
    assert state["after"][cut_off] == "failed"
