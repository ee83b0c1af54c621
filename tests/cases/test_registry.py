"""The action registry: one declaration per table action, every role outside the table refused, answers
built from what the action loaded equal a fresh read, and a bounded number of queries per action."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.models import User
from bianmin.cases.actions import REGISTRY
from bianmin.cases.documents import KINDS
from bianmin.cases.lifecycle import ACTIONS, AGENT, APPLICANT, APPROVER, CLERK, DIRECTOR, TRANSITIONS
from bianmin.cases.models import Case, Event, State
from bianmin.proxy.models import Handover
from tests.conftest import ApiClient, token_for

from .factories import intake, make_item, material_id

BODY = {"reason": "x", "opinion": "x", "outcome": "approved", "days": 1, "kind": "publicity"}


def test_the_registry_and_the_table_name_the_same_actions():
    assert set(REGISTRY) == set(ACTIONS)
    for name, action in REGISTRY.items():
        assert action.name == name and action.label and action.schema and callable(action.run)
        assert action.topic in {"window", "deadline", "decision", "delivery"}, name
        assert action.document is None or action.document in KINDS


def test_irreversible_steps_are_declared_so():
    assert {name for name, a in REGISTRY.items() if a.irreversible} >= {"refuse", "withdraw", "deny"}


def test_each_action_has_its_own_body_in_the_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    for name in ACTIONS:
        operation = spec["paths"][f"/api/v1/cases/{{number}}/actions/{name}"]["post"]
        assert REGISTRY[name].label in operation["summary"]
    suspend = spec["paths"]["/api/v1/cases/{number}/actions/suspend"]["post"]["requestBody"]
    refs = [s["$ref"] for s in suspend["content"]["application/json"]["schema"]["anyOf"] if "$ref" in s]
    schema_name = refs[0].rsplit("/", 1)[-1]
    assert {"kind", "reason", "version"} <= set(spec["components"]["schemas"][schema_name]["properties"])


# --- every role outside the table is refused (403), changing nothing ------------------------------

PERSONAS = {
    CLERK: "famen_clerk",
    DIRECTOR: "famen_director",
    APPROVER: "famen_minzheng",
    AGENT: "famen_agent",
}


def _refused_outside_the_table(client: ApiClient, case: Case, roles: set[str]):
    refused = 0
    for (state, action), (_, allowed) in TRANSITIONS.items():
        for role in roles - allowed:
            Case.objects.filter(pk=case.pk).update(state=state, resume_to=State.ACCEPTED)  # set-up only
            events = Event.objects.filter(case=case).count()
            r = client[role].post(f"cases/{case.number}/actions/{action}", BODY)
            assert r.status_code == 403, (role, state, action, r.content)
            assert Event.objects.filter(case=case).count() == events
            assert Case.objects.get(pk=case.pk).state == state
            refused += 1
    return refused


def test_every_staff_role_outside_the_table_is_refused_with_403(api, now):
    agent = api("famen_agent")
    number = agent.post("cases", intake(make_item("promised"), channel="proxy")).json()["number"]
    case = Case.objects.get(number=number)
    clients = {role: api(username) for role, username in PERSONAS.items()}
    # The agent's own proxy case: the clerk and director see it by center, 民政 as the lead department.
    assert _refused_outside_the_table(clients, case, set(PERSONAS)) > 40


def test_the_online_applicant_outside_the_table_is_refused_with_403(api, now):
    User.objects.create_user(username="citizen9", password="Demo@2026", name="张秀兰")
    citizen = ApiClient(token_for("citizen9"))
    item = make_item("promised")
    item.online = True  # only items open to online application take one (security probe, defect 8)
    item.save(update_fields=["online"])
    body = intake(item, center="61032410600001", channel="online")
    case = Case.objects.get(number=citizen.post("cases", body).json()["number"])
    assert _refused_outside_the_table({APPLICANT: citizen}, case, {APPLICANT}) > 15


# --- the answer is the case as a fresh read shows it -----------------------------------------------


def _same_as_fresh(client: ApiClient, answer) -> dict:
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body == client.get(f"cases/{body['number']}").json()
    return body


def test_each_answer_equals_a_fresh_read_through_a_joint_case(api, now):
    clerk, minzheng, renshe = api("famen_clerk"), api("famen_minzheng"), api("famen_renshe")
    item = make_item("joint")
    number = clerk.post("cases", intake(item, missing=("户口簿",))).json()["number"]
    body = {"deferred": [material_id(item, "户口簿")], "promise_date": "2026-03-10"}
    accepted = _same_as_fresh(clerk, clerk.post(f"cases/{number}/actions/accept", body))
    assert [t["state"] for t in accepted["tasks"]] == ["pending", "pending"]
    assert {d["kind"] for d in accepted["documents"]} == {"acceptance_notice", "deferral_promise"}
    _same_as_fresh(minzheng, minzheng.post(f"cases/{number}/actions/approve", {}))
    denied = _same_as_fresh(
        renshe, renshe.post(f"cases/{number}/actions/deny", {"reason": "不符合就业困难条件"})
    )
    assert [t["state"] for t in denied["tasks"]] == ["approved", "denied"]
    done = _same_as_fresh(minzheng, minzheng.post(f"cases/{number}/actions/complete", {}))
    assert done["outcome"] == "denied" and {"completion_notice", "denial_decision"} <= {
        d["kind"] for d in done["documents"]
    }
    _same_as_fresh(clerk, clerk.post(f"cases/{number}/actions/deliver", {"method": "window"}))


def test_each_answer_equals_a_fresh_read_through_supplement_suspension_and_extension(api, now):
    clerk, minzheng, director = api("famen_clerk"), api("famen_minzheng"), api("famen_director")
    item = make_item("promised")
    number = clerk.post("cases", intake(item, missing=("户口簿",))).json()["number"]
    hukou = material_id(item, "户口簿")
    asked = clerk.post(
        f"cases/{number}/actions/request_supplement", {"missing": [{"material": hukou, "reason": "缺"}]}
    )
    assert _same_as_fresh(clerk, asked)["materials"][1]["status"] == "missing"
    _same_as_fresh(
        clerk, clerk.post(f"cases/{number}/actions/supplement", {"materials": [{"material": hukou}]})
    )
    _same_as_fresh(clerk, clerk.post(f"cases/{number}/actions/accept", {}))
    _same_as_fresh(
        minzheng,
        minzheng.post(
            f"cases/{number}/actions/suspend",
            {"kind": "testing", "reason": "检测", "expected_end": "2026-04-30"},
        ),
    )
    _same_as_fresh(minzheng, minzheng.post(f"cases/{number}/actions/resume", {}))
    asked = _same_as_fresh(minzheng, minzheng.post(f"cases/{number}/actions/request_extension", BODY))
    assert "request_extension" not in asked["allowed_actions"]
    extended = _same_as_fresh(
        director, director.post(f"cases/{number}/actions/extend", {"days": 2, "reason": "核查"})
    )
    assert "extend" not in extended["allowed_actions"]


# --- one scoped locking read, its writes, and the answer ---------------------------------------------


# Counted here: auth 1, scope 1, the locking read with the answer's six lists 7, the calendar token 1 (once
# a request), the case update, the event (its chain head comes from the timeline read under the lock), the
# document. accept and complete also write the statistics in the same transaction (issue 16): one upsert
# per rollup table on SQLite (4), one statement on PostgreSQL; the outbox message 2. accept and deliver at
# a seated window put the case on the rating pad (seat, the pad's previous prompt done, the new one: 3), and
# deliver writes the SMS rating invitation (county rules, invite, template, message: 4), all in the
# action's transaction; the savepoint of the test client's atomic request 2; the token's last use is
# written at most every five minutes (1).
@pytest.mark.parametrize(
    ("action", "body", "most"),
    [("accept", {}, 25), ("complete", {"outcome": "approved"}, 22), ("deliver", {"method": "window"}, 22)],
)
def test_an_action_runs_a_bounded_number_of_queries(api, now, action, body, most):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    steps = ["accept", "complete", "deliver"]
    for earlier in steps[: steps.index(action)]:
        who = minzheng if earlier == "complete" else clerk
        who.post(f"cases/{number}/actions/{earlier}", {"outcome": "approved", "method": "window"})
    who = minzheng if action == "complete" else clerk
    with CaptureQueriesContext(connection) as queries:
        assert who.post(f"cases/{number}/actions/{action}", body).status_code == 200
    assert len(queries) <= most, "\n".join(q["sql"][:160] for q in queries)


def test_proxy_rules_guard_the_case_actions_without_cases_importing_proxy(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    number = agent.post("cases", intake(make_item("promised"), channel="proxy")).json()["number"]
    r = clerk.post(f"cases/{number}/actions/accept", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "papers_not_at_township"
    assert "accept" not in clerk.get(f"cases/{number}").json()["allowed_actions"]
    assert not Handover.objects.exists()


@pytest.mark.parametrize(("who", "channel"), [("famen_clerk", "window"), ("famen_agent", "proxy")])
def test_a_new_case_answers_what_a_fresh_read_shows(api, now, who, channel):
    client = api(who)
    created = client.post("cases", intake(make_item("promised"), missing=("户口簿",), channel=channel))
    assert created.status_code == 201, created.content
    body = created.json()
    fresh = client.get(f"cases/{body['number']}").json()
    assert body.pop("allowed_actions") is None and fresh.pop("allowed_actions") is not None
    assert body == fresh


def test_intake_runs_a_bounded_number_of_queries(api, now):
    clerk = api("famen_clerk")
    item = make_item("promised")
    clerk.post("cases", intake(item, n=1))  # numbering prefix and counter exist from here on
    body = intake(item, n=2)
    with CaptureQueriesContext(connection) as queries:
        assert clerk.post("cases", body).status_code == 201
    # Auth 2, center + item 5, numbering 3, case + materials + chain head + event 4, the outbox message 2,
    # the hall's one look-up for a called ticket or an outreach duty (a UNION of both), savepoints 2,
    # the statistics' 4 upserts (one per rollup table) …
    assert len(queries) <= 25, "\n".join(q["sql"][:160] for q in queries)
