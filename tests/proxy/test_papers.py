"""Photos of papers (images only, size limit), the mandate by SMS code, and delivering too early."""

import dataclasses
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bianmin.core import clock
from bianmin.messaging.models import Message
from bianmin.proxy import services

from .factories import completed_at_township, make_item, proxy_intake, register, signature_png


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 150)).save(out, format="JPEG")
    return out.getvalue()


def _upload(agent, number, name, data, content_type):
    return agent.client.post(
        f"/api/v1/proxy/cases/{number}/photos",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        headers=agent.headers,
    )


def test_a_photo_of_a_paper_is_stored_and_a_non_image_is_refused(api, now):
    agent = api("famen_agent")
    number = register(agent, make_item("promised"))
    r = _upload(agent, number, "id.jpg", _jpeg(), "image/jpeg")
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "image/jpeg"
    # A PDF or a script named .jpg is not a photo, whatever its name and declared type say.
    for data in (b"%PDF-1.7 not a photo", b"<script>alert(1)</script>"):
        r = _upload(agent, number, "id.jpg", data, "image/jpeg")
        assert r.status_code == 422 and r.json()["error"]["fields"]["file"]
    # A truncated JPEG: right magic bytes, not an image.
    r = _upload(agent, number, "id.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 40, "image/jpeg")
    assert r.status_code == 422


def test_a_photo_over_the_limit_is_refused(api, now, monkeypatch):
    monkeypatch.setattr(services, "PHOTO", dataclasses.replace(services.PHOTO, max_bytes=1000))
    agent = api("famen_agent")
    number = register(agent, make_item("promised"))
    r = _upload(agent, number, "big.jpg", _jpeg() + b"\0" * 2000, "image/jpeg")
    # Too large is 413, like a scan (API.md), with the limit named on the field.
    assert r.status_code == 413 and "5 MB" in r.json()["error"]["fields"]["file"]


def test_a_mandate_confirmed_by_sms_code(api, now, django_capture_on_commit_callbacks):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    id_number = proxy_intake(item)["applicant"]["id_number"]
    body = {"villager_name": "张秀兰", "villager_id_number": id_number, "entrusted": "代办", "method": "sms"}
    with django_capture_on_commit_callbacks(execute=True):
        r = agent.post(f"proxy/cases/{number}/mandate", body)
    assert r.status_code == 201 and r.json()["signed"] is False
    sms = Message.objects.get(case__number=number, template="mandate_code")
    code = sms.text.split("验证码")[1][:6]
    assert sms.phone == "13812345678"
    assert (
        agent.post(
            f"proxy/cases/{number}/mandate/confirm", {"code": "000000" if code != "000000" else "111111"}
        ).status_code
        == 422
    )
    r = agent.post(f"proxy/cases/{number}/mandate/confirm", {"code": code})
    assert r.status_code == 200 and r.json()["signed"] is True
    assert agent.get(f"cases/{number}").json()["events"][-1]["action"] == "mandate"
    assert agent.post(f"proxy/cases/{number}/mandate", body).status_code == 409


def test_an_sms_code_expires_after_ten_minutes(api, now, django_capture_on_commit_callbacks):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    body = {"villager_name": "张秀兰", "villager_id_number": proxy_intake(item)["applicant"]["id_number"],
            "entrusted": "代办", "method": "sms"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(f"proxy/cases/{number}/mandate", body)
    code = Message.objects.get(case__number=number, template="mandate_code").text.split("验证码")[1][:6]
    with clock.pinned("2026-03-02T09:30:00+08:00"):
        r = agent.post(f"proxy/cases/{number}/mandate/confirm", {"code": code})
    assert r.status_code == 409 and r.json()["error"]["code"] == "code_expired"


def test_a_mandate_without_a_signature_is_refused(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    r = agent.post(
        f"proxy/cases/{number}/mandate",
        {
            "villager_name": "张秀兰",
            "villager_id_number": "123",
            "entrusted": "",
            "signature": "data:image/png;base64,AAAA",
        },
    )
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) >= {"villager_id_number", "entrusted", "signature"}


def test_delivering_before_the_result_came_back_is_a_conflict(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    number = completed_at_township(agent, clerk, minzheng, make_item("promised"))
    for attempt in (
        lambda: agent.post(
            f"proxy/cases/{number}/delivery", {"receiver": "张秀兰", "signature": signature_png()}
        ),
        lambda: agent.post(f"cases/{number}/actions/deliver", {"method": "proxy", "receiver": "张秀兰"}),
    ):
        r = attempt()
        assert r.status_code == 409 and r.json()["error"]["code"] == "result_not_back"
    case = agent.get(f"cases/{number}").json()
    assert case["state"] == "completed" and case["events"][-1]["action"] == "complete"
    # Still in transit on the way back: not yet.
    clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"})
    r = agent.post(f"proxy/cases/{number}/delivery", {"receiver": "张秀兰", "signature": signature_png()})
    assert r.status_code == 409
    # A delivery receipt needs the villager's signature.
    r = agent.post(f"proxy/cases/{number}/delivery", {"receiver": "张秀兰", "signature": ""})
    assert r.status_code == 422


def test_mandate_codes_are_not_resent_without_limit(api, now):
    """Each code allows five guesses and a resend starts afresh: three codes an hour, then 429."""
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    id_number = proxy_intake(item)["applicant"]["id_number"]
    body = {"villager_name": "张秀兰", "villager_id_number": id_number, "entrusted": "代办", "method": "sms"}
    for _ in range(3):
        assert agent.post(f"proxy/cases/{number}/mandate", body).status_code == 201
    r = agent.post(f"proxy/cases/{number}/mandate", body)
    assert r.status_code == 429 and "分钟后再试" in r.json()["error"]["message"]
    assert Message.objects.filter(case__number=number, template="mandate_code").count() == 3
    with clock.pinned(clock.now() + dt.timedelta(minutes=61)):
        assert agent.post(f"proxy/cases/{number}/mandate", body).status_code == 201
