"""The outbox sends every write with its own Idempotency-Key: a retry after a dropped connection gets the
first answer back and changes nothing; the same key with an altered body is refused and changes nothing."""

import io

from PIL import Image

from bianmin.cases.models import Attachment, Event, IdempotencyKey
from bianmin.proxy.models import Handover, HandoverCase, Mandate
from tests.cases.factories import SIGNATURE
from tests.proxy.factories import completed_at_township, hand_up, make_item, proxy_intake, register


def _key(value):
    return {"Idempotency-Key": value}


def test_a_handover_sent_twice_with_one_key_is_made_once(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    body = {"direction": "up", "cases": [number], "signature": SIGNATURE}

    first = agent.post("handovers", body, headers=_key("outbox-h-1"))
    again = agent.post("handovers", body, headers=_key("outbox-h-1"))

    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again.json() == first.json()
    assert Handover.objects.count() == 1
    assert HandoverCase.objects.filter(case__number=number).count() == 1
    assert Event.objects.filter(case__number=number, action="handover_up").count() == 1


def test_a_tampered_handover_with_a_used_key_is_refused_and_changes_nothing(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    one, two = register(agent, item, 1), register(agent, item, 2)
    assert (
        agent.post("handovers", {"direction": "up", "cases": [one]}, headers=_key("outbox-h-2")).status_code
        == 201
    )

    r = agent.post("handovers", {"direction": "up", "cases": [two]}, headers=_key("outbox-h-2"))

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in r.json()["error"]["fields"]
    assert Handover.objects.count() == 1
    assert not HandoverCase.objects.filter(case__number=two).exists()


def test_a_refused_request_leaves_no_key_and_may_be_sent_again(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    hand_up(agent, number)  # now in an open handover: a second one is refused
    body = {"direction": "up", "cases": [number]}

    assert agent.post("handovers", body, headers=_key("outbox-h-3")).status_code == 409
    assert not IdempotencyKey.objects.filter(key="outbox-h-3").exists()


def test_receiving_twice_with_one_key_receives_once(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    number = register(agent, item)
    handover = hand_up(agent, number)
    body = {"received": [number]}

    first = clerk.post(f"handovers/{handover['id']}/receive", body, headers=_key("desk-r-1"))
    again = clerk.post(f"handovers/{handover['id']}/receive", body, headers=_key("desk-r-1"))
    # Without the key the second receipt is what it always was: a conflict, not a silent success.
    plain = clerk.post(f"handovers/{handover['id']}/receive", body)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert plain.status_code == 409
    assert Event.objects.filter(case__number=number, action="handover_receive").count() == 1


def test_a_case_action_retried_with_its_key_applies_once(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    number = register(agent, item)
    receive = clerk.post(f"handovers/{hand_up(agent, number)['id']}/receive", {"received": [number]})
    assert receive.status_code == 200

    first = clerk.post(f"cases/{number}/actions/accept", {}, headers=_key("desk-a-1"))
    again = clerk.post(f"cases/{number}/actions/accept", {}, headers=_key("desk-a-1"))

    assert first.status_code == again.status_code == 200
    assert again.json()["version"] == first.json()["version"]
    assert Event.objects.filter(case__number=number, action="accept").count() == 1
    # The same key on another action of the same case is another request: refused.
    other = clerk.post(f"cases/{number}/actions/refuse", {"reason": "材料不全"}, headers=_key("desk-a-1"))
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_mandate_sent_twice_is_signed_once(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    body = proxy_intake(item)
    body["proxy"] = {"home_visit": True, "mandate": False}
    number = agent.post("cases", body, headers=_key("outbox-c-1")).json()["number"]
    mandate = {
        "villager_name": body["applicant"]["name"],
        "villager_id_number": body["applicant"]["id_number"],
        "entrusted": "代为办理申请",
        "signature": SIGNATURE,
    }

    first = agent.post(f"proxy/cases/{number}/mandate", mandate, headers=_key("outbox-c-1:mandate"))
    again = agent.post(f"proxy/cases/{number}/mandate", mandate, headers=_key("outbox-c-1:mandate"))

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Mandate.objects.filter(case__number=number).count() == 1
    assert Event.objects.filter(case__number=number, action="mandate").count() == 1


def _jpeg(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="JPEG")
    return out.getvalue()


def test_a_photo_uploaded_twice_with_one_key_is_stored_once(api, now):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agent = api("famen_agent")
    number = register(agent, make_item("promised"))
    url = f"/api/v1/proxy/cases/{number}/photos"

    def upload(data, key):
        return agent.client.post(
            url,
            {"file": SimpleUploadedFile("p.jpg", data, "image/jpeg")},
            headers={**agent.headers, **_key(key)},
        )

    first, again = upload(_jpeg((200, 10, 10)), "outbox-p-1"), upload(_jpeg((200, 10, 10)), "outbox-p-1")
    other = upload(_jpeg((10, 200, 10)), "outbox-p-1")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 409
    assert Attachment.objects.filter(case__number=number).count() == 1


def test_a_delivery_against_a_superseded_version_is_refused_with_the_reason(api, now):
    agent, clerk, approver = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    number = completed_at_township(agent, clerk, approver, make_item("promised"))
    down = clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"})
    assert agent.post(f"handovers/{down.json()['id']}/receive", {"received": [number]}).status_code == 200
    seen = agent.get(f"cases/{number}").json()["version"]
    body = {"receiver": "王桂英", "signature": SIGNATURE, "version": seen - 1}

    stale = agent.post(f"proxy/cases/{number}/delivery", body, headers=_key("outbox-d-1"))
    fresh = agent.post(
        f"proxy/cases/{number}/delivery", {**body, "version": seen}, headers=_key("outbox-d-2")
    )
    again = agent.post(
        f"proxy/cases/{number}/delivery", {**body, "version": seen}, headers=_key("outbox-d-2")
    )

    assert stale.status_code == 409
    assert stale.json()["error"]["message"]
    assert fresh.status_code == again.status_code == 200
    assert Event.objects.filter(case__number=number, action="deliver").count() == 1


def test_a_malformed_key_is_refused_naming_the_header(api, now):
    agent = api("famen_agent")
    number = register(agent, make_item("promised"))

    r = agent.post("handovers", {"direction": "up", "cases": [number]}, headers=_key("x" * 101))

    assert r.status_code == 422
    assert "Idempotency-Key" in r.json()["error"]["fields"]
    assert Handover.objects.count() == 0
