"""The township decides on papers it holds, and hands a result over at the window only while it has it."""

import pytest
from django.test import Client

from bianmin.accounts.models import User

from .factories import completed_at_township, hand_up, make_item, register, signature_png

DECISIONS = ("accept", "request_supplement", "refuse")


def _body(action, item):
    if action == "request_supplement":
        return {"missing": [{"material": item.materials.first().pk, "reason": "复印件不清晰"}]}
    return {"reason": "不属于本中心受理范围"} if action == "refuse" else {}


@pytest.mark.parametrize("action", DECISIONS)
def test_no_decision_while_the_papers_are_still_with_the_agent(api, now, action):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    number = register(agent, item)
    before = clerk.get(f"cases/{number}").json()
    r = clerk.post(f"cases/{number}/actions/{action}", _body(action, item))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "papers_not_at_township"
    assert "尚未交到镇中心" in r.json()["error"]["message"] and "王代办" in r.json()["error"]["message"]
    after = clerk.get(f"cases/{number}").json()
    assert (after["state"], after["version"], len(after["events"])) == ("received", before["version"], 1)


@pytest.mark.parametrize("action", DECISIONS)
def test_no_decision_while_the_papers_are_on_the_road_or_missing_from_the_bundle(api, now, action):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    arrived, lost = register(agent, item, 1), register(agent, item, 2)
    handover = hand_up(agent, arrived, lost)
    assert clerk.post(f"cases/{arrived}/actions/{action}", _body(action, item)).status_code == 409
    clerk.post(f"handovers/{handover['id']}/receive", {"received": [arrived], "missing": [lost]})
    r = clerk.post(f"cases/{lost}/actions/{action}", _body(action, item))
    assert r.status_code == 409 and "在途" in r.json()["error"]["message"]
    assert clerk.post(f"cases/{arrived}/actions/{action}", _body(action, item)).status_code == 200


def test_the_case_page_offers_no_decision_until_the_handover_is_received(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    number = register(agent, make_item("promised"))
    desk = Client()
    desk.force_login(User.objects.get(username="famen_clerk"))
    page = desk.get(f"/cases/{number}/").content.decode()
    assert "确认受理" not in page and "代办材料尚未交到镇中心" in page
    assert "王代办（代办员）" in page  # 经手
    handover = hand_up(agent, number)
    clerk.post(f"handovers/{handover['id']}/receive", {"received": [number]})
    page = desk.get(f"/cases/{number}/").content.decode()
    assert "确认受理" in page and "代办材料尚未交到镇中心" not in page
    assert "王代办（代办员） → 在途 → 孙受理（法门镇便民服务中心）" in page


def test_a_villager_at_the_window_takes_a_result_the_township_still_holds(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    number = completed_at_township(agent, clerk, minzheng, make_item("promised"))
    r = clerk.post(f"cases/{number}/actions/deliver", {"method": "window", "receiver": "张秀兰"})
    assert r.status_code == 200, r.content
    case = agent.get(f"cases/{number}").json()
    assert case["state"] == "delivered"
    assert case["custody"] == {
        "location": "village",
        "location_label": "在村",
        "holder": "申请人张秀兰（在法门镇便民服务中心窗口领取）",
    }
    # The agent sees it delivered and has nothing to carry back.
    assert (
        clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"}).status_code
        == 409
    )


def test_the_window_cannot_deliver_a_result_that_left_with_the_agent(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    number = completed_at_township(agent, clerk, minzheng, make_item("promised"))
    down = clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"}).json()
    r = clerk.post(f"cases/{number}/actions/deliver", {"method": "window"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "result_with_agent"
    agent.post(f"handovers/{down['id']}/receive", {"received": [number]})
    assert clerk.post(f"cases/{number}/actions/deliver", {"method": "window"}).status_code == 409
    desk = Client()
    desk.force_login(User.objects.get(username="famen_clerk"))
    assert "确认送达" not in desk.get(f"/cases/{number}/").content.decode()
    r = agent.post(f"proxy/cases/{number}/delivery", {"receiver": "张秀兰", "signature": signature_png()})
    assert r.status_code == 200
