"""Instant, joint, escalated, refused and withdrawn cases end to end through the API."""

from bianmin.core import clock

from .factories import SIGNATURE, intake, make_item


def test_instant_case_is_accepted_and_completed_the_same_day_by_the_clerk(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("instant"))).json()["number"]
    accepted = clerk.post(f"cases/{number}/actions/accept", {}).json()
    assert accepted["deadline"] == "2026-03-02" and accepted["case_class"] == "instant"
    done = clerk.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "当场发证"})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "completed"
    assert clerk.post(f"cases/{number}/actions/deliver", {}).json()["state"] == "delivered"


def test_clerk_cannot_complete_a_promised_case(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    assert clerk.post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code == 403


def test_joint_case_needs_every_department_before_completion(api, now):
    clerk, minzheng, renshe = api("famen_clerk"), api("famen_minzheng"), api("famen_renshe")
    number = clerk.post("cases", intake(make_item("joint"))).json()["number"]
    case = clerk.post(f"cases/{number}/actions/accept", {}).json()
    assert case["case_class"] == "joint"
    assert sorted(t["department"]["code"] for t in case["tasks"]) == ["610324106000MZ", "610324106000RS"]
    assert {t["state"] for t in case["tasks"]} == {"pending"}
    # The 人社 approver sees the joint case through its task.
    assert renshe.get(f"cases/{number}").status_code == 200

    assert minzheng.post(f"cases/{number}/actions/approve", {}).status_code == 200
    early = minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved"})
    assert early.status_code == 409 and early.json()["error"]["code"] == "tasks_pending"
    assert minzheng.post(f"cases/{number}/actions/approve", {}).status_code == 409  # already decided
    assert renshe.post(f"cases/{number}/actions/deny", {}).status_code == 422  # a denial needs a reason
    assert renshe.post(f"cases/{number}/actions/approve", {}).status_code == 200
    # 人社 is not the lead: it decides its task but does not complete.
    assert renshe.post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code == 403
    done = minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved"})
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "approved"
    assert {t["state"] for t in done.json()["tasks"]} == {"approved"}


def test_joint_case_with_a_denied_task_cannot_be_approved_and_is_returned(api, now):
    clerk, minzheng, renshe = api("famen_clerk"), api("famen_minzheng"), api("famen_renshe")
    number = clerk.post("cases", intake(make_item("joint"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    minzheng.post(f"cases/{number}/actions/approve", {})
    renshe.post(f"cases/{number}/actions/deny", {"reason": "不符合就业困难人员认定条件"})
    assert minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code == 409
    done = minzheng.post(
        f"cases/{number}/actions/complete", {"outcome": "denied", "reason": "人社所不同意"}
    ).json()
    assert done["outcome"] == "denied" and done["case_class"] == "returned"
    assert "denial_decision" in {d["kind"] for d in done["documents"]}


def test_escalated_case_is_decided_by_the_county_and_delivered_by_the_township(api, now):
    clerk, minzheng, county = api("famen_clerk"), api("famen_minzheng"), api("fufeng_approver")
    number = clerk.post("cases", intake(make_item("escalated"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    # Before the township's first review the county sees nothing, and the township cannot complete.
    assert county.get(f"cases/{number}").status_code == 404
    assert minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code == 409
    assert minzheng.post(f"cases/{number}/actions/escalate", {}).status_code == 422
    up = minzheng.post(
        f"cases/{number}/actions/escalate", {"opinion": "经入户核查，符合特困供养条件，建议批准"}
    )
    assert up.status_code == 200 and up.json()["state"] == "escalated"

    assert number in [c["number"] for c in county.get("cases?state=escalated").json()["results"]]
    assert minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code == 403
    done = county.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "纳入特困供养"})
    assert done.status_code == 200, done.content
    assert done.json()["events"][-1]["role"] == "approver"
    assert done.json()["events"][-1]["actor"] == "钱审批"
    delivered = clerk.post(f"cases/{number}/actions/deliver", {"method": "window"})
    assert delivered.status_code == 200 and delivered.json()["state"] == "delivered"
    assert county.get(f"cases/{number}").status_code == 200  # still the county's record


def test_refused_case_needs_a_reason_and_becomes_returned(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    missing = clerk.post(f"cases/{number}/actions/refuse", {"reason": "  "})
    assert missing.status_code == 422 and "reason" in missing.json()["error"]["fields"]
    assert clerk.get(f"cases/{number}").json()["version"] == 1
    refused = clerk.post(
        f"cases/{number}/actions/refuse", {"reason": "申请人户籍不在本镇，不属于本机关职权范围"}
    )
    case = refused.json()
    assert case["state"] == "refused" and case["case_class"] == "returned"
    assert [d["kind"] for d in case["documents"]] == ["refusal_notice"]
    assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 409


def test_withdrawn_case_stops_and_cannot_be_withdrawn_after_completion(api, now):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    number = clerk.post("cases", intake(item)).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    minzheng.post(
        f"cases/{number}/actions/suspend",
        {"kind": "hearing", "reason": "组织听证", "expected_end": "2026-04-30"},
    )
    r = clerk.post(f"cases/{number}/actions/withdraw", {"reason": "申请人主动撤回", "signature": SIGNATURE})
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    assert r.json()["events"][-1]["note"] == "申请人主动撤回"

    other = clerk.post("cases", intake(item, n=2)).json()["number"]
    clerk.post(f"cases/{other}/actions/accept", {})
    with clock.pinned("2026-03-03T09:00:00+08:00"):
        minzheng.post(f"cases/{other}/actions/complete", {"outcome": "approved"})
    assert clerk.post(f"cases/{other}/actions/withdraw", {}).status_code == 409


def test_accept_with_deferrable_material_missing_needs_a_promise_date(api, now):
    clerk = api("famen_clerk")
    item = make_item("promised")
    number = clerk.post("cases", intake(item, missing=("户口簿",))).json()["number"]
    hukou = item.materials.get(name="户口簿").pk
    no_promise = clerk.post(f"cases/{number}/actions/accept", {})
    assert no_promise.status_code == 422 and "materials" in no_promise.json()["error"]["fields"]
    no_date = clerk.post(f"cases/{number}/actions/accept", {"deferred": [hukou]})
    assert no_date.status_code == 422 and "promise_date" in no_date.json()["error"]["fields"]
    ok = clerk.post(f"cases/{number}/actions/accept", {"deferred": [hukou], "promise_date": "2026-03-09"})
    assert ok.status_code == 200, ok.content
    case = ok.json()
    assert {d["kind"] for d in case["documents"]} == {"acceptance_notice", "deferral_promise"}
    row = next(m for m in case["materials"] if m["material"] == hukou)
    assert row["status"] == "deferred" and row["promise_date"] == "2026-03-09"


def test_required_material_that_is_not_deferrable_blocks_acceptance(api, now):
    clerk = api("famen_clerk")
    item = make_item("promised")
    number = clerk.post("cases", intake(item, missing=("申请人身份证",))).json()["number"]
    idcard = item.materials.get(name="申请人身份证").pk
    r = clerk.post(f"cases/{number}/actions/accept", {"deferred": [idcard], "promise_date": "2026-03-09"})
    assert r.status_code == 422 and "deferred" in r.json()["error"]["fields"]
    assert clerk.get(f"cases/{number}").json()["state"] == "received"
