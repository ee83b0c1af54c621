"""Who may act beyond the window: the online applicant, the village agent, the county approver, the director."""

from bianmin.accounts.models import User
from bianmin.core import clock
from tests.conftest import ApiClient, token_for

from .factories import intake, make_item


def test_citizen_applies_online_and_withdraws_their_own_case(api, now):
    User.objects.create_user(username="citizen1", password="Demo@2026", name="张秀兰")
    citizen = ApiClient(token_for("citizen1"))
    item = make_item("promised")
    item.online = True  # only items offered online are taken online
    item.save(update_fields=["online"])
    assert citizen.post("cases", intake(item, center="61032410600001")).status_code == 422  # channel window
    created = citizen.post("cases", intake(item, center="61032410600001", channel="online"))
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert citizen.post(f"cases/{number}/actions/accept", {}).status_code == 403
    r = citizen.post(f"cases/{number}/actions/withdraw", {"reason": "不办了"})
    assert r.status_code == 200 and r.json()["events"][-1]["role"] == "applicant"


def test_agent_registers_a_proxy_case_and_delivers_the_result(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    unsigned = agent.post("cases", intake(make_item("promised"), channel="proxy")).json()["number"]
    # No mandate from the villager, no handover: the agent carries nobody's papers on their own word.
    assert agent.post("handovers", {"direction": "up", "cases": [unsigned]}).status_code == 409
    body = intake(make_item("promised"), n=2, channel="proxy", proxy={"home_visit": False, "mandate": True})
    number = agent.post("cases", body).json()["number"]
    assert agent.post(f"cases/{number}/actions/accept", {}).status_code == 403
    up = agent.post("handovers", {"direction": "up", "cases": [number]}).json()
    clerk.post(f"handovers/{up['id']}/receive", {"received": [number]})
    clerk.post(f"cases/{number}/actions/accept", {})
    minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved"})
    # The agent delivers only once the result came back down to them (proxy return handover).
    r = agent.post(f"cases/{number}/actions/deliver", {"method": "proxy", "receiver": "张秀兰"})
    assert r.status_code == 409
    down = clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"}).json()
    agent.post(f"handovers/{down['id']}/receive", {"received": [number]})
    r = agent.post(f"cases/{number}/actions/deliver", {"method": "proxy", "receiver": "张秀兰"})
    assert r.status_code == 200, r.content
    assert r.json()["events"][-1]["role"] == "agent"


def test_county_approver_can_suspend_and_resume_an_escalated_case(api, now):
    clerk, minzheng, county = api("famen_clerk"), api("famen_minzheng"), api("fufeng_approver")
    number = clerk.post("cases", intake(make_item("escalated"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})  # 15 working days → 2026-03-23
    minzheng.post(f"cases/{number}/actions/escalate", {"opinion": "同意上报"})
    assert (
        minzheng.post(
            f"cases/{number}/actions/suspend",
            {"kind": "hearing", "reason": "x", "expected_end": "2026-04-30"},
        ).status_code
        == 403
    )
    assert (
        county.post(
            f"cases/{number}/actions/suspend",
            {"kind": "hearing", "reason": "组织听证", "expected_end": "2026-04-30"},
        ).status_code
        == 200
    )
    with clock.pinned("2026-03-04T09:00:00+08:00"):
        r = county.post(f"cases/{number}/actions/resume", {})
    assert r.json()["state"] == "escalated" and r.json()["deadline"] == "2026-03-25"


def test_yellow_threshold_is_configurable_per_county(api, now, settings):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})  # deadline Monday 3/9
    with clock.pinned("2026-03-05T09:00:00+08:00"):  # Thursday: 2 working days left
        assert clerk.get(f"cases/{number}").json()["warning"] == "green"
        settings.WARNING_YELLOW_DAYS = {"610324000000": 2}
        assert clerk.get(f"cases/{number}").json()["warning"] == "yellow"


def test_allowed_actions_follow_state_and_role(api, now):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    assert clerk.get(f"cases/{number}").json()["allowed_actions"] == [
        "accept", "request_supplement", "refuse", "withdraw",
    ]  # fmt: skip
    assert minzheng.get(f"cases/{number}").json()["allowed_actions"] == []
    clerk.post(f"cases/{number}/actions/accept", {})
    assert minzheng.get(f"cases/{number}").json()["allowed_actions"] == [
        "suspend", "request_extension", "complete",
    ]  # fmt: skip


def test_director_declines_an_extension_request_through_the_api(api, now):
    clerk, minzheng, director = api("famen_clerk"), api("famen_minzheng"), api("famen_director")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    assert (
        minzheng.post(
            f"cases/{number}/actions/request_extension", {"days": 5, "reason": "入户核查"}
        ).status_code
        == 200
    )
    assert "decline_extension" in director.get(f"cases/{number}").json()["allowed_actions"]

    no_reason = director.post(f"cases/{number}/actions/decline_extension", {})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]
    assert minzheng.post(f"cases/{number}/actions/decline_extension", {"reason": "x"}).status_code == 403

    declined = director.post(f"cases/{number}/actions/decline_extension", {"reason": "期限内可以办结"})
    assert declined.status_code == 200
    body = declined.json()
    assert (
        body["events"][-1]["action"] == "decline_extension" and body["events"][-1]["note"] == "期限内可以办结"
    )
    assert "decline_extension" not in body["allowed_actions"]
    assert director.post(f"cases/{number}/actions/decline_extension", {"reason": "再驳回"}).status_code == 409
