"""What the approvers record: the joint sign-off's opinion, a suspension's expected end, a withdrawal's
reason and the applicant's written request."""

from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases.models import Attachment, Case, Document, Event, Task

from .factories import SIGNATURE, intake, make_item


def _accepted(api, kind="promised", n=1):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item(kind), n=n)).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    return number


def test_a_joint_approval_keeps_its_opinion_on_the_task_the_api_and_the_completion_notice(api, now):
    number = _accepted(api, "joint")
    minzheng, renshe = api("famen_minzheng"), api("famen_renshe")
    r = minzheng.post(f"cases/{number}/actions/approve", {"opinion": "经核实，家庭收入符合条件"})
    assert r.status_code == 200, r.content
    renshe.post(f"cases/{number}/actions/approve", {})
    task = Task.objects.get(case__number=number, department__code="610324106000MZ")
    assert task.opinion == "经核实，家庭收入符合条件"
    tasks = minzheng.get(f"cases/{number}").json()["tasks"]
    assert "经核实，家庭收入符合条件" in {t["opinion"] for t in tasks}
    minzheng.post(f"cases/{number}/actions/complete", {"outcome": "approved"})
    doc = Document.objects.get(case__number=number, kind="completion_notice")
    assert any(t["opinion"] == "经核实，家庭收入符合条件" for t in doc.data["tasks"])


def test_a_suspension_needs_an_expected_end_after_today_and_the_notice_names_it(api, now):
    number = _accepted(api)
    minzheng = api("famen_minzheng")
    body = {"kind": "publicity", "reason": "公示七日"}
    r = minzheng.post(f"cases/{number}/actions/suspend", body)
    assert r.status_code == 422 and "expected_end" in r.json()["error"]["fields"]
    r = minzheng.post(f"cases/{number}/actions/suspend", {**body, "expected_end": "2026-03-02"})
    assert r.status_code == 422 and "expected_end" in r.json()["error"]["fields"]
    r = minzheng.post(f"cases/{number}/actions/suspend", {**body, "expected_end": "2026-03-11"})
    assert r.status_code == 200, r.content
    assert r.json()["suspensions"][0]["expected_end"] == "2026-03-11"
    doc = Document.objects.get(case__number=number, kind="suspension_notice")
    assert doc.data["expected_end"] == "2026年03月11日"


def test_a_withdrawal_at_the_window_needs_a_reason_and_the_written_request(api, now):
    number = _accepted(api)
    clerk = api("famen_clerk")
    r = clerk.post(f"cases/{number}/actions/withdraw", {})
    assert r.status_code == 422 and {"reason", "request_file"} <= set(r.json()["error"]["fields"])
    r = clerk.post(
        f"cases/{number}/actions/withdraw", {"reason": "不办了", "signature": "data:image/gif;base64,R0lG"}
    )
    assert r.status_code == 422 and "signature" in r.json()["error"]["fields"]
    assert Case.objects.get(number=number).state == "accepted"
    r = clerk.post(f"cases/{number}/actions/withdraw", {"reason": "申请人不再申请", "signature": SIGNATURE})
    assert r.status_code == 200, r.content
    event = Event.objects.get(case__number=number, action="withdraw")
    assert event.note == "申请人不再申请" and event.data["signed"]
    assert Attachment.objects.get(pk=event.data["request_file"]).content_type == "image/png"


def test_a_withdrawal_can_name_a_scan_already_uploaded(api, now):
    number = _accepted(api)
    clerk = api("famen_clerk")
    pdf = SimpleUploadedFile("request.pdf", b"%PDF-1.4\n" + b"0" * 100)
    uploaded = clerk.client.post(f"/api/v1/cases/{number}/files", {"file": pdf}, headers=clerk.headers)
    assert uploaded.status_code == 201, uploaded.content
    file_id = uploaded.json()["id"]
    wrong = clerk.post(f"cases/{number}/actions/withdraw", {"reason": "不办了", "request_file": 999999})
    assert wrong.status_code == 422 and "request_file" in wrong.json()["error"]["fields"]
    r = clerk.post(f"cases/{number}/actions/withdraw", {"reason": "不办了", "request_file": file_id})
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
