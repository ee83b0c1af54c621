"""Scoped like cases: tiandu staff get 404 for every 法门镇 order — API, pages, files, steps — and never see
one in a list or an export; supervisors see the county."""

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from bianmin.accounts.models import User
from bianmin.inquiries.lifecycle import STEPS
from bianmin.inquiries.models import State, WorkOrder

from .conftest import complaint_body

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def famen_orders(api, slow_case):
    """法门镇 orders in every state."""
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    numbers = []
    for kind in ("consult", "help", "complaint", "report", "suggestion"):
        numbers.append(clerk.post("inquiries", complaint_body(slow_case, kind=kind)).json()["number"])
    mz = "610324106000MZ"
    clerk.post(f"inquiries/{numbers[1]}/actions/dispatch", {"department": mz})
    clerk.post(f"inquiries/{numbers[2]}/actions/dispatch", {"department": mz})
    minzheng.post(f"inquiries/{numbers[2]}/actions/accept")
    clerk.post(f"inquiries/{numbers[3]}/actions/answer", {"text": "已答复"})
    clerk.post(f"inquiries/{numbers[4]}/actions/answer", {"text": "已答复"})
    clerk.post(f"inquiries/{numbers[4]}/actions/callback", {"reached": True, "level": 1})
    with open(__file__, "rb"):
        pass
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = Client()
    upload.force_login(User.objects.get(username="famen_clerk"))
    r = upload.post(f"/api/v1/inquiries/{numbers[0]}/files", {"file": SimpleUploadedFile("a.png", PNG)})
    assert r.status_code == 201, r.content
    assert {o.state for o in WorkOrder.objects.all()} == {
        State.REGISTERED, State.DISPATCHED, State.HANDLING, State.ANSWERED, State.CALLED_BACK,
    }  # fmt: skip
    return numbers


@pytest.mark.parametrize("username", ["tiandu_clerk", "tiandu_agent"])
def test_tiandu_staff_get_404_for_every_famen_order(api, famen_orders, username):
    token = api(username)
    web = Client()
    web.force_login(User.objects.get(username=username))
    file_id = WorkOrder.objects.get(number=famen_orders[0]).attachments.get().pk
    for number in famen_orders:
        assert token.get(f"inquiries/{number}").status_code == 404
        assert web.get(f"/inquiries/{number}/").status_code == 404
        assert web.post(f"/inquiries/{number}/reveal/").status_code == 404
        for action in STEPS:
            assert token.post(f"inquiries/{number}/actions/{action}", {}).status_code == 404
            assert web.post(f"/inquiries/{number}/act/{action}/", {}).status_code == 404
        assert token.get(f"inquiries/{number}/files/{file_id}").status_code == 404
        assert web.get(f"/inquiries/{number}/files/{file_id}/").status_code == 404
    assert token.get("inquiries").json() == {"count": 0, "results": []}
    listed = web.get("/inquiries/").content.decode()
    assert not any(n in listed for n in famen_orders)
    export = load_workbook(BytesIO(web.get("/inquiries/export.xlsx").content)).active
    assert export.max_row == 1  # the header alone
    assert WorkOrder.objects.filter(state=State.REGISTERED).count() == 1  # nothing moved


def test_the_county_supervisor_sees_every_order_and_another_township_approver_none(api, famen_orders):
    assert api("fufeng_supervisor").get("inquiries").json()["count"] == 5
    assert api("famen_renshe").get("inquiries").json()["count"] == 0
    # 法门镇民政所 sees only what was dispatched to it
    assert api("famen_minzheng").get("inquiries").json()["count"] == 2


def test_the_list_costs_the_same_queries_for_3_and_30_orders(api, django_assert_max_num_queries):
    clerk = api("famen_clerk")
    for i in range(3):
        clerk.post("inquiries", complaint_body(kind="consult", content=f"问题{i}"))
    with django_assert_max_num_queries(12):
        assert clerk.get("inquiries").json()["count"] == 3
    for i in range(27):
        clerk.post("inquiries", complaint_body(kind="consult", content=f"问题{i}"))
    with django_assert_max_num_queries(12):
        assert clerk.get("inquiries?page_size=50").json()["count"] == 30
    web = Client()
    web.force_login(User.objects.get(username="famen_clerk"))
    with django_assert_max_num_queries(20):
        assert web.get("/inquiries/").status_code == 200
