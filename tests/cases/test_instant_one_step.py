"""即办件 in one step: `accept` with `complete` accepts and completes an instant case, issuing the result."""

from bianmin.cases.models import Case, Event

from .factories import intake, make_item


def test_accept_with_complete_finishes_an_instant_case_and_issues_the_completion_notice(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("instant"))).json()["number"]
    r = clerk.post(f"cases/{number}/actions/accept", {"complete": True, "result": "当场出具证明"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "completed" and body["outcome"] == "approved"
    assert body["accepted_at"] and body["completed_at"] and body["deadline"] == "2026-03-02"
    assert body["events"][-1]["label"] == "受理并办结"
    kinds = {d["kind"] for d in body["documents"]}
    assert "completion_notice" in kinds and "acceptance_notice" not in kinds
    case = Case.objects.get(number=number)
    assert case.completed_on_time and case.result == "当场出具证明"
    assert Event.objects.filter(case=case, action="accept", to_state="completed").count() == 1
    assert clerk.post(f"cases/{number}/actions/deliver", {}).json()["state"] == "delivered"


def test_accept_with_complete_is_refused_for_an_item_that_is_not_instant(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    r = clerk.post(f"cases/{number}/actions/accept", {"complete": True})
    assert r.status_code == 422 and "complete" in r.json()["error"]["fields"]
    case = Case.objects.get(number=number)
    assert case.state == "received" and not Event.objects.filter(case=case, action="accept").exists()
