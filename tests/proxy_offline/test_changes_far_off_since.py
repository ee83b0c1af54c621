"""The offline changes feed: a `since` far in the past or future is a 422 on `since`, never a 500."""

import base64
import json
from urllib.parse import quote

import pytest


def _cursor(event_id, at):
    raw = json.dumps({"e": event_id, "t": at}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "since",
    [
        "0001-01-01",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31",
        "1999-12-31T23:59:59+08:00",
        "2100-01-01T00:00:00+08:00",
        _cursor(1, "0001-01-01T00:00:00+14:00"),
        _cursor(1, "9999-12-31T23:59:59-14:00"),
    ],
)
def test_a_far_off_since_is_a_422_naming_since(api, now, since):
    r = api("famen_agent").get(f"proxy/changes?since={quote(since)}")
    assert r.status_code == 422, r.content
    assert "since" in r.json()["error"]["fields"]


def test_a_since_within_the_bounds_still_works(api, now):
    agent = api("famen_agent")
    for since in ("2000-01-01T00:00:00+08:00", "2026-03-01", _cursor(0, "2026-03-01T00:00:00+08:00")):
        r = agent.get(f"proxy/changes?since={quote(since)}")
        assert r.status_code == 200, (since, r.content)
