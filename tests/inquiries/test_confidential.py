"""A 举报 about a staff member: the department handling it never sees the reporter's name or phone — in no
page, API answer, export or message (every response is searched); the person reported never sees it."""

import pytest
from django.test import Client

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.messaging.models import Message, Notice

NAME, PHONE = "刘桂芳", "13698765432"
MZ = "610324106000MZ"


def _login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def report(api):
    """A report about famen_clerk, taken in by the director, dispatched to 法门镇民政所, answered."""
    director, minzheng = api("famen_director"), api("famen_minzheng")
    with clock.pinned("2026-03-02T10:00:00+08:00"):
        r = director.post(
            "inquiries",
            {"kind": "report", "channel": "window", "person": {"name": NAME, "phone": PHONE},
             "content": "窗口工作人员收取好处费，才给办理。", "concerned_user": "famen_clerk"},
        )  # fmt: skip
        assert r.status_code == 201, r.content
        number = r.json()["number"]
        assert r.json()["confidential"] is True
        assert director.post(f"inquiries/{number}/actions/dispatch", {"department": MZ}).status_code == 200
        assert minzheng.post(f"inquiries/{number}/actions/accept").status_code == 200
        r = minzheng.post(f"inquiries/{number}/actions/answer", {"text": "已调查核实。", "upheld": False})
        assert r.status_code == 200, r.content
    return number


def _every_response(username: str, api, number: str) -> list[tuple[str, bytes]]:
    """Every page, API answer and export this person can ask about the order."""
    token, web = api(username), _login(username)
    answers = [
        ("api list", token.get("inquiries").content),
        ("api list filtered", token.get("inquiries?kind=report").content),
        ("api detail", token.get(f"inquiries/{number}").content),
        ("api reveal", token.get(f"inquiries/{number}?reveal=1").content),
        ("page list", web.get("/inquiries/").content),
        ("page list all", web.get("/inquiries/?queue=handling").content),
        ("page order", web.get(f"/inquiries/{number}/").content),
        ("page reveal", web.post(f"/inquiries/{number}/reveal/").content),
        ("workbench", web.get("/workbench/").content),
        ("notices", web.get("/notices/").content),
    ]
    export = web.get("/inquiries/export.xlsx")
    if export.status_code == 200:
        from io import BytesIO

        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(export.content)).active
        cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
        answers.append(("export", cells.encode()))
    return answers


def _leaks(answers) -> list[str]:
    return [
        where
        for where, body in answers
        if NAME.encode() in body or PHONE.encode() in body or PHONE[-4:].encode() in body
    ]


def test_the_department_handling_a_report_never_sees_the_reporter(report, api):
    answers = _every_response("famen_minzheng", api, report)
    # It does see the order itself (so the scan proves something).
    assert any(report.encode() in body for _, body in answers)
    assert _leaks(answers) == []


def test_the_person_reported_never_sees_the_report(report, api):
    answers = _every_response("famen_clerk", api, report)
    assert [where for where, body in answers if report.encode() in body] == []
    assert api("famen_clerk").get(f"inquiries/{report}").status_code == 404
    assert _login("famen_clerk").get(f"/inquiries/{report}/").status_code == 404


def test_the_director_who_took_it_in_may_reveal_it_and_that_is_recorded(report, api):
    director = api("famen_director")
    masked = director.get(f"inquiries/{report}").json()["person"]
    assert masked == {"name": "刘*芳", "phone": "136****5432"}
    full = director.get(f"inquiries/{report}?reveal=1").json()
    assert full["person"] == {"name": NAME, "phone": PHONE}
    assert full["events"][-1]["action"] == "reveal" and full["events"][-1]["actor"] == "周主任"


def test_no_message_to_anyone_else_carries_the_reporter(report):
    others = Message.objects.exclude(phone=PHONE)
    assert not [m.text for m in others if NAME in m.text or PHONE in m.text]
    notices = Notice.objects.all()
    assert notices.exists()
    assert not [n for n in notices if NAME in n.title + n.body or PHONE in n.title + n.body]
