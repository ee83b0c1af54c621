"""The case page's forms for the approvers' records: 会签 opinion, a suspension's expected end, and a
withdrawal with the applicant's written request scanned."""

from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases.models import Attachment, Case, Event, Suspension, Task

from .helpers import accepted, receive


def test_a_joint_department_agrees_with_an_opinion_from_the_page(signed_in, now):
    case = accepted("joint", n=1)
    minzheng = signed_in("famen_minzheng")
    page = minzheng.get(f"/cases/{case.number}/").content.decode()
    assert "会签意见" in page and 'name="department"' not in page
    r = minzheng.post(
        f"/cases/{case.number}/actions/approve/", {"version": case.version, "opinion": "符合条件"}
    )
    assert r.status_code == 302
    assert Task.objects.get(case=case, department__code="610324106000MZ").opinion == "符合条件"
    assert "会签意见：符合条件" in minzheng.get(f"/cases/{case.number}/").content.decode()


def test_a_suspension_from_the_page_needs_its_expected_end(signed_in, now):
    case = accepted(n=1)
    minzheng = signed_in("famen_minzheng")
    body = {"version": case.version, "kind": "publicity", "reason": "公示七日"}
    assert minzheng.post(f"/cases/{case.number}/actions/suspend/", body).status_code == 422
    r = minzheng.post(f"/cases/{case.number}/actions/suspend/", {**body, "expected_end": "2026-03-12"})
    assert r.status_code == 302 and Suspension.objects.get(case=case).expected_end.isoformat() == "2026-03-12"
    assert "预计 2026-03-12 结束" in minzheng.get(f"/cases/{case.number}/").content.decode()


def test_a_withdrawal_from_the_page_keeps_the_scanned_request(signed_in, now, settings):
    case = receive(n=1)
    clerk = signed_in("famen_clerk")
    without = clerk.post(
        f"/cases/{case.number}/actions/withdraw/", {"version": case.version, "reason": "不办了"}
    )
    assert without.status_code == 422 and "书面撤回申请" in without.content.decode()
    scan = SimpleUploadedFile("request.pdf", b"%PDF-1.4\n" + b"0" * 100)
    r = clerk.post(
        f"/cases/{case.number}/actions/withdraw/",
        {"version": case.version, "reason": "申请人不再申请", "request_scan": scan},
    )
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).state == "withdrawn"
    event = Event.objects.get(case=case, action="withdraw")
    assert Attachment.objects.get(pk=event.data["request_file"]).content_type == "application/pdf"
