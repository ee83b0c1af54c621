"""Fixtures for work-order tests: attachments under a temporary media root, a case to complain about."""

import pytest
from cases.factories import intake, make_item

from bianmin.core import clock


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def slow_case(api):
    """A promised 民政 case at 法门镇, accepted on Monday 2026-03-02."""
    clerk = api("famen_clerk")
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        item = make_item("promised")
        created = clerk.post("cases", intake(item))
        assert created.status_code == 201, created.content
        number = created.json()["number"]
        accepted = clerk.post(f"cases/{number}/actions/accept", {})
        assert accepted.status_code == 200, accepted.content
    return number


def complaint_body(case=None, **overrides) -> dict:
    body = {
        "kind": "complaint",
        "channel": "window",
        "person": {"name": "王秀英", "phone": "13912345678"},
        "content": "低保申请交了半个月还没消息，窗口说在民政所，民政所说在等材料。",
        "case": case,
    }
    body.update(overrides)
    return body
