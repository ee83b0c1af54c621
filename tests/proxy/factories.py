"""Helpers for proxy tests: a proxy intake body, a finger signature, and a case walked to a given stage."""

import base64
import io

from cases.factories import intake, make_item  # noqa: F401 - re-exported for the proxy tests
from PIL import Image, ImageDraw


def signature_png() -> str:
    """A small PNG as the signature pad sends it (data URL)."""
    image = Image.new("RGBA", (120, 40), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(5, 30), (40, 5), (80, 35), (115, 10)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def proxy_intake(item, n: int = 1, **overrides) -> dict:
    body = intake(item, n=n, channel="proxy", proxy={"home_visit": True, "mandate": True})
    body["applicant"]["address"] = "扶风县法门镇法门村二组"
    body.update(overrides)
    return body


def register(agent, item, n: int = 1) -> str:
    response = agent.post("cases", proxy_intake(item, n=n))
    assert response.status_code == 201, response.content
    return response.json()["number"]


def hand_up(agent, *numbers) -> dict:
    response = agent.post("handovers", {"direction": "up", "cases": list(numbers)})
    assert response.status_code == 201, response.content
    return response.json()


def to_township(agent, clerk, item, n: int = 1) -> str:
    """A proxy case registered by the agent and received at the township center."""
    number = register(agent, item, n)
    handover = hand_up(agent, number)
    assert clerk.post(f"handovers/{handover['id']}/receive", {"received": [number]}).status_code == 200
    return number


def completed_at_township(agent, clerk, approver, item, n: int = 1) -> str:
    number = to_township(agent, clerk, item, n)
    assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200
    r = approver.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "准予"})
    assert r.status_code == 200, r.content
    return number
