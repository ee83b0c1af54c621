"""The work queues: each persona sees its own cases (never 天度镇's), sorted by deadline, in constant queries."""

import datetime as dt

import pytest

from bianmin.cases import services
from bianmin.core import clock

from .helpers import EXTENDABLE, TIANDU, accepted, receive, user


def numbers(client, key, query=""):
    response = client.get(f"/cases/queue/{key}/{query}")
    assert response.status_code == 200, response.content[:500]
    return {row["case"].number for row in response.context["rows"]}


@pytest.fixture
def tiandu_case(demo, now):
    return receive(f"MZ05004-{TIANDU}", clerk="tiandu_clerk", n=99)


def test_clerk_queues_hold_the_right_states(signed_in, now, tiandu_case):
    waiting = receive(n=1)
    asked = receive(n=2, missing=("户口簿",))
    services.request_supplement(
        user("famen_clerk"),
        asked.number,
        missing=[{"material": asked.materials.get(status="missing").material_id, "reason": "未提交"}],
    )
    done = accepted(n=3)
    services.complete_case(user("famen_minzheng"), done.number, outcome="approved")
    clerk = signed_in("famen_clerk")
    assert numbers(clerk, "to-decide") == {waiting.number}
    assert numbers(clerk, "awaiting-supplement") == {asked.number}
    assert numbers(clerk, "to-deliver") == {done.number}
    assert numbers(clerk, "received-today") == {waiting.number, asked.number, done.number}
    assert numbers(signed_in("tiandu_clerk"), "received-today") == {tiandu_case.number}


def test_to_decide_flags_a_case_waiting_past_five_working_days(signed_in, now):
    case = receive()
    with clock.pinned("2026-03-10T09:00:00+08:00"):  # six working days after Monday 3/2
        page = signed_in("famen_clerk").get("/cases/queue/to-decide/")
    assert [r["overdue_receipt"] for r in page.context["rows"]] == [True]
    assert "依法视为已受理" in page.content.decode() and case.number in page.content.decode()


def test_approver_queues(signed_in, now, tiandu_case):
    mine = accepted(n=1)
    joint = accepted("joint", n=2)
    paused = accepted(n=3)
    services.suspend_case(
        user("famen_minzheng"),
        paused.number,
        kind="hearing",
        reason="组织听证",
        expected_end=dt.date(2026, 4, 30),
    )
    minzheng, renshe = signed_in("famen_minzheng"), signed_in("famen_renshe")
    assert numbers(minzheng, "department") == {mine.number, joint.number}
    assert numbers(minzheng, "joint-tasks") == {joint.number}
    assert numbers(renshe, "joint-tasks") == {joint.number}
    assert numbers(renshe, "department") == set()
    assert numbers(minzheng, "suspended") == {paused.number}
    with clock.pinned("2026-03-13T09:00:00+08:00"):  # deadline Monday 3/16: one working day left
        assert numbers(minzheng, "due-soon") == {mine.number, joint.number}
        assert numbers(minzheng, "overdue") == set()
    with clock.pinned("2026-03-17T09:00:00+08:00"):
        assert numbers(minzheng, "overdue") == {mine.number, joint.number}
    services.approve_task(user("famen_renshe"), joint.number)
    assert numbers(renshe, "joint-tasks") == set()
    # A township approver has no 上报件 queue.
    assert signed_in("famen_minzheng").get("/cases/queue/escalated/").status_code == 404


def test_county_approver_sees_cases_escalated_to_the_department(signed_in, now, tiandu_case):
    case = accepted("escalated")
    county = signed_in("fufeng_approver")
    assert numbers(county, "escalated") == set()
    services.escalate_case(user("famen_minzheng"), case.number, opinion="经入户调查，符合特困供养条件")
    assert numbers(county, "escalated") == {case.number}


def test_director_sees_the_whole_center_and_extension_requests(signed_in, now, tiandu_case):
    one, two = receive(n=1), accepted(EXTENDABLE, n=2)
    director = signed_in("famen_director")
    assert numbers(director, "center") == {one.number, two.number}
    assert numbers(director, "center", "?state=accepted") == {two.number}
    assert numbers(director, "extension-requests") == set()
    services.request_extension(user("famen_minzheng"), two.number, days=5, reason="需入户核查家庭收入")
    page = director.get("/cases/queue/extension-requests/")
    assert "申请延长 5 个工作日：需入户核查家庭收入" in page.content.decode()
    services.extend_case(user("famen_director"), two.number, days=5, reason="需入户核查家庭收入")
    assert numbers(director, "extension-requests") == set()


def test_supervisor_sees_the_county_read_only(signed_in, now, tiandu_case):
    case = receive()
    supervisor = signed_in("fufeng_supervisor")
    assert numbers(supervisor, "subtree") == {case.number, tiandu_case.number}
    page = supervisor.get(f"/cases/{case.number}/").content.decode()
    assert "确认受理" not in page and 'class="card actions"' not in page


def test_a_queue_not_for_this_role_is_not_found(signed_in, now):
    assert signed_in("famen_clerk").get("/cases/queue/center/").status_code == 404
    assert signed_in("famen_clerk").get("/cases/queue/nothing/").status_code == 404


def test_queues_sort_by_deadline_and_paginate(signed_in, now):
    later = accepted(EXTENDABLE, n=1)  # 20 working days
    sooner = accepted(n=2)  # 10 working days
    rows = signed_in("famen_director").get("/cases/queue/center/").context["rows"]
    assert [r["case"].number for r in rows] == [sooner.number, later.number]
    for i in range(3, 24):
        receive(n=i)
    page = signed_in("famen_director").get("/cases/queue/center/?page=2")
    assert page.context["page"].number == 2 and len(page.context["rows"]) == 3


@pytest.mark.parametrize(
    "username,key",
    [
        ("famen_clerk", "to-decide"),
        ("famen_clerk", "received-today"),
        ("famen_minzheng", "department"),
        ("famen_minzheng", "joint-tasks"),
        ("famen_director", "center"),
        ("famen_director", "extension-requests"),
        ("fufeng_supervisor", "subtree"),
    ],
)
def test_a_queue_runs_the_same_number_of_queries_for_3_or_30_cases(
    signed_in, now, username, key, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(start, count):
        for i in range(start, start + count):
            kind = "joint" if i % 2 else EXTENDABLE
            case = receive(kind, n=i) if key in ("to-decide", "received-today") else accepted(kind, n=i)
            if key == "extension-requests" and kind == EXTENDABLE:
                services.request_extension(user("famen_minzheng"), case.number, days=3, reason="核查")

    client = signed_in(username)
    make(0, 3)
    client.get(f"/cases/queue/{key}/")  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        response = client.get(f"/cases/queue/{key}/")
    assert len(response.context["rows"]) >= 1
    print(f"{key}: {len(few.captured_queries)} queries")
    make(3, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/cases/queue/{key}/")
    assert len(response.context["rows"]) >= 10


def test_workbench_shows_each_queue_with_its_count(signed_in, now):
    receive(n=1)
    receive(n=2)
    page = signed_in("famen_clerk").get("/workbench/").content.decode()
    assert 'href="/cases/queue/to-decide/"' in page and 'href="/cases/new/"' in page
    assert '<span class="count some">2</span>' in page


def test_director_declines_an_extension_request_and_it_leaves_the_queue(signed_in, now, tiandu_case):
    case = accepted(EXTENDABLE, n=1)
    deadline = case.deadline
    services.request_extension(user("famen_minzheng"), case.number, days=5, reason="需入户核查家庭收入")
    director = signed_in("famen_director")
    assert numbers(director, "extension-requests") == {case.number}

    case.refresh_from_db()
    refused = director.post(
        f"/cases/{case.number}/actions/decline_extension/", {"version": case.version, "reason": ""}
    )
    assert refused.status_code == 422 and "请写明驳回理由" in refused.content.decode()
    assert numbers(director, "extension-requests") == {case.number}

    services.decline_extension(user("famen_director"), case.number, reason="期限内可以办结，请抓紧")
    case.refresh_from_db()
    assert case.deadline == deadline and case.extension_days == 0
    assert numbers(director, "extension-requests") == set()
    assert case.events.filter(action="decline_extension", note="期限内可以办结，请抓紧").exists()

    # Declined is not final: the approver may ask again, and the request is back in the director's queue.
    services.request_extension(user("famen_minzheng"), case.number, days=3, reason="申请人补充了新情况")
    assert numbers(director, "extension-requests") == {case.number}


def test_declining_without_a_pending_request_is_a_conflict(demo, now):
    from bianmin.core.errors import Conflict

    case = accepted(EXTENDABLE, n=1)
    with pytest.raises(Conflict):
        services.decline_extension(user("famen_director"), case.number, reason="无")
    assert not case.events.filter(action="decline_extension").exists()


def test_an_inbox_of_single_department_cases_reads_no_task_or_timeline_rows(signed_in, now):
    """A row shows tasks only for joint cases and an extension request only on the extension queue: a
    page without either reads neither (the inbox is the page clerks open all day)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        receive(EXTENDABLE, n=i)
    client = signed_in("famen_clerk")
    client.get("/cases/queue/to-decide/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/queue/to-decide/")
    assert len(response.context["rows"]) == 3
    read = " ".join(q["sql"] for q in queries)
    assert "cases_task" not in read and "cases_event" not in read and "cases_document" not in read
    joint = receive("joint", n=9)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/queue/to-decide/")
    assert joint.number in {row["case"].number for row in response.context["rows"]}
    assert any('FROM "cases_task"' in q["sql"] for q in queries)
