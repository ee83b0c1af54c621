"""Bad input → 422 naming the field and nothing stored; steps out of order → 409; the table on one screen:
every (state, step) pair outside it is refused with nothing changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bianmin.accounts.models import User
from bianmin.inquiries.lifecycle import STEPS
from bianmin.inquiries.models import OrderAttachment, OrderEvent, State, WorkOrder

from .conftest import complaint_body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "praise"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "字" * 2001}, "content"),
        ({"content": "a\x00b"}, "content"),
        ({"person": {"name": "王秀英", "phone": "12345"}}, "person.phone"),
        ({"person": {"name": "王秀英", "phone": ""}}, "person.phone"),
        ({"person": "王秀英"}, "person"),
        ({"anonymous": True}, "anonymous"),  # only a 举报 may be anonymous
        ({"case": "FM-20990101-0001"}, "case"),
        ({"concerned_department": "nope"}, "concerned_department"),
        ({"concerned_user": "nobody"}, "concerned_user"),
    ],
)
def test_bad_registration_is_422_with_the_field_and_nothing_stored(api, change, field):
    r = api("famen_clerk").post("inquiries", complaint_body(**change))
    assert r.status_code == 422, r.content
    assert field in r.json()["error"]["fields"]
    assert WorkOrder.objects.count() == 0 and OrderEvent.objects.count() == 0


def test_an_anonymous_report_needs_no_phone(api):
    r = api("famen_clerk").post("inquiries", complaint_body(kind="report", anonymous=True, person=None))
    assert r.status_code == 201, r.content
    assert r.json()["person"] == {"name": "匿名", "phone": ""}


def test_public_form_must_name_a_center(api):
    r = api().post("inquiries", {"kind": "consult", "content": "问题", "person": {"phone": "13700001111"}})
    assert r.status_code == 422 and "center" in r.json()["error"]["fields"]
    assert WorkOrder.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [("a.txt", b"hello", 422), ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (21 * 1024 * 1024), 422)],
)
def test_attachments_that_are_not_images_or_pdf_or_too_large_are_refused(name, data, status, demo):
    web = Client()
    web.force_login(User.objects.get(username="famen_clerk"))
    r = web.post(
        "/inquiries/new/",
        {"kind": "consult", "content": "看看这张照片", "phone": "13912345678",
         "attachments": [SimpleUploadedFile(name, data)]},
    )  # fmt: skip
    assert r.status_code == status
    assert "附件" in r.content.decode() or "文件" in r.content.decode()
    assert WorkOrder.objects.count() == 0 and OrderAttachment.objects.count() == 0


def test_a_pdf_attachment_is_kept(demo):
    web = Client()
    web.force_login(User.objects.get(username="famen_clerk"))
    r = web.post(
        "/inquiries/new/",
        {"kind": "help", "content": "帮忙看看这份通知", "phone": "13912345678",
         "attachments": [SimpleUploadedFile("n.pdf", b"%PDF-1.4\n%%EOF")]},
    )  # fmt: skip
    assert r.status_code == 302
    order = WorkOrder.objects.get()
    assert order.attachments.get().content_type == "application/pdf"


def test_steps_out_of_order_are_409(api):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
    assert (
        clerk.post(f"inquiries/{number}/actions/callback", {"reached": True, "level": 1}).status_code == 409
    )
    assert clerk.post(f"inquiries/{number}/actions/close").status_code == 409
    clerk.post(f"inquiries/{number}/actions/dispatch", {"department": "610324106000MZ"})
    assert (
        clerk.post(f"inquiries/{number}/actions/dispatch", {"department": "610324106000MZ"}).status_code
        == 409
    )
    assert (
        minzheng.post(f"inquiries/{number}/actions/return", {"reason": "不归我们管"}).json()["state"]
        == "registered"
    )
    clerk.post(f"inquiries/{number}/actions/dispatch", {"department": "610324106000MZ"})
    # 退回重派 only once
    r = minzheng.post(f"inquiries/{number}/actions/return", {"reason": "还是不归我们管"})
    assert r.status_code == 409
    assert clerk.post(f"inquiries/{number}/actions/escalate").json()["department"]["code"] == "610324000000MZ"
    assert clerk.post(f"inquiries/{number}/actions/escalate").status_code == 409
    assert (
        api("fufeng_approver").post(f"inquiries/{number}/actions/answer", {"text": "县局答复"}).status_code
        == 200
    )
    # answered, never called back: cannot close before a callback was tried
    assert clerk.post(f"inquiries/{number}/actions/close").status_code == 409
    assert (
        clerk.post(f"inquiries/{number}/actions/callback", {"reached": False}).json()["state"] == "answered"
    )
    assert clerk.post(f"inquiries/{number}/actions/close").json()["state"] == "closed"


def test_a_stale_version_is_409(api):
    clerk = api("famen_clerk")
    number = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
    r = clerk.post(f"inquiries/{number}/actions/answer", {"text": "答复", "version": 99})
    assert r.status_code == 409 and WorkOrder.objects.get().state == State.REGISTERED


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("dispatch", {}, "department"),
        ("dispatch", {"department": "610324100000MZ"}, "department"),  # 天度镇民政所: not this center's
        ("answer", {"text": ""}, "text"),
        ("answer", {"text": "x" * 2001}, "text"),
        ("extend", {"days": 0, "reason": "x"}, "days"),
        ("extend", {"days": 99999999999, "reason": "x"}, "days"),
        ("extend", {"days": 3}, "reason"),
    ],
)
def test_bad_step_input_is_422_and_changes_nothing(api, action, body, field):
    director = api("famen_director")
    number = director.post("inquiries", complaint_body(kind="consult")).json()["number"]
    before = WorkOrder.objects.get().version
    r = director.post(f"inquiries/{number}/actions/{action}", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["error"]["fields"]
    assert WorkOrder.objects.get().version == before and OrderEvent.objects.count() == 1


def test_callback_level_is_bounded(api):
    clerk = api("famen_clerk")
    number = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
    clerk.post(f"inquiries/{number}/actions/answer", {"text": "答复"})
    for level in (0, 6, None):
        r = clerk.post(f"inquiries/{number}/actions/callback", {"reached": True, "level": level})
        assert r.status_code == 422 and "level" in r.json()["error"]["fields"]
    assert WorkOrder.objects.get().state == State.ANSWERED


def test_an_unknown_step_is_404(api):
    clerk = api("famen_clerk")
    number = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
    assert clerk.post(f"inquiries/{number}/actions/explode").status_code == 404


def _walk_to(api, state: str) -> str:
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
    steps = {
        "registered": [],
        "dispatched": [(clerk, "dispatch", {"department": "610324106000MZ"})],
        "handling": [(clerk, "dispatch", {"department": "610324106000MZ"}), (minzheng, "accept", {})],
        "answered": [(clerk, "answer", {"text": "答复"})],
        "called_back": [(clerk, "answer", {"text": "答复"}), (clerk, "callback", {"reached": True, "level": 1})],
        "closed": [(clerk, "answer", {"text": "答复"}), (clerk, "callback", {"reached": True, "level": 1}),
                   (clerk, "close", {})],
    }[state]  # fmt: skip
    for who, action, body in steps:
        assert who.post(f"inquiries/{number}/actions/{action}", body).status_code == 200
    return number


@pytest.mark.parametrize("state", [s for s in State.values])
def test_every_step_the_table_does_not_allow_in_a_state_is_409(api, state):
    admin = api("admin")  # every role, so only the table can refuse
    number = _walk_to(api, state)
    for action, step in STEPS.items():
        if state in step.moves:
            continue
        before = OrderEvent.objects.count()
        r = admin.post(f"inquiries/{number}/actions/{action}", {})
        assert r.status_code == 409, (state, action, r.content)
        assert OrderEvent.objects.count() == before
