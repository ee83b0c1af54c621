"""Production settings pass `check --deploy`; BIANMIN_NOW moves the clock only with DEBUG on."""

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

from bianmin.core import clock

ROOT = Path(__file__).resolve().parent.parent


def run_check_deploy(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DJANGO_"))}
    base.update(BIANMIN_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_check_deploy(
        tmp_path,
        BIANMIN_DEBUG="0",
        BIANMIN_HTTPS="1",
        BIANMIN_SECRET_KEY=secrets.token_urlsafe(60),
        BIANMIN_ALLOWED_HOSTS="bianmin.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_https(tmp_path):
    # Proves the check above can fail: plain HTTP settings are not fit for production.
    result = run_check_deploy(tmp_path, BIANMIN_DEBUG="0", BIANMIN_SECRET_KEY=secrets.token_urlsafe(60))
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr + result.stdout


def test_bianmin_now_is_honoured_with_debug_on(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("BIANMIN_NOW", "2026-10-09T08:30:00+08:00")

    assert clock.now() == dt.datetime(2026, 10, 9, 8, 30, tzinfo=clock.SHANGHAI)
    assert clock.today() == dt.date(2026, 10, 9)


def test_bianmin_now_without_offset_means_shanghai_time(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("BIANMIN_NOW", "2026-10-09T08:30:00")
    assert clock.now().utcoffset() == dt.timedelta(hours=8)
    assert clock.now().hour == 8


def test_bianmin_now_is_ignored_with_debug_off(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("BIANMIN_NOW", "2001-01-01T00:00:00+08:00")

    assert clock.now().year != 2001


def test_now_is_always_in_shanghai_time(settings, monkeypatch):
    monkeypatch.delenv("BIANMIN_NOW", raising=False)
    assert clock.now().utcoffset() == dt.timedelta(hours=8)


def test_pinned_clock_wins_and_is_restored(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("BIANMIN_NOW", "2026-10-09T08:30:00+08:00")
    with clock.pinned("2026-03-02T09:15:00+08:00"):
        assert clock.today() == dt.date(2026, 3, 2)
    assert clock.today() == dt.date(2026, 10, 9)
