"""一窗受理 at /cases/new/: pick an item, fill the form, and accept / request supplement / refuse / register."""

import io

from bianmin.cases.models import Attachment, Case, Event, MaterialStatus, State

from .helpers import id_number, intake_post, item


def test_item_search_finds_the_centers_items_by_pinyin_initials(signed_in, now):
    clerk = signed_in("famen_clerk")
    response = clerk.get("/cases/new/items/?q=gljt", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "高龄津贴申请" in response.content.decode()
    assert "610324100000" not in response.content.decode()  # 天度镇's implementation is not offered


def test_intake_page_renders_the_items_questions_and_checklist(signed_in, now):
    promised = item("promised")
    page = signed_in("famen_clerk").get(f"/cases/new/?item={promised.code}").content.decode()
    assert "出生日期" in page and "户口簿" in page and "一次性告知补正" in page and "不予受理" in page
    assert 'name="idempotency_key"' in page


def test_accept_at_the_window_goes_to_the_case_with_the_acceptance_notice(signed_in, now):
    promised = item("promised")
    response = signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", intake_post(promised))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/?issued=acceptance_notice"
    assert case.state == State.ACCEPTED and case.deadline is not None
    page = signed_in("famen_clerk").get(response["Location"]).content.decode()
    assert f"/cases/{case.number}/documents/acceptance_notice/" in page


def test_request_supplement_lists_every_unticked_required_material(signed_in, now):
    promised = item("promised")
    data = intake_post(
        promised, decision="request_supplement", missing=("户口簿", "本人社会保障卡或银行账户（存折）")
    )
    response = signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", data)
    case = Case.objects.get()
    assert response["Location"].endswith("?issued=supplement_notice")
    assert case.state == State.SUPPLEMENT_REQUESTED
    listed = case.events.get(action="request_supplement").data["missing"]
    assert [m["material"] for m in listed] == ["户口簿", "本人社会保障卡或银行账户（存折）"]


def test_a_defective_material_is_listed_with_the_clerks_reason(signed_in, now):
    promised = item("promised")
    id_card = promised.materials.get(name="申请人居民身份证")
    data = intake_post(promised, decision="request_supplement", **{f"m{id_card.pk}_reason": "复印件不清晰"})
    signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", data)
    row = Case.objects.get().materials.get(material=id_card)
    assert row.status == MaterialStatus.DEFECTIVE and row.reason == "复印件不清晰"


def test_deferred_acceptance_needs_a_promise_date(signed_in, now):
    promised = item("promised")
    bank = promised.materials.get(deferrable=True)
    clerk = signed_in("famen_clerk")
    data = intake_post(promised, missing=(bank.name,), deferred=[bank.pk])
    response = clerk.post(f"/cases/new/?item={promised.code}", data)
    assert response.status_code == 422 and "补齐日期" in response.content.decode()
    assert not Case.objects.exists()
    response = clerk.post(f"/cases/new/?item={promised.code}", {**data, "promise_date": "2026-03-10"})
    assert response.status_code == 302
    assert Case.objects.get().materials.get(material=bank).status == MaterialStatus.DEFERRED


def test_bad_applicant_input_shows_chinese_field_errors_and_stores_nothing(signed_in, now):
    promised = item("promised")
    good = id_number(1)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    data = intake_post(promised, id_number=wrong, phone="12345", name="")
    data.pop("q_birth_date")
    response = signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "身份证号校验位不正确" in page
    assert "请填写11位手机号或带区号的固定电话" in page
    assert "请填写申请人姓名" in page
    assert "此字段是必填项" in page or "这个字段是必填项" in page  # the missing required answer
    assert not Case.objects.exists() and not Event.objects.exists()


def test_organisation_credit_code_is_checked(signed_in, now):
    promised = item("promised")
    data = intake_post(
        promised, applicant_kind="organisation", credit_code="91610324MA00000010", contact_name="王经理"
    )
    response = signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", data)
    assert response.status_code == 422
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not Case.objects.exists()


def test_accepting_without_a_required_material_stores_nothing(signed_in, now):
    promised = item("promised")
    data = intake_post(promised, missing=("户口簿",))
    response = signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", data)
    assert response.status_code == 422
    assert "缺少必备材料：户口簿" in response.content.decode()
    assert not Case.objects.exists() and not Event.objects.exists()


def test_refusing_needs_a_reason(signed_in, now):
    promised = item("promised")
    clerk = signed_in("famen_clerk")
    response = clerk.post(f"/cases/new/?item={promised.code}", intake_post(promised, decision="refuse"))
    assert response.status_code == 422 and "请写明不予受理的理由" in response.content.decode()
    assert not Case.objects.exists()
    data = intake_post(promised, decision="refuse", refuse_reason="申请人年龄未满80周岁，不符合申请条件")
    response = clerk.post(f"/cases/new/?item={promised.code}", data)
    assert response["Location"].endswith("?issued=refusal_notice")
    assert Case.objects.get().state == State.REFUSED


def test_register_only_leaves_the_case_received(signed_in, now):
    promised = item("promised")
    signed_in("famen_clerk").post(
        f"/cases/new/?item={promised.code}", intake_post(promised, decision="register")
    )
    assert Case.objects.get().state == State.RECEIVED


def test_a_double_submit_does_not_make_a_second_case(signed_in, now):
    promised = item("promised")
    clerk, data = signed_in("famen_clerk"), intake_post(promised, decision="register")
    first, second = (
        clerk.post(f"/cases/new/?item={promised.code}", data),
        clerk.post(f"/cases/new/?item={promised.code}", data),
    )
    assert Case.objects.count() == 1 and first["Location"] == second["Location"]


def _upload(name: str, content: bytes):
    f = io.BytesIO(content)
    f.name = name
    return f


def test_scans_are_checked_by_content_not_by_name(signed_in, now):
    promised = item("promised")
    id_card = promised.materials.get(name="申请人居民身份证")
    data = intake_post(promised, **{f"m{id_card.pk}_scans": _upload("身份证.jpg", b"this is not an image")})
    response = signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", data)
    assert response.status_code == 422 and "不是 JPEG、PNG 图片或 PDF" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_scans_are_stored_with_the_material_and_served_only_in_scope(signed_in, now):
    promised = item("promised")
    id_card = promised.materials.get(name="申请人居民身份证")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    data = intake_post(
        promised, **{f"m{id_card.pk}_scans": [_upload("a.png", png), _upload("b.pdf", b"%PDF-1.4 x")]}
    )
    signed_in("famen_clerk").post(f"/cases/new/?item={promised.code}", data)
    case = Case.objects.get()
    scans = list(case.attachments.order_by("id"))
    assert [a.content_type for a in scans] == ["image/png", "application/pdf"]
    assert all(a.case_material.material_id == id_card.pk for a in scans)
    url = f"/cases/{case.number}/files/{scans[0].pk}/"
    served = signed_in("famen_minzheng").get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == png
    assert signed_in("tiandu_clerk").get(url).status_code == 404


def test_the_window_of_another_role_is_not_offered(signed_in, now):
    assert signed_in("famen_minzheng").get("/cases/new/").status_code == 404
    assert signed_in("fufeng_supervisor").get("/cases/new/items/?q=gl").status_code == 404
