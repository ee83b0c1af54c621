"""A promised case end to end through the API, with deadlines hand-counted across 国庆 2026.

2026 National Day: 10/1–10/7 off (9/25 中秋 too), make-up workdays Sun 9/20 and Sat 10/10.
"""

from bianmin.cases.models import Event
from bianmin.core import clock
from bianmin.messaging.models import Message

from .factories import intake, make_item, material_id


def test_promised_case_walks_supplement_accept_suspend_resume_complete_deliver(api):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")  # 5 working days

    with clock.pinned("2026-09-21T09:00:00+08:00"):
        created = clerk.post("cases", intake(item, missing=("户口簿",)))
        assert created.status_code == 201, created.content
        case = created.json()
        number = case["number"]
        assert number.startswith("FM-20260921-")
        assert case["state"] == "received" and case["deadline"] is None
        assert len(case["query_code"]) == 6 and case["query_code"].isdigit()

        r = clerk.post(
            f"cases/{number}/actions/request_supplement",
            {"missing": [{"material": material_id(item, "户口簿"), "reason": "未提供户口簿原件"}]},
        )
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "supplement_requested"

    with clock.pinned("2026-09-22T10:00:00+08:00"):
        r = clerk.post(
            f"cases/{number}/actions/supplement",
            {"materials": [{"material": material_id(item, "户口簿"), "originals": 1, "copies": 1}]},
        )
        assert r.json()["state"] == "received"

    with clock.pinned("2026-09-28T09:30:00+08:00"):  # Monday
        r = clerk.post(f"cases/{number}/actions/accept", {"version": r.json()["version"]})
        assert r.status_code == 200, r.content
        case = r.json()
        # 9/29 (1), 9/30 (2), 10/1–10/7 holiday, 10/8 (3), 10/9 (4), Sat 10/10 make-up workday (5).
        assert case["deadline"] == "2026-10-10"
        assert case["deadline_confirmed"] is True
        assert case["case_class"] == "promised"
        assert case["warning"] == "green"
        assert {d["kind"] for d in case["documents"]} >= {"supplement_notice", "acceptance_notice"}

    with clock.pinned("2026-10-08T09:00:00+08:00"):
        r = minzheng.post(
            f"cases/{number}/actions/suspend",
            {"kind": "inspection", "reason": "需入户核查家庭收入", "expected_end": "2026-10-30"},
        )
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "suspended" and r.json()["warning"] == "none"

    with clock.pinned("2026-10-12T09:00:00+08:00"):
        r = minzheng.post(f"cases/{number}/actions/resume", {})
        # Paused 10/8, 10/9, 10/10 (3 working days; 10/12 not counted) → 10/12, 10/13, 10/14.
        assert r.json()["state"] == "accepted"
        assert r.json()["deadline"] == "2026-10-14"

    with clock.pinned("2026-10-13T09:00:00+08:00"):
        assert minzheng.get(f"cases/{number}").json()["warning"] == "yellow"

    with clock.pinned("2026-10-14T16:00:00+08:00"):
        r = minzheng.post(
            f"cases/{number}/actions/complete", {"outcome": "approved", "result": "批准临时救助 2000 元"}
        )
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "completed" and r.json()["outcome"] == "approved"
        assert r.json()["warning"] == "none"

    with clock.pinned("2026-10-15T09:00:00+08:00"):
        r = clerk.post(f"cases/{number}/actions/deliver", {"method": "window", "receiver": "张秀兰"})
        assert r.status_code == 200, r.content
        case = r.json()
    assert case["state"] == "delivered"
    actions = [e["action"] for e in case["events"]]
    assert actions == [
        "receive", "request_supplement", "supplement", "accept", "suspend", "resume", "complete", "deliver",
    ]  # fmt: skip
    assert Event.objects.filter(case__number=number).count() == 8
    assert {d["kind"] for d in case["documents"]} == {
        "supplement_notice", "acceptance_notice", "suspension_notice", "completion_notice", "delivery_receipt",
    }  # fmt: skip


def test_extension_by_director_moves_deadline_once(api):
    clerk, director = api("famen_clerk"), api("famen_director")
    item = make_item("promised", extension_days=10)
    with clock.pinned("2026-09-28T09:30:00+08:00"):
        number = clerk.post("cases", intake(item)).json()["number"]
        clerk.post(f"cases/{number}/actions/accept", {})
        assert (
            clerk.post(f"cases/{number}/actions/extend", {"days": 3, "reason": "需补充调查"}).status_code
            == 403
        )
        assert director.post(f"cases/{number}/actions/extend", {"days": 11, "reason": "x"}).status_code == 422
        assert director.post(f"cases/{number}/actions/extend", {"days": 3}).status_code == 422
        r = director.post(f"cases/{number}/actions/extend", {"days": 3, "reason": "需补充调查"})
        assert r.status_code == 200, r.content
        # From 10/10 (Sat, make-up): 10/12, 10/13, 10/14.
        assert r.json()["deadline"] == "2026-10-14"
        again = director.post(f"cases/{number}/actions/extend", {"days": 1, "reason": "再延"})
        assert again.status_code == 409


def test_case_left_received_past_five_working_days_counts_from_receipt(api):
    clerk = api("famen_clerk")
    item = make_item("promised")
    with clock.pinned("2026-03-02T09:00:00+08:00"):  # Monday
        number = clerk.post("cases", intake(item)).json()["number"]
    with clock.pinned("2026-03-09T09:00:00+08:00"):  # 5th working day after receipt: still in time
        assert clerk.get(f"cases/{number}").json()["overdue_receipt"] is False
    with clock.pinned("2026-03-10T09:00:00+08:00"):
        assert clerk.get(f"cases/{number}").json()["overdue_receipt"] is True
        case = clerk.post(f"cases/{number}/actions/accept", {}).json()
    # The clock started at receipt (3/2): 3/3, 3/4, 3/5, 3/6, 3/9 → already past, so red.
    assert case["deadline"] == "2026-03-09"
    assert case["warning"] == "red"
    assert case["events"][-1]["action"] == "accept"


def test_applicant_is_notified_after_the_action_commits(api, now, django_capture_on_commit_callbacks):
    clerk = api("famen_clerk")
    item = make_item("promised")
    with django_capture_on_commit_callbacks(execute=True):
        number = clerk.post("cases", intake(item)).json()["number"]
        clerk.post(f"cases/{number}/actions/accept", {})
    texts = list(Message.objects.filter(case__number=number).values_list("template", "phone", "text"))
    assert [k for k, _, _ in texts] == ["receive", "accept"]
    assert texts[1][1] == "13812345678"
    assert "承诺于2026年03月09日前办结" in texts[1][2] and "法门镇便民服务中心" in texts[1][2]
