"""Out of scope is invisible: another township's clerk, agent or approver gets 404 for everything."""

import pytest

from bianmin.cases.models import Event

from .factories import intake, make_item

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def famen_case(api, now):
    from .factories import approver_at

    approver_at("tiandu_minzheng", "610324100000MZ")
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    upload = clerk.client.post(
        f"/api/v1/cases/{number}/files", {"file": _file(PNG, "scan.png")}, headers=clerk.headers
    )
    assert upload.status_code == 201, upload.content
    return number, upload.json()["id"]


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("username", ["tiandu_clerk", "tiandu_agent", "tiandu_minzheng", "famen_renshe"])
def test_outsiders_get_404_for_case_documents_files_and_actions(api, famen_case, username):
    number, file_id = famen_case
    outsider = api(username) if username != "tiandu_minzheng" else _client("tiandu_minzheng")
    assert outsider.get(f"cases/{number}").status_code == 404
    assert outsider.get(f"cases/{number}?reveal=1").status_code == 404
    assert outsider.get(f"cases/{number}/documents/acceptance_notice.pdf").status_code == 404
    assert outsider.get(f"cases/{number}/files/{file_id}").status_code == 404
    for action in ("suspend", "complete", "withdraw", "accept"):
        r = outsider.post(
            f"cases/{number}/actions/{action}",
            {"kind": "hearing", "reason": "x", "expected_end": "2026-04-30"},
        )
        assert r.status_code == 404, (action, r.content)
    assert number not in [c["number"] for c in outsider.get("cases").json()["results"]]
    assert outsider.client.get(f"/cases/{number}/documents/acceptance_notice/").status_code in (302, 404)
    assert not Event.objects.filter(case__number=number, actor__username=username).exists()


def _client(username):
    from tests.conftest import ApiClient, token_for

    return ApiClient(token_for(username))


def test_insiders_see_the_case_and_its_files(api, famen_case):
    number, file_id = famen_case
    for username in ("famen_clerk", "famen_director", "famen_minzheng", "fufeng_supervisor", "admin"):
        who = api(username)
        assert who.get(f"cases/{number}").status_code == 200, username
        scan = who.get(f"cases/{number}/files/{file_id}")
        assert scan.status_code == 200 and scan["Content-Type"] == "image/png"
        assert b"".join(scan.streaming_content).startswith(b"\x89PNG")


def test_agent_sees_the_cases_they_registered(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    mine = agent.post("cases", intake(item, channel="proxy", proxy={"home_visit": True, "mandate": True}))
    assert mine.status_code == 201, mine.content
    assert mine.json()["center"]["code"] == "61032410600001"
    walk_in = clerk.post("cases", intake(item, n=2)).json()["number"]
    numbers = [c["number"] for c in agent.get("cases").json()["results"]]
    assert numbers == [mine.json()["number"]]
    assert agent.get(f"cases/{walk_in}").status_code == 404


def test_reveal_shows_full_values_and_is_recorded_on_the_timeline(api, famen_case):
    number, _ = famen_case
    director = api("famen_director")
    masked = director.get(f"cases/{number}").json()["applicant"]
    assert masked["id_number"] == "610324********0011"[:6] + "********" + masked["id_number"][-4:]
    assert masked["phone"] == "138****5678"
    assert not any(e["action"] == "reveal" for e in director.get(f"cases/{number}").json()["events"])
    full = director.get(f"cases/{number}?reveal=1").json()
    assert full["applicant"]["phone"] == "13812345678" and "*" not in full["applicant"]["id_number"]
    reveal = [e for e in full["events"] if e["action"] == "reveal"]
    assert len(reveal) == 1 and reveal[0]["actor"] == "周主任" and reveal[0]["role"] == "director"


def test_lists_mask_personal_data(api, famen_case):
    body = api("famen_clerk").get("cases").json()
    assert body["count"] == 1
    applicant = body["results"][0]["applicant"]
    assert "*" in applicant["id_number"] and applicant["phone"] == "138****5678"


def test_supervisor_cannot_act_but_sees_the_county(api, famen_case):
    number, _ = famen_case
    supervisor = api("fufeng_supervisor")
    assert (
        supervisor.post(
            f"cases/{number}/actions/suspend",
            {"kind": "hearing", "reason": "x", "expected_end": "2026-04-30"},
        ).status_code
        == 403
    )
