"""Who may take which step: 首问负责 (the person who registered it answers on the spot until it is
dispatched), the village agent registering by phone, the department's steps, the director's approval."""

from bianmin.inquiries.models import Channel, WorkOrder

from .conftest import complaint_body


def test_an_agent_registers_by_phone_for_the_township_and_may_answer_on_the_spot(api):
    agent = api("famen_agent")
    r = agent.post("inquiries", complaint_body(kind="consult", channel="agent"))
    assert r.status_code == 201, r.content
    order = r.json()
    assert order["center"]["code"] == "61032410600001" and order["channel"] == Channel.AGENT
    assert "answer" in order["allowed_actions"] and "dispatch" not in order["allowed_actions"]
    # The township's window sees it and could dispatch it; the agent sees only the orders they registered.
    api("famen_clerk").post("inquiries", complaint_body(kind="help"))
    assert [o["number"] for o in agent.get("inquiries").json()["results"]] == [order["number"]]
    r = agent.post(f"inquiries/{order['number']}/actions/answer", {"text": "当场告知：带身份证到镇中心。"})
    assert r.status_code == 200 and r.json()["state"] == "answered"
    assert WorkOrder.objects.get(number=order["number"]).answered_by.username == "famen_agent"


def test_once_dispatched_the_first_person_no_longer_owns_it(api):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    number = agent.post("inquiries", complaint_body(kind="consult", channel="agent")).json()["number"]
    clerk.post(f"inquiries/{number}/actions/dispatch", {"department": "610324106000MZ"})
    assert agent.post(f"inquiries/{number}/actions/answer", {"text": "x"}).status_code == 403
    assert WorkOrder.objects.get(number=number).owner is None


def test_the_window_cannot_take_the_departments_steps(api):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
    clerk.post(f"inquiries/{number}/actions/dispatch", {"department": "610324106000MZ"})
    assert clerk.post(f"inquiries/{number}/actions/accept").status_code == 403
    assert clerk.post(f"inquiries/{number}/actions/return", {"reason": "x"}).status_code == 403
    assert minzheng.post(f"inquiries/{number}/actions/escalate").status_code == 403
    assert clerk.post(f"inquiries/{number}/actions/approve_extension").status_code == 403  # the director's
    assert WorkOrder.objects.get(number=number).state == "dispatched"


def test_an_escalated_order_reaches_the_county_department(api):
    clerk, county = api("famen_clerk"), api("fufeng_approver")
    number = clerk.post("inquiries", complaint_body(kind="help")).json()["number"]
    clerk.post(f"inquiries/{number}/actions/dispatch", {"department": "610324106000MZ"})
    assert county.get(f"inquiries/{number}").status_code == 404
    r = clerk.post(f"inquiries/{number}/actions/escalate")
    assert r.json()["escalated"] is True and r.json()["department"]["name"] == "扶风县民政局"
    assert county.get(f"inquiries/{number}").status_code == 200
    assert api("famen_minzheng").get(f"inquiries/{number}").status_code == 404
