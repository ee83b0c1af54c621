"""The pages: window registration in one box and a phone, the order page's steps, the public web form with
its challenge and throttle, the follow-up page, the 常见问题 on an item's guide, and the Excel ledger."""

import re
from io import BytesIO

import pytest
from cases.factories import make_item
from django.test import Client
from openpyxl import load_workbook

from bianmin.accounts.models import User
from bianmin.inquiries.models import State, WorkOrder


def _login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_window_registration_needs_only_the_words_and_a_phone(demo):
    web = _login("famen_clerk")
    assert "登记工单" in web.get("/inquiries/new/").content.decode()
    r = web.post("/inquiries/new/", {"content": "医保卡丢了怎么补办？", "phone": "13912345678"})
    assert r.status_code == 302
    order = WorkOrder.objects.get()
    assert (order.kind, order.channel, order.state, order.owner.username) == (
        "consult", "window", "registered", "famen_clerk",
    )  # fmt: skip
    page = web.get(r["Location"]).content.decode()
    assert order.number in page and "139****5678" in page and "13912345678" not in page


def test_a_bad_phone_on_the_page_is_a_chinese_message_and_nothing_stored(demo):
    r = _login("famen_clerk").post("/inquiries/new/", {"content": "问题", "phone": "123"})
    assert r.status_code == 422 and "手机号" in r.content.decode()
    assert WorkOrder.objects.count() == 0


def test_the_order_page_dispatches_answers_and_calls_back(demo):
    clerk, minzheng = _login("famen_clerk"), _login("famen_minzheng")
    clerk.post(
        "/inquiries/new/", {"content": "投诉民政所态度差", "phone": "13912345678", "kind": "complaint"}
    )
    number = WorkOrder.objects.get().number
    assert (
        clerk.post(f"/inquiries/{number}/act/dispatch/", {"department": "610324106000MZ"}).status_code == 302
    )
    assert "新工单" in minzheng.get("/notices/").content.decode()
    assert minzheng.post(f"/inquiries/{number}/act/accept/").status_code == 302
    r = minzheng.post(f"/inquiries/{number}/act/answer/", {"text": ""})
    assert r.status_code == 422 and "请填写答复内容" in r.content.decode()
    minzheng.post(f"/inquiries/{number}/act/answer/", {"text": "已约谈当事人。", "upheld": "yes"})
    assert (
        clerk.post(f"/inquiries/{number}/act/callback/", {"reached": "yes", "level": "1"}).status_code == 302
    )
    order = WorkOrder.objects.get()
    assert (order.state, order.callback_level, order.upheld) == (State.CALLED_BACK, 1, True)
    page = clerk.get(f"/inquiries/{number}/").content.decode()
    for label in ("登记", "派单", "签收", "答复", "回访"):
        assert label in page


def test_the_reveal_is_a_post_and_is_recorded(demo):
    clerk = _login("famen_clerk")
    clerk.post("/inquiries/new/", {"content": "问题", "phone": "13912345678", "name": "王秀英"})
    number = WorkOrder.objects.get().number
    page = clerk.post(f"/inquiries/{number}/reveal/").content.decode()
    assert "13912345678" in page and "王秀英" in page
    assert WorkOrder.objects.get().events.filter(action="reveal").count() == 1


def _solve(page: str) -> str:
    a, b = map(int, re.search(r"验证：(\d) 加 (\d) 等于几", page).groups())
    return str(a + b)


def test_the_public_form_gives_a_number_and_code_to_follow_it(demo):
    web = Client()
    page = web.get("/ask/").content.decode()
    assert 'name="viewport"' in page
    r = web.post("/ask/", {"center": "61032410600001", "kind": "consult", "content": "办低保要带什么？",
                           "phone": "13700001111", "answer": _solve(page)})  # fmt: skip
    assert r.status_code == 200, r.content.decode()
    order = WorkOrder.objects.get()
    assert (
        order.channel == "web"
        and order.number in r.content.decode()
        and order.query_code in r.content.decode()
    )
    tracked = web.get(f"/ask/track/?number={order.number}&code={order.query_code}").content.decode()
    assert "待派单" in tracked and "13700001111" not in tracked
    wrong = web.get(f"/ask/track/?number={order.number}&code=xxxxxx")
    assert wrong.status_code == 404 and "不正确" in wrong.content.decode()


def test_the_public_form_refuses_a_wrong_sum_and_throttles(demo):
    web = Client()
    web.get("/ask/")
    r = web.post("/ask/", {"center": "61032410600001", "kind": "consult", "content": "问题",
                           "phone": "13700001111", "answer": "99"})  # fmt: skip
    assert r.status_code == 422 and "验证题" in r.content.decode()
    statuses = []
    for _ in range(6):
        page = web.get("/ask/").content.decode()
        statuses.append(
            web.post(
                "/ask/",
                {
                    "center": "61032410600001",
                    "kind": "suggestion",
                    "content": "建议",
                    "phone": "13700001111",
                    "answer": _solve(page),
                },
            ).status_code  # fmt: skip
        )
    assert statuses == [200] * 5 + [429]
    assert WorkOrder.objects.count() == 5


def test_public_answers_feed_the_faq_on_the_items_guide(api):
    item = make_item("promised", code="T-FAQ-1")
    clerk = api("famen_clerk")
    number = clerk.post(
        "inquiries",
        {"kind": "consult", "content": "我叫王秀英，临时救助要带什么？", "person": {"phone": "13912345678"},
         "item": item.code},
    ).json()["number"]  # fmt: skip
    assert (
        clerk.post(f"inquiries/{number}/actions/answer", {"text": "带身份证、户口簿和困难说明。"}).status_code
        == 200
    )
    r = clerk.post(f"inquiries/{number}/actions/publish", {"question": "临时救助要带什么材料？"})
    assert r.status_code == 200 and r.json()["faq_public"] is True
    guide = Client().get(f"/guide/{item.code}/").content.decode()
    assert "临时救助要带什么材料？" in guide and "带身份证、户口簿" in guide and "王秀英" not in guide
    found = Client().get("/faq/?q=临时救助").content.decode()
    assert "临时救助要带什么材料？" in found
    assert "临时救助要带什么材料？" not in Client().get("/faq/?q=宅基地").content.decode()


def test_only_a_consultation_can_become_a_faq(api):
    clerk = api("famen_clerk")
    number = clerk.post(
        "inquiries", {"kind": "complaint", "content": "投诉", "person": {"phone": "13912345678"}}
    ).json()["number"]
    clerk.post(f"inquiries/{number}/actions/answer", {"text": "答复"})
    assert clerk.post(f"inquiries/{number}/actions/publish", {"question": "q"}).status_code == 409


@pytest.mark.parametrize("content", ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)"])
def test_the_ledger_export_defuses_formulas_and_masks_phones(api, content):
    clerk = api("famen_clerk")
    clerk.post(
        "inquiries",
        {"kind": "consult", "content": content, "person": {"name": "王秀英", "phone": "13912345678"}},
    )
    response = _login("famen_clerk").get("/inquiries/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号"
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["内容"] == "'" + content
    assert row["联系电话"] == "139****5678" and row["反映人"] == "王*英"
