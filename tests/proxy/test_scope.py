"""Another village's agent gets 404 for every 法门镇 proxy case, handover, document and page."""

import pytest
from django.test import Client

from .factories import completed_at_township, hand_up, make_item, proxy_intake, register, signature_png


@pytest.fixture
def famen_trail(api, now):
    """One 法门村 case at every stage: in the village with a mandate, handed up, completed and sent back."""
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    held = register(agent, item, 1)
    agent.post(
        f"proxy/cases/{held}/mandate",
        {"villager_name": "张秀兰", "villager_id_number": proxy_intake(item)["applicant"]["id_number"],
         "entrusted": "代办", "signature": signature_png()},
    )  # fmt: skip
    travelling = register(agent, item, 2)
    up = hand_up(agent, travelling)
    done = completed_at_township(agent, clerk, minzheng, item, 3)
    down = clerk.post("handovers", {"direction": "down", "cases": [done], "agent": "famen_agent"}).json()
    return {"cases": [held, travelling, done], "handovers": [up["id"], down["id"]]}


def test_another_villages_agent_gets_404_for_every_famen_case_handover_and_document(api, famen_trail):
    tiandu = api("tiandu_agent")
    for number in famen_trail["cases"]:
        assert tiandu.get(f"cases/{number}").status_code == 404
        assert tiandu.get(f"proxy/cases/{number}/custody").status_code == 404
        for kind in ("mandate", "handover_sheet", "acceptance_notice"):
            assert tiandu.get(f"cases/{number}/documents/{kind}.pdf").status_code == 404
        assert (
            tiandu.post(
                f"proxy/cases/{number}/delivery", {"receiver": "x", "signature": signature_png()}
            ).status_code
            == 404
        )
        assert tiandu.post(f"proxy/cases/{number}/mandate", {"villager_name": "x"}).status_code == 404
    for handover in famen_trail["handovers"]:
        assert tiandu.get(f"handovers/{handover}").status_code == 404
        assert tiandu.get(f"handovers/{handover}/sheet.pdf").status_code == 404
        assert (
            tiandu.post(f"handovers/{handover}/receive", {"received": famen_trail["cases"]}).status_code
            == 404
        )
    assert tiandu.get("handovers").json()["count"] == 0
    assert tiandu.get("proxy/register?from=2026-03-01&to=2026-03-31").json()["totals"]["registered"] == 0
    assert tiandu.post("handovers", {"direction": "up", "cases": famen_trail["cases"][:1]}).status_code == 404


def test_another_villages_agent_gets_404_for_the_pages_too(api, famen_trail):
    browser = Client()
    assert browser.login(username="tiandu_agent", password="Demo@2026")
    for number in famen_trail["cases"]:
        for path in (
            f"/proxy/cases/{number}/",
            f"/proxy/cases/{number}/mandate/",
            f"/proxy/cases/{number}/deliver/",
            f"/cases/{number}/documents/mandate/",
            f"/cases/{number}/documents/handover_sheet/",
        ):
            assert browser.get(path).status_code == 404, path
    for handover in famen_trail["handovers"]:
        for path in (
            f"/proxy/handovers/{handover}/",
            f"/proxy/handovers/{handover}/sheet/",
            f"/proxy/handovers/{handover}/sheet.pdf",
        ):
            assert browser.get(path).status_code == 404, path


def test_the_township_clerk_and_the_county_supervisor_see_the_handovers(api, famen_trail):
    assert api("famen_clerk").get("handovers").json()["count"] == 3  # two up (one per case), one down
    assert api("fufeng_supervisor").get("handovers").json()["count"] == 3
    assert api("tiandu_clerk").get("handovers").json()["count"] == 0
    assert api("famen_agent").get("handovers").json()["count"] == 3


def test_a_retried_registration_with_the_same_key_creates_one_case(api, now):
    """The draft kept on the phone after a dropped connection is submitted again with its key."""
    agent = api("famen_agent")
    body = proxy_intake(make_item("promised"))
    first = agent.post("cases", body, headers={"Idempotency-Key": "phone-draft-7f3a"})
    again = agent.post("cases", body, headers={"Idempotency-Key": "phone-draft-7f3a"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert agent.get("cases?page_size=200").json()["count"] == 1


def test_another_villages_agent_gets_404_from_every_write_on_a_famen_case(api, famen_trail):
    """Photos, the SMS mandate, the staff case page and scans, and the phone pages' forms: all 404."""
    from .test_papers import _jpeg, _upload

    held = famen_trail["cases"][0]
    famen = api("famen_agent")
    photo = _upload(famen, held, "id.jpg", _jpeg(), "image/jpeg")
    assert photo.status_code == 201
    tiandu = api("tiandu_agent")
    browser = Client()
    assert browser.login(username="tiandu_agent", password="Demo@2026")
    for number in famen_trail["cases"]:
        assert _upload(tiandu, number, "id.jpg", _jpeg(), "image/jpeg").status_code == 404
        assert tiandu.post(f"proxy/cases/{number}/mandate/confirm", {"code": "123456"}).status_code == 404
        assert tiandu.post(f"cases/{number}/actions/deliver", {"method": "proxy"}).status_code == 404
        assert browser.get(f"/cases/{number}/").status_code == 404
        for path, data in (
            (f"/proxy/cases/{number}/mandate/", {"villager_name": "x", "signature": signature_png()}),
            (f"/proxy/cases/{number}/mandate/", {"action": "confirm", "code": "123456"}),
            (f"/proxy/cases/{number}/deliver/", {"receiver": "x", "signature": signature_png()}),
        ):
            assert browser.post(path, data).status_code == 404, path
    file_id = photo.json()["id"]
    assert famen.get(f"cases/{held}/files/{file_id}").status_code == 200
    assert tiandu.get(f"cases/{held}/files/{file_id}").status_code == 404
    assert browser.get(f"/cases/{held}/files/{file_id}/").status_code == 404
    assert (
        browser.post(
            f"/proxy/handovers/{famen_trail['handovers'][1]}/", {"received": famen_trail["cases"][2:]}
        ).status_code
        == 404
    )
    # Their own registration page offers their township's items, never a way into 法门镇's cases.
    assert browser.get("/proxy/new/").status_code == 200
    found = browser.get("/proxy/new/items/?q=gljt").content.decode()
    assert "高龄津贴申请" in found and "法门镇" not in found
    for number in famen_trail["cases"]:
        assert number not in browser.get("/proxy/").content.decode()


def test_only_the_agent_opens_the_mandate_and_delivery_pages_that_show_the_full_id(api, famen_trail):
    held = famen_trail["cases"][0]
    for username in ("famen_clerk", "famen_minzheng", "famen_director", "fufeng_supervisor"):
        staff = Client()
        assert staff.login(username=username, password="Demo@2026")
        assert staff.get(f"/proxy/cases/{held}/mandate/").status_code == 404
        assert staff.get(f"/proxy/cases/{held}/deliver/").status_code == 404
    agent = Client()
    assert agent.login(username="famen_agent", password="Demo@2026")
    assert agent.get(f"/proxy/cases/{held}/mandate/").status_code == 200
