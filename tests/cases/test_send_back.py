"""退回补充初审: the county approver returns an escalated case to the township, which reviews and sends it
up again — the one action added after the registry: a table row, one declaration and this test."""

from bianmin.cases.models import Event

from .factories import intake, make_item


def _escalated(api):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("cases", intake(make_item("escalated"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    up = minzheng.post(f"cases/{number}/actions/escalate", {"opinion": "经入户核查，符合条件"})
    assert up.json()["state"] == "escalated"
    return number


def test_county_sends_an_escalated_case_back_and_the_township_escalates_again(api, now):
    number = _escalated(api)
    county, minzheng = api("fufeng_approver"), api("famen_minzheng")
    assert "send_back" in county.get(f"cases/{number}").json()["allowed_actions"]
    refused = county.post(f"cases/{number}/actions/send_back", {})
    assert refused.status_code == 422 and "reason" in refused.json()["error"]["fields"]
    back = county.post(
        f"cases/{number}/actions/send_back", {"reason": "请补充申请人家庭成员收入证明的核查记录"}
    )
    assert back.status_code == 200, back.content
    body = back.json()
    assert body["state"] == "accepted" and body["events"][-1]["action"] == "send_back"
    assert body["events"][-1]["label"] == "退回乡镇补充初审"
    assert "send_back_notice" in {d["kind"] for d in body["documents"]}
    assert body["custody"]["location"] == "township"
    # The township's lead department reviews again and sends it up; the county decides.
    assert "escalate" in minzheng.get(f"cases/{number}").json()["allowed_actions"]
    again = minzheng.post(f"cases/{number}/actions/escalate", {"opinion": "已补充收入核查记录"})
    assert again.json()["state"] == "escalated"
    done = county.post(f"cases/{number}/actions/complete", {"outcome": "approved"})
    assert done.json()["state"] == "completed"


def test_only_the_county_department_sends_back_and_only_an_escalated_case(api, now):
    number = _escalated(api)
    minzheng = api("famen_minzheng")
    r = minzheng.post(f"cases/{number}/actions/send_back", {"reason": "x"})
    assert r.status_code == 403 and not Event.objects.filter(action="send_back").exists()
    county = api("fufeng_approver")
    county.post(f"cases/{number}/actions/send_back", {"reason": "补充核查"})
    r = county.post(f"cases/{number}/actions/send_back", {"reason": "再退一次"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_state"


def test_the_send_back_notice_names_what_to_add(api, now, client):
    number = _escalated(api)
    county = api("fufeng_approver")
    county.post(f"cases/{number}/actions/send_back", {"reason": "请补充家庭收入核查记录"})
    pdf = county.get(f"/api/v1/cases/{number}/documents/send_back_notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from bianmin.cases.models import Document

    doc = Document.objects.get(case__number=number, kind="send_back_notice")
    assert doc.data["reason"] == "请补充家庭收入核查记录" and doc.data["county_department"] == "扶风县民政局"
