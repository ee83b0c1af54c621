"""The agent's register (代办登记台账): totals for a period, per village, the Excel export, query counts."""

import io

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from bianmin.accounts.models import User
from bianmin.core import clock

from .factories import completed_at_township, hand_up, make_item, register, signature_png


def _walk_some(api):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        register(agent, item, 1)  # stays in the village
        hand_up(agent, register(agent, item, 2))  # in transit
        done = completed_at_township(agent, clerk, minzheng, item, 3)
        delivered = completed_at_township(agent, clerk, minzheng, item, 4)
    with clock.pinned("2026-03-04T09:00:00+08:00"):
        down = clerk.post("handovers", {"direction": "down", "cases": [delivered], "agent": "famen_agent"})
        agent.post(f"handovers/{down.json()['id']}/receive", {"received": [delivered]})
        r = agent.post(
            f"proxy/cases/{delivered}/delivery", {"receiver": "张秀兰", "signature": signature_png()}
        )
        assert r.status_code == 200, r.content
    with clock.pinned("2026-04-01T09:00:00+08:00"):
        register(agent, item, 5)  # outside March
    return done, delivered


def test_register_counts_each_stage_for_the_period(api, now):
    _walk_some(api)
    body = api("famen_clerk").get("proxy/register?from=2026-03-01&to=2026-03-31").json()
    assert body["totals"] | {} == body["totals"]
    t = body["totals"]
    assert (t["registered"], t["handed_over"], t["completed"], t["delivered"]) == (4, 3, 2, 1)
    assert t["home_visits"] == 4
    assert t["avg_return_days"] == 2.0  # completed 3/2 09:00, delivered 3/4 09:00
    [village] = body["villages"]
    assert village["name"] == "法门村" and village["count"] == 4
    by_agent = api("famen_clerk").get("proxy/register?from=2026-03-01&to=2026-04-30&agent=famen_agent").json()
    assert by_agent["totals"]["registered"] == 5
    assert (
        api("famen_clerk")
        .get("proxy/register?from=2026-03-01&to=2026-04-30&village=610324106201")
        .json()["totals"]["registered"]
        == 0
    )


def test_register_excel_totals_match_the_api(api, now):
    _walk_some(api)
    clerk = api("famen_clerk")
    query = "from=2026-03-01&to=2026-03-31"
    totals = clerk.get(f"proxy/register?{query}").json()["totals"]
    response = clerk.get(f"proxy/register.xlsx?{query}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["代办登记台账"]
    assert sheet["A1"].value == "村级代办登记台账"
    assert [c.value for c in sheet[3]][:3] == ["序号", "办件编号", "村（社区）"]
    total_row = [c.value for c in sheet[sheet.max_row]]
    assert total_row[0] == "合计"
    assert total_row[7:12] == [
        totals["registered"],
        totals["handed_over"],
        totals["accepted"],
        totals["completed"],
        totals["delivered"],
    ]
    assert sheet.max_row - 3 - 1 == totals["registered"]  # title, period, header … rows … totals
    village_rows = list(book["分村统计"].iter_rows(min_row=2, values_only=True))
    assert sum(r[1] for r in village_rows) == totals["registered"]


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_lists_run_a_constant_number_of_queries(api, now):
    agent, clerk = api("famen_agent"), api("famen_clerk")
    item = make_item("promised")
    paths = ["handovers?page_size=200", "proxy/register?from=2026-03-01&to=2026-03-31", "cases?page_size=200"]
    hand_up(agent, register(agent, item, 1))
    for client in (agent, clerk):
        client.get("handovers")  # the token's first use writes last_used_at
    few = {p: _count(clerk, p) for p in paths}
    for n in range(2, 12):
        hand_up(agent, register(agent, item, n), register(agent, item, n + 100))
    many = {p: _count(clerk, p) for p in paths}
    assert many == few


def test_days_taken_are_working_days_on_the_calendar(api, now):
    """Completed on a Friday, delivered the next Monday: one working day, not three calendar days."""
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    with clock.pinned("2026-03-04T09:00:00+08:00"):  # Wednesday
        number = register(agent, item, 1)
        handover = hand_up(agent, number)
        clerk.post(f"handovers/{handover['id']}/receive", {"received": [number]})
    with clock.pinned("2026-03-06T10:00:00+08:00"):  # Friday
        assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200
        minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "准予"})
        down = clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"})
    with clock.pinned("2026-03-09T16:00:00+08:00"):  # Monday
        agent.post(f"handovers/{down.json()['id']}/receive", {"received": [number]})
        agent.post(f"proxy/cases/{number}/delivery", {"receiver": "张秀兰", "signature": signature_png()})
    body = clerk.get("proxy/register?from=2026-03-01&to=2026-03-31").json()
    [row] = body["rows"]
    assert (row["intake_days"], row["return_days"], row["days"]) == (2, 1, 3)
    page = Client()
    page.force_login(User.objects.get(username="famen_clerk"))
    html = page.get("/proxy/register/?from=2026-03-01&to=2026-03-31").content.decode()
    assert "登记→受理（工作日）" in html and "用时（工作日）" in html and "（天）" not in html
    book = load_workbook(io.BytesIO(clerk.get("proxy/register.xlsx?from=2026-03-01&to=2026-03-31").content))
    assert book["代办登记台账"]["N3"].value == "往返用时（工作日）" and book["代办登记台账"]["N4"].value == 3
    assert "工作日" in book["分村统计"]["D1"].value
