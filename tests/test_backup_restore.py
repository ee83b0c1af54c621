"""Backup while cases keep arriving, restore into an empty place, and every acknowledged case is there.

Each step runs as its own process against its own database (not the test database), as on a server:
a writer receives cases through the service, `manage.py backup` runs meanwhile, `manage.py restore` fills
a new database and media folder and checks the timeline's hash chain.
"""

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))

# Receives a case every few milliseconds through the real service as 法门镇's clerk; after each commit it
# writes a scan into the media folder and appends the case number to the acknowledgement file.
WRITER = """
import os, sys, time
sys.path.insert(0, os.path.join(os.getcwd(), "tests"))
import django
django.setup()
from django.conf import settings
from cases.factories import intake, make_item
from bianmin.accounts.models import User
from bianmin.cases.services import receive_case

acknowledged, stop = sys.argv[1], sys.argv[2]
clerk = User.objects.get(username="famen_clerk")
item = make_item("promised")
deadline = time.monotonic() + 120
n = 0
with open(acknowledged, "a") as out:
    while not os.path.exists(stop) and time.monotonic() < deadline:
        n += 1
        body = intake(item, n=n)
        case, _ = receive_case(clerk, item=body["item"], applicant=body["applicant"],
                               answers=body["answers"], materials=body["materials"])
        scan = settings.MEDIA_ROOT / "cases" / str(case.pk) / "scan.txt"
        scan.parent.mkdir(parents=True, exist_ok=True)
        scan.write_text(case.number)
        out.write(case.number + "\\n")
        out.flush()
"""


def _env(tmp_path: Path, name: str, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="bianmin.settings",
        DATABASE_URL=database_url,
        BIANMIN_VAR_DIR=str(tmp_path / "var"),
        BIANMIN_MEDIA_ROOT=str(tmp_path / f"media-{name}"),
        BIANMIN_DEBUG="0",
    )
    return env


def _manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def _wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _numbers(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _scenario(tmp_path: Path, source_url: str, target_url: str, restored_numbers):
    source, target = _env(tmp_path, "source", source_url), _env(tmp_path, "target", target_url)
    _manage(source, "migrate", "--noinput", "-v0")
    _manage(source, "load_demo", "--no-cases", "-v0")
    acknowledged, stop = tmp_path / "acknowledged.txt", tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(acknowledged), str(stop)],
        cwd=ROOT, env=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(lambda: len(_numbers(acknowledged)) >= 5 or writer.poll() is not None)
        before = _numbers(acknowledged)
        archive = tmp_path / "backup.tar.gz"
        started = time.monotonic()
        report = _manage(source, "backup", "--output", str(archive)).stdout.strip()
        seconds = time.monotonic() - started
        during = len(_numbers(acknowledged)) - len(before)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    print(f"backup process took {seconds:.2f}s while {during} cases arrived; {report}")

    restored = _manage(target, "restore", str(archive))
    assert "时间线完好" in restored.stdout
    numbers = restored_numbers()
    assert set(before) <= numbers, sorted(set(before) - numbers)
    for number in before:
        assert any(p.read_text() == number for p in (tmp_path / "media-target").rglob("scan.txt"))
    # A second restore onto what is now full is refused, naming both.
    again = _manage(target, "restore", str(archive), check=False)
    assert again.returncode != 0 and "不是空的" in again.stderr and "BIANMIN_MEDIA_ROOT" in again.stderr
    return archive


# Self-contained (its own SQLite files in subprocesses), so it runs in both of CI's passes.
def test_sqlite_backup_while_cases_arrive_restores_every_acknowledged_case(tmp_path):
    def restored_numbers():
        with sqlite3.connect(tmp_path / "restored.sqlite3") as db:
            return {row[0] for row in db.execute("SELECT number FROM cases_case")}

    archive = _scenario(
        tmp_path, f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        restored_numbers,
    )  # fmt: skip

    # A damaged archive is refused before anything is written.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("media/"):
                data += b"!"
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    fresh = _env(tmp_path, "fresh", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    refused = _manage(fresh, "restore", str(damaged), check=False)
    assert refused.returncode != 0 and "校验和不符" in refused.stderr
    assert not (tmp_path / "fresh.sqlite3").exists()


def _pg_url(name: str) -> str:
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.mark.postgresql
def test_postgresql_backup_while_cases_arrive_restores_every_acknowledged_case(tmp_path):
    import shutil

    import psycopg

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump/pg_restore missing: install postgresql-client (make install does it)")
    suffix = uuid.uuid4().hex[:8]
    source, target = f"bianmin_backup_src_{suffix}", f"bianmin_backup_dst_{suffix}"
    admin = psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://", 1), autocommit=True)
    try:
        for name in (source, target):
            admin.execute(f'CREATE DATABASE "{name}"')

        def restored_numbers():
            with psycopg.connect(_pg_url(target).replace("postgres://", "postgresql://", 1)) as db:
                return {row[0] for row in db.execute("SELECT number FROM cases_case")}

        _scenario(tmp_path, _pg_url(source), _pg_url(target), restored_numbers)
    finally:
        for name in (source, target):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
