"""A proxy case from a home visit to delivery through the API; the timeline names every holder in order."""

from bianmin.core import clock

from .factories import make_item, proxy_intake, signature_png


def test_home_visit_case_travels_up_and_back_and_every_holder_is_on_the_timeline(api):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")

    with clock.pinned("2026-03-02T09:15:00+08:00"):
        r = agent.post("cases", proxy_intake(item), headers={"Idempotency-Key": "draft-walk-1"})
        assert r.status_code == 201, r.content
        case = r.json()
        number = case["number"]
        assert case["channel"] == "proxy"
        assert case["custody"] == {"location": "village", "location_label": "在村", "holder": "王代办"}

        r = agent.post(
            f"proxy/cases/{number}/mandate",
            {"villager_name": "张秀兰", "villager_id_number": proxy_intake(item)["applicant"]["id_number"],
             "entrusted": "代为办理临时救助申请", "method": "signature", "signature": signature_png()},
        )  # fmt: skip
        assert r.status_code == 201, r.content
        assert r.json()["signed"] is True

    with clock.pinned("2026-03-03T08:40:00+08:00"):
        r = agent.post("handovers", {"direction": "up", "cases": [number]})
        assert r.status_code == 201, r.content
        up = r.json()
        assert up["direction"] == "up" and up["state"] == "in_transit"
        assert up["to"]["center"] == "61032410600001" and up["from"]["user"] == "famen_agent"
        assert [c["number"] for c in up["cases"]] == [number]
        assert agent.get(f"cases/{number}").json()["custody"]["location"] == "in_transit"

    with clock.pinned("2026-03-03T10:00:00+08:00"):
        r = clerk.post(f"handovers/{up['id']}/receive", {"received": [number]})
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "received"
        custody = clerk.get(f"cases/{number}").json()["custody"]
        assert custody["location"] == "township" and "孙受理" in custody["holder"]
        assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200

    with clock.pinned("2026-03-05T15:00:00+08:00"):
        r = minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "批准"})
        assert r.status_code == 200, r.content
        # The result is still at the township: the agent cannot deliver it yet.
        r = agent.post(f"proxy/cases/{number}/delivery", {"receiver": "张秀兰", "signature": signature_png()})
        assert r.status_code == 409 and r.json()["error"]["code"] == "result_not_back"

    with clock.pinned("2026-03-06T09:00:00+08:00"):
        r = clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"})
        assert r.status_code == 201, r.content
        down = r.json()
        assert down["state"] == "in_transit" and down["to"]["user"] == "famen_agent"
        r = agent.post(f"handovers/{down['id']}/receive", {"received": [number]})
        assert r.status_code == 200 and r.json()["state"] == "received"
        assert agent.get(f"cases/{number}").json()["custody"]["holder"] == "王代办（代办员，法门村）"

    with clock.pinned("2026-03-06T16:30:00+08:00"):
        r = agent.post(f"proxy/cases/{number}/delivery", {"receiver": "张秀兰", "signature": signature_png()})
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "delivered"

    case = agent.get(f"cases/{number}").json()
    assert case["state"] == "delivered"
    assert case["custody"]["holder"] == "村民张秀兰（已签收）"
    steps = [(e["action"], e["actor"]) for e in case["events"]]
    assert steps == [
        ("receive", "王代办"),
        ("mandate", "王代办"),
        ("handover_up", "王代办"),
        ("handover_receive", "孙受理"),
        ("accept", "孙受理"),
        ("complete", "吴民政"),
        ("handover_down", "孙受理"),
        ("handover_receive", "王代办"),
        ("deliver", "王代办"),
    ]
    custody = agent.get(f"proxy/cases/{number}/custody").json()
    assert custody["holders"] == [
        "王代办（代办员）",
        "在途",
        "孙受理（法门镇便民服务中心）",
        "在途",
        "王代办（代办员）",
        "村民张秀兰",
    ]
    notes = {e["action"] + str(i): e["note"] for i, e in enumerate(case["events"])}
    assert "王代办将办件交往法门镇便民服务中心" in notes["handover_up2"]
    assert "申请人身份证" in notes["handover_up2"]  # the papers that travelled
    assert notes["handover_receive3"].startswith("孙受理（法门镇便民服务中心）签收王代办")
    assert "交王代办带回" in notes["handover_down6"]
    assert "签收人：张秀兰" in notes["deliver8"]
    kinds = {d["kind"] for d in case["documents"]}
    assert {"mandate", "handover_sheet", "delivery_receipt"} <= kinds
    for kind in ("mandate", "handover_sheet", "delivery_receipt"):
        pdf = agent.get(f"cases/{number}/documents/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
