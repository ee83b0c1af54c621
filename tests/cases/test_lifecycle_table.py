"""The lifecycle table is the law: every (state, action) pair outside it is refused with 409, changing nothing."""

import pytest

from bianmin.cases.lifecycle import ACTIONS, TRANSITIONS, allowed_actions
from bianmin.cases.models import Case, Event, State

from .factories import intake, make_item

FORBIDDEN_PAIRS = [(s, a) for s in State.values for a in ACTIONS if (s, a) not in TRANSITIONS]


def test_table_names_only_known_states_and_actions():
    for (state, action), (to_state, roles) in TRANSITIONS.items():
        assert state in State.values and action in ACTIONS and roles
        assert to_state in State.values or to_state == "previous"
    assert allowed_actions(State.DELIVERED) == [] and allowed_actions(State.WITHDRAWN) == []


def test_every_pair_outside_the_table_is_refused_with_409(api, now):
    admin = api("admin")  # every role, so only the state can say no
    item = make_item("joint")
    number = admin.post("cases", intake(item, center="61032410600001")).json()["number"]
    case = Case.objects.get(number=number)
    assert len(FORBIDDEN_PAIRS) > 80
    for state, action in FORBIDDEN_PAIRS:
        Case.objects.filter(pk=case.pk).update(state=state)  # test set-up only; services never do this
        events = Event.objects.filter(case=case).count()
        r = admin.post(
            f"cases/{number}/actions/{action}", {"reason": "x", "opinion": "x", "outcome": "approved"}
        )
        assert r.status_code == 409, (state, action, r.content)
        assert r.json()["error"]["code"] == "invalid_state"
        assert Event.objects.filter(case=case).count() == events
        assert Case.objects.get(pk=case.pk).version == 1


@pytest.mark.parametrize("action", ["fly", "delete"])
def test_unknown_action_is_not_found(api, now, action):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    assert clerk.post(f"cases/{number}/actions/{action}", {}).status_code == 404


def test_stale_version_is_refused_with_409(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    r = clerk.post(f"cases/{number}/actions/accept", {"version": 7})
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_version"
    assert clerk.get(f"cases/{number}").json()["state"] == "received"
    assert clerk.post(f"cases/{number}/actions/accept", {"version": 1}).status_code == 200


def test_timeline_events_cannot_be_changed_or_deleted(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    event = Event.objects.get(case__number=number)
    event.note = "改写"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()


def test_case_json_uses_the_contract_keys(api, now, client):
    clerk = api("famen_clerk")
    case = clerk.post("cases", intake(make_item("promised"))).json()
    assert set(case["events"][0]) >= {"at", "actor", "role", "action", "from", "to", "note"}
    assert case["events"][0]["from"] == "" and case["events"][0]["to"] == "received"
    assert case["received_at"] == "2026-03-02T09:15:00+08:00"
    spec = client.get("/api/v1/openapi.json").json()
    assert "from" in spec["components"]["schemas"]["EventOut"]["properties"]


def test_action_body_must_be_a_json_object(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    for body in ("[1, 2]", "null", "not json"):
        r = clerk.client.post(
            f"/api/v1/cases/{number}/actions/accept",
            body,
            content_type="application/json",
            headers=clerk.headers,
        )
        assert r.status_code == 400, body
    assert clerk.get(f"cases/{number}").json()["state"] == "received"
