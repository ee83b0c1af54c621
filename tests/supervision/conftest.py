"""Fixtures for supervision tests: files under a temporary media root, and helpers to open and accept a case."""

import pytest

from bianmin.core import clock
from bianmin.supervision.sweep import run
from tests.cases.factories import intake, make_item


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def accepted_case(api, kind: str = "promised", at: str = "2026-09-28T09:30:00+08:00", **item_kw) -> dict:
    """A case of a fresh item at 法门镇, received and accepted at `at` by famen_clerk."""
    clerk = api("famen_clerk")
    item = make_item(kind, **item_kw)
    with clock.pinned(at):
        created = clerk.post("cases", intake(item))
        assert created.status_code == 201, created.content
        case = created.json()
        r = clerk.post(f"cases/{case['number']}/actions/accept", {})
        assert r.status_code == 200, r.content
    return r.json()


def sweep_on(day: str, times: int = 2) -> list[dict]:
    """Run the sweep `times` on one day (pinned at 01:05 Asia/Shanghai); the raised counts of each run."""
    with clock.pinned(f"{day}T01:05:00+08:00"):
        return [run() for _ in range(times)]
