"""GET /api/v1/proxy/changes: the phone pulls its own village's cases, handovers, its township's items
with their questions and materials, and the duty days — first everything, then only what changed."""

from bianmin.cases.models import Case
from tests.proxy.factories import hand_up, make_item, proxy_intake, register

TIANDU = "610324100000"


def test_the_first_sync_holds_the_agents_cases_items_and_duty_days(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)

    r = agent.get("proxy/changes")

    assert r.status_code == 200, r.content
    feed = r.json()
    assert feed["full"] is True
    assert feed["agent"]["username"] == "famen_agent"
    assert [c["number"] for c in feed["cases"]] == [number]
    case = feed["cases"][0]
    assert case["bucket"] == "to_hand_over"
    assert case["events"][0]["label"]
    offered = {i["code"]: i for i in feed["items"]}
    assert item.code in offered
    assert offered[item.code]["materials"] and "fields" in offered[item.code]
    assert set(feed["item_codes"]) == set(offered)


def test_a_later_sync_holds_only_what_changed(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    old, moved = register(agent, item, 1), register(agent, item, 2)
    cursor = agent.get("proxy/changes").json()["cursor"]

    handover = hand_up(agent, moved)
    feed = agent.get(f"proxy/changes?since={cursor}").json()

    assert feed["full"] is False
    assert [c["number"] for c in feed["cases"]] == [moved]
    assert [h["id"] for h in feed["handovers"]] == [handover["id"]]
    assert feed["items"] == []  # nothing re-published
    assert old not in str(feed)
    # And nothing at all once the phone is up to date.
    again = agent.get(f"proxy/changes?since={feed['cursor']}").json()
    assert again["cases"] == [] and again["handovers"] == []


def test_an_iso_time_works_as_since(api, now):
    agent = api("famen_agent")
    number = register(agent, make_item("promised"))

    feed = agent.get("proxy/changes?since=2026-03-02T09:00:00%2B08:00").json()

    assert [c["number"] for c in feed["cases"]] == [number]


def test_nothing_of_another_village_is_in_the_feed(api, now):
    item_famen = make_item("promised")
    body = proxy_intake(make_item("promised", region=TIANDU), n=7)
    body["applicant"]["name"] = "欧阳天度"
    tiandu_number = api("tiandu_agent").post("cases", body).json()["number"]
    famen_number = register(api("famen_agent"), item_famen)
    tiandu_case = Case.objects.get(number=tiandu_number)

    feed = api("famen_agent").get("proxy/changes").json()

    text = str(feed)
    assert famen_number in text
    assert tiandu_number not in text
    assert tiandu_case.applicant_name not in text


def test_a_bad_cursor_is_a_422_naming_since(api, now):
    for bad in ("garbage!!", "eyJlIjogLTF9", "x" * 201):
        r = api("famen_agent").get(f"proxy/changes?since={bad}")
        assert r.status_code == 422, (bad, r.content)
        assert "since" in r.json()["error"]["fields"]


def test_only_agents_have_a_changes_feed(api, now):
    assert api("famen_clerk").get("proxy/changes").status_code == 403
    assert api().get("proxy/changes").status_code == 401


def test_the_feed_is_a_constant_number_of_queries(api, now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = api("famen_agent")
    item = make_item("promised")
    register(agent, item, 1)
    with CaptureQueriesContext(connection) as one:
        agent.get("proxy/changes")
    for n in range(2, 8):
        hand_up(agent, register(agent, item, n))
    with CaptureQueriesContext(connection) as seven:
        r = agent.get("proxy/changes")
    assert len(r.json()["cases"]) == 7
    assert len(seven) <= len(one) + 2  # the handovers' rows; not one query per case


def test_the_openapi_documents_the_feed_and_the_keys(db, client):
    doc = client.get("/api/v1/openapi.json").json()

    feed = doc["paths"]["/api/v1/proxy/changes"]["get"]
    assert [p["name"] for p in feed["parameters"]] == ["since"]
    ref = feed["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    out = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"cursor", "full", "cases", "handovers", "items", "item_codes", "duty_days"} <= set(
        out["properties"]
    )
    for path in (
        "/api/v1/handovers",
        "/api/v1/handovers/{handover_id}/receive",
        "/api/v1/proxy/cases/{number}/mandate",
        "/api/v1/proxy/cases/{number}/photos",
        "/api/v1/proxy/cases/{number}/delivery",
        "/api/v1/cases/{number}/actions/accept",
        "/api/v1/cases",
    ):
        names = [p["name"] for p in doc["paths"][path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path


def test_the_feed_carries_the_duty_days_of_the_roster(api, now):
    from bianmin.accounts.models import User
    from bianmin.duty.models import WeeklyDuty

    agent = User.objects.get(username="famen_agent")
    rostered = list(WeeklyDuty.objects.filter(user=agent).order_by("weekday"))
    assert rostered, "the demo gives the agent weekly duty days"
    WeeklyDuty.objects.filter(pk=rostered[0].pk).update(place="村委会二楼")
    days = api("famen_agent").get("proxy/changes").json()["duty_days"]
    assert [d["weekday"] for d in days] == [d.weekday for d in rostered]
    assert days[0]["place"] == "村委会二楼"
