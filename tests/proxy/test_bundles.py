"""Handover bundles: refused whole when one case is bad, received case by case, scoped to the addressee."""

from bianmin.cases.models import Custody, Event
from bianmin.proxy.models import Handover, HandoverCase
from tests.cases.factories import SIGNATURE

from .factories import completed_at_township, hand_up, make_item, register, to_township


def _snapshot(numbers):
    """Everything a refused bundle must leave as it was."""
    return (
        Handover.objects.count(),
        HandoverCase.objects.count(),
        Custody.objects.count(),
        Event.objects.filter(case__number__in=numbers).count(),
    )


def test_a_bundle_with_one_case_already_at_the_township_is_refused_whole(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    fresh = [register(agent, item, n) for n in (1, 2)]
    at_township = to_township(agent, clerk, item, 3)
    before = _snapshot([*fresh, at_township])

    r = agent.post("handovers", {"direction": "up", "cases": [*fresh, at_township]})

    assert r.status_code == 409, r.content
    assert r.json()["error"]["code"] == "handover_refused"
    assert set(r.json()["error"]["fields"]) == {at_township}
    assert _snapshot([*fresh, at_township]) == before
    for number in fresh:
        assert agent.get(f"cases/{number}").json()["custody"]["location"] == "village"


def test_a_case_already_in_an_open_handover_cannot_go_in_another(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    first, second = register(agent, item, 1), register(agent, item, 2)
    hand_up(agent, first)
    before = _snapshot([first, second])

    r = agent.post("handovers", {"direction": "up", "cases": [second, first]})

    assert r.status_code == 409
    assert "另一张未签收的交接单" in r.json()["error"]["fields"][first]
    assert _snapshot([first, second]) == before


def test_a_case_not_ready_to_go_up_is_refused(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    number = register(agent, make_item("promised"))
    clerk.post(f"cases/{number}/actions/withdraw", {"reason": "村民不办了", "signature": SIGNATURE})
    r = agent.post("handovers", {"direction": "up", "cases": [number]})
    assert r.status_code == 409 and "撤回" in r.json()["error"]["fields"][number]


def test_an_empty_bundle_is_a_validation_error(api, now):
    r = api("famen_agent").post("handovers", {"direction": "up", "cases": []})
    assert r.status_code == 422
    assert "cases" in r.json()["error"]["fields"]
    r = api("famen_clerk").post("handovers", {"direction": "down", "cases": [], "agent": "famen_agent"})
    assert r.status_code == 422


def test_a_partly_received_handover_stays_open_for_the_rest(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    a, b, c = (register(agent, item, n) for n in (1, 2, 3))
    handover = hand_up(agent, a, b, c)

    r = clerk.post(
        f"handovers/{handover['id']}/receive",
        {"received": [a], "notes": {a: "缺户口簿复印件一份"}, "missing": [c]},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "partly_received"
    states = {e["number"]: (e["state"], e["note"]) for e in body["cases"]}
    assert states == {
        a: ("received", "缺户口簿复印件一份"),
        b: ("pending", ""),
        c: ("missing", "未随交接单送到"),
    }
    assert clerk.get(f"cases/{a}").json()["custody"]["location"] == "township"
    assert clerk.get(f"cases/{b}").json()["custody"]["location"] == "in_transit"
    events = clerk.get(f"cases/{a}").json()["events"]
    assert "缺件：缺户口簿复印件一份" in events[-1]["note"]
    # Received twice → 409; the rest later → closed.
    assert clerk.post(f"handovers/{handover['id']}/receive", {"received": [a]}).status_code == 409
    r = clerk.post(f"handovers/{handover['id']}/receive", {"received": [b, c]})
    assert r.json()["state"] == "received" and r.json()["closed_at"]
    assert clerk.post(f"handovers/{handover['id']}/receive", {"received": [b]}).status_code == 409


def test_receiving_a_handover_addressed_to_another_center_is_not_found(api, now):
    agent = api("famen_agent")
    number = register(agent, make_item("promised"))
    handover = hand_up(agent, number)
    r = api("tiandu_clerk").post(f"handovers/{handover['id']}/receive", {"received": [number]})
    assert r.status_code == 404
    assert api("tiandu_clerk").get(f"handovers/{handover['id']}").status_code == 404
    # The sender sees it but cannot sign for the receiving side.
    assert agent.post(f"handovers/{handover['id']}/receive", {"received": [number]}).status_code == 403


def test_a_return_handover_needs_completed_cases(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    waiting = to_township(agent, clerk, item, 1)
    before = _snapshot([waiting])
    r = clerk.post("handovers", {"direction": "down", "cases": [waiting], "agent": "famen_agent"})
    assert r.status_code == 409 and "尚未办结" in r.json()["error"]["fields"][waiting]
    assert _snapshot([waiting]) == before


def test_a_return_handover_is_refused_whole_when_one_case_is_not_completed(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    done = completed_at_township(agent, clerk, minzheng, item, 1)
    waiting = to_township(agent, clerk, item, 2)
    before = _snapshot([done, waiting])
    r = clerk.post("handovers", {"direction": "down", "cases": [done, waiting], "agent": "famen_agent"})
    assert r.status_code == 409
    assert _snapshot([done, waiting]) == before
    assert clerk.get(f"cases/{done}").json()["custody"]["location"] == "township"


def test_a_return_handover_names_a_real_agent_of_the_center(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    done = completed_at_township(agent, clerk, minzheng, make_item("promised"))
    r = clerk.post("handovers", {"direction": "down", "cases": [done]})
    assert r.status_code == 422 and "agent" in r.json()["error"]["fields"]
    r = clerk.post("handovers", {"direction": "down", "cases": [done], "agent": "tiandu_agent"})
    assert r.status_code == 422
    # An agent cannot make a return handover, nor a clerk an up one.
    assert (
        agent.post("handovers", {"direction": "down", "cases": [done], "agent": "famen_agent"}).status_code
        == 403
    )
    assert clerk.post("handovers", {"direction": "up", "cases": [done]}).status_code == 403


def test_only_the_holder_can_hand_a_case_up(api, now):
    """Another agent of the same village sees the case but does not hold it."""
    from factories import agent as make_agent

    from bianmin.regions.models import Region

    make_agent(Region.objects.get(code="610324106200"), "famen_agent2")
    number = register(api("famen_agent"), make_item("promised"))
    other = api("famen_agent2")
    assert other.get(f"cases/{number}").status_code == 200
    r = other.post("handovers", {"direction": "up", "cases": [number]})
    assert r.status_code == 409 and "不在您手中" in r.json()["error"]["fields"][number]
