"""Shared test helpers: the demo county, API clients per persona, a pinned clock, and the system check."""

import functools
import glob
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from bianmin.core import clock

PASSWORD = "Demo@2026"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# --- What the machine must have beside Python (scripts/system-deps.sh installs it) -------------------------
# Checked once per session; a test that needs a missing part fails with one line saying what to install,
# instead of a traceback from deep inside WeasyPrint, pdftoppm or Playwright.


@functools.cache
def missing_system_parts() -> dict[str, str]:
    """{part: one-line reason} for each missing part: pdf (WeasyPrint's libraries, a CJK font), pdftoppm,
    chromium."""
    missing = {}
    try:
        import weasyprint  # noqa: F401  (loads pango and harfbuzz through ctypes)
    except OSError as error:
        missing["pdf"] = (
            "install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 "
            f"(make install does it): {str(error).splitlines()[0]}"
        )
    if "pdf" not in missing and not _has_cjk_font():
        missing["pdf"] = "install fonts-noto-cjk (make install does it)"
    if shutil.which("pdftoppm") is None:
        missing["pdftoppm"] = "install poppler-utils (make install does it)"
    chromium = os.environ.get("BIANMIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        missing["chromium"] = f"Chromium not found at {chromium}: install chromium (make install does it)"
    return missing


def _has_cjk_font() -> bool:
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
        return bool(listed.stdout.strip())
    return bool(glob.glob("/usr/share/fonts/**/*CJK*", recursive=True))


@functools.cache
def _uses(path: str, word: str) -> bool:
    return word in Path(path).read_text(encoding="utf-8", errors="replace")


def pytest_runtest_setup(item):
    missing = missing_system_parts()
    if "chromium" in missing and item.get_closest_marker("browser"):
        if IN_CI:
            pytest.fail(missing["chromium"], pytrace=False)
        pytest.skip(missing["chromium"])
    if "pdftoppm" in missing and _uses(str(item.path), "pdftoppm"):
        pytest.fail(missing["pdftoppm"], pytrace=False)


@pytest.fixture(autouse=True)
def _pdf_needs_its_system_parts(monkeypatch):
    """Without WeasyPrint's libraries or a CJK font, rendering a PDF fails the test with the one-line reason
    (a PDF without Chinese glyphs would otherwise pass as boxes)."""
    reason = missing_system_parts().get("pdf")
    if reason is None:
        return

    def refuse(*args, **kwargs):
        pytest.fail(reason, pytrace=False)

    stub = types.ModuleType("weasyprint")
    stub.HTML = refuse
    monkeypatch.setitem(sys.modules, "weasyprint", stub)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo county once into the test database; each test then runs inside a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, no_cases=True)


@pytest.fixture
def demo(db):
    """The demo county with every persona (the same loader `make run` uses).

    Loaded once per session; a transactional test flushes the tables, so reload when they are empty.
    """
    from bianmin.regions.models import Region

    if not Region.objects.filter(code="610324000000").exists():
        call_command("load_demo", verbosity=0, no_cases=True)


@pytest.fixture(autouse=True)
def fresh_county_settings():
    """Each test reads county settings afresh: a rolled-back row must not linger in the process cache."""
    from bianmin.regions.services import forget_cached_county_settings

    forget_cached_county_settings()
    yield
    forget_cached_county_settings()


@pytest.fixture
def now():
    """Pin the clock to a plain working Monday morning; tests move it with clock.pinned()."""
    with clock.pinned("2026-03-02T09:15:00+08:00") as moment:
        yield moment


class ApiClient:
    """A test client that speaks JSON to /api/v1 with one persona's bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method, path, data=None, headers=None):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs = {"headers": {**self.headers, **(headers or {})}}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, data=None, **kw):
        return self._call("post", path, data if data is not None else {}, **kw)


def token_for(username: str, password: str = PASSWORD) -> str:
    response = Client().post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def api(demo):
    """api("famen_clerk") → an ApiClient signed in as that persona; api() → anonymous."""

    def make(username: str | None = None) -> ApiClient:
        return ApiClient(token_for(username) if username else None)

    return make


def pytest_collection_modifyitems(config, items):
    """Tests of the PostgreSQL server itself (pg_dump, pg_restore) belong to CI's PostgreSQL run: on SQLite
    they are deselected (not skipped: they do not apply there, and the other run executes them)."""

    # A transactional test without serialized_rollback flushes the database (content types included) when it
    # ends; a serialized_rollback test after it then fails to restore. Those flushing tests run last.
    def flushes(item) -> bool:
        marker = item.get_closest_marker("django_db")
        return bool(
            marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback")
        )

    items.sort(key=flushes)
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    keep = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
