"""Shared test helpers: the demo county, API clients per persona, and a pinned clock."""

import pytest
from django.core.management import call_command
from django.test import Client

from bianmin.core import clock

PASSWORD = "Demo@2026"


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
