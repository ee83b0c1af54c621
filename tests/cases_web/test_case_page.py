"""The case page: everything about a case, and only the actions the viewer may take, each a small form."""

import re

from bianmin.cases import services
from bianmin.cases.models import Case, Event, State

from .helpers import EXTENDABLE, accepted, receive, user


def action_forms(page: str) -> list[str]:
    return re.findall(r'action="/cases/[^/]+/actions/([a-z_]+)/"', page)


def test_the_clerk_sees_the_window_actions_and_the_approver_none(signed_in, now):
    case = receive()
    assert action_forms(signed_in("famen_clerk").get(f"/cases/{case.number}/").content.decode()) == [
        "accept", "request_supplement", "refuse", "withdraw",
    ]  # fmt: skip
    assert action_forms(signed_in("famen_minzheng").get(f"/cases/{case.number}/").content.decode()) == []
    services.accept_case(user("famen_clerk"), case.number)
    assert action_forms(signed_in("famen_minzheng").get(f"/cases/{case.number}/").content.decode()) == [
        "suspend", "complete",
    ]  # fmt: skip
    assert action_forms(signed_in("famen_director").get(f"/cases/{case.number}/").content.decode()) == [
        "suspend"
    ]


def test_the_page_shows_applicant_masked_materials_answers_tasks_and_timeline(signed_in, now):
    case = accepted("joint")
    page = signed_in("famen_minzheng").get(f"/cases/{case.number}/").content.decode()
    assert "610324********" in page and case.applicant_id_number not in page
    assert "138****5678" in page
    assert "低保证或低保在册证明" in page and "已收" in page
    assert "希望参加的技能培训" in page
    assert "联办会签" in page and "待会签" in page
    assert "收件" in page and "受理通知书" in page


def test_reveal_shows_the_full_number_and_goes_on_the_timeline(signed_in, now):
    case = receive()
    clerk = signed_in("famen_clerk")
    response = clerk.post(f"/cases/{case.number}/reveal/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and case.applicant_id_number in response.content.decode()
    assert Event.objects.filter(case=case, action="reveal").count() == 1
    page = clerk.get(f"/cases/{case.number}/").content.decode()
    assert case.applicant_id_number not in page and "查看完整证件号码" in page


def test_an_action_form_moves_the_case_and_offers_its_document(signed_in, now):
    case = receive()
    response = signed_in("famen_clerk").post(
        f"/cases/{case.number}/actions/accept/", {"version": case.version}
    )
    assert response.status_code == 302 and response["Location"].endswith("?issued=acceptance_notice")
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED


def test_a_stale_version_is_a_409_message_and_changes_nothing(signed_in, now):
    case = receive()
    clerk = signed_in("famen_clerk")
    events = Event.objects.filter(case=case).count()
    response = clerk.post(f"/cases/{case.number}/actions/accept/", {"version": case.version + 1})
    assert response.status_code == 409
    assert "办件已被他人更新，请刷新后重试" in response.content.decode()
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == State.RECEIVED and fresh.version == case.version
    assert Event.objects.filter(case=case).count() == events


def test_an_action_the_state_no_longer_allows_is_a_409_banner(signed_in, now):
    case = receive()
    services.accept_case(user("famen_clerk"), case.number)
    response = signed_in("famen_clerk").post(
        f"/cases/{case.number}/actions/refuse/", {"reason": "不符合条件"}
    )
    assert response.status_code == 409 and "不能不予受理" in response.content.decode()


def test_a_missing_reason_is_a_field_error(signed_in, now):
    case = receive()
    response = signed_in("famen_clerk").post(
        f"/cases/{case.number}/actions/refuse/", {"version": case.version}
    )
    # The action's own rule speaks (one message for the page and the API), on the reason field.
    assert response.status_code == 422 and "请写明不予受理的理由" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED


def test_supplement_then_accept_on_the_case_page(signed_in, now):
    case = receive(missing=("户口簿",))
    clerk = signed_in("famen_clerk")
    page = clerk.get(f"/cases/{case.number}/").content.decode()
    hukou = case.materials.get(material__name="户口簿").material_id
    assert f'name="m{hukou}_on"' in page  # the supplement request pre-lists the missing required one
    clerk.post(
        f"/cases/{case.number}/actions/request_supplement/",
        {"version": 1, f"m{hukou}_on": "on", f"m{hukou}_reason": "未提交户口簿"},
    )
    assert Case.objects.get(pk=case.pk).state == State.SUPPLEMENT_REQUESTED
    clerk.post(
        f"/cases/{case.number}/actions/supplement/",
        {"version": 2, f"m{hukou}_on": "on", f"m{hukou}_originals": 1, f"m{hukou}_copies": 1},
    )
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED
    clerk.post(f"/cases/{case.number}/actions/accept/", {"version": 3})
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED


def test_approver_requests_an_extension_the_director_grants(signed_in, now):
    case = accepted(EXTENDABLE)
    minzheng, director = signed_in("famen_minzheng"), signed_in("famen_director")
    assert "request_extension" in action_forms(minzheng.get(f"/cases/{case.number}/").content.decode())
    minzheng.post(
        f"/cases/{case.number}/actions/request_extension/", {"version": 2, "days": 5, "reason": "需入户核查"}
    )
    page = director.get(f"/cases/{case.number}/").content.decode()
    assert "extend" in action_forms(page) and 'value="5"' in page  # prefilled from the request
    deadline = Case.objects.get(pk=case.pk).deadline
    response = director.post(
        f"/cases/{case.number}/actions/extend/", {"version": 3, "days": 5, "reason": "需入户核查"}
    )
    assert response["Location"].endswith("?issued=extension_notice")
    assert Case.objects.get(pk=case.pk).deadline > deadline


def test_another_township_gets_404_for_the_case_its_documents_files_and_actions(signed_in, now):
    case = accepted()
    services.attach_scan(user("famen_clerk"), case.number, _png(), material=None)
    scan = case.attachments.get()
    tiandu = signed_in("tiandu_clerk")
    for url in [
        f"/cases/{case.number}/",
        f"/cases/{case.number}/documents/acceptance_notice/",
        f"/cases/{case.number}/documents/acceptance_notice.pdf",
        f"/cases/{case.number}/files/{scan.pk}/",
    ]:
        assert tiandu.get(url).status_code == 404, url
    assert tiandu.post(f"/cases/{case.number}/actions/withdraw/", {"reason": "x"}).status_code == 404
    assert tiandu.post(f"/cases/{case.number}/reveal/").status_code == 404
    assert not Event.objects.filter(case=case, action="reveal").exists()
    assert "页面不存在" in tiandu.get(f"/cases/{case.number}/").content.decode()


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png")


def test_irreversible_steps_ask_for_confirmation_on_the_page(signed_in, now):
    case = receive()
    page = signed_in("famen_clerk").get(f"/cases/{case.number}/").content.decode()
    assert 'data-confirm="确认不予受理？此操作不可撤销。"' in page
    assert 'data-confirm="确认受理' not in page
    assert "js/confirm.js" in page


def test_a_reason_the_action_requires_is_marked_on_its_generic_form(signed_in, now):
    case = receive()
    page = signed_in("famen_clerk").get(f"/cases/{case.number}/").content.decode()
    refuse = page[page.index('id="action-refuse"') :]
    refuse = refuse[: refuse.index("</details>")]
    assert "不予受理理由" in refuse and 'class="req"' in refuse
    accept = page[page.index('id="action-accept"') :]
    assert 'class="req"' not in accept[: accept.index("</details>")]
