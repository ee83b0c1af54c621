"""电子监察 in a real browser: the approver answers an order from the 督办 queue on a 390 px phone, the
supervisor reviews it at the desk; no page scrolls sideways at 390 px."""

import pytest
from django.test import Client

from bianmin.core import clock
from bianmin.supervision.models import Order
from tests.browser.conftest import page_width
from tests.cases.factories import intake, make_item
from tests.conftest import token_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Demo@2026"


def sign_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{site}/workbench/")


@pytest.fixture
def order_number(site) -> str:
    """A case overdue since 10/11 whose order went red on 10/14 (made before the browser starts)."""
    from bianmin.supervision.sweep import run

    item = make_item("promised")
    client, headers = Client(), {"Authorization": f"Bearer {token_for('famen_clerk')}"}
    with clock.pinned("2026-09-28T09:30:00+08:00"):
        number = client.post("/api/v1/cases", intake(item), content_type="application/json", headers=headers)
        number = number.json()["number"]
        client.post(
            f"/api/v1/cases/{number}/actions/accept", {}, content_type="application/json", headers=headers
        )
    for day in ["2026-10-09", "2026-10-11", "2026-10-14"]:
        with clock.pinned(f"{day}T01:05:00+08:00"):
            run()
    return Order.objects.get(subject_ref=number).number


def test_answer_on_a_phone_and_review_at_the_desk(site, order_number, browser):
    from playwright.sync_api import expect

    with clock.pinned("2026-10-14T10:00:00+08:00"):
        phone = browser.new_page(viewport={"width": 390, "height": 800}, locale="zh-CN")
        sign_in(phone, site, "famen_minzheng")
        phone.get_by_role("link", name="督办").first.click()
        phone.wait_for_url(f"{site}/supervision/mine/")
        assert page_width(phone) <= 390
        phone.get_by_role("link", name=order_number).click()
        expect(phone.locator("h1")).to_contain_text(order_number)
        assert page_width(phone) <= 390
        phone.get_by_label("回告内容").fill("已办结并向申请人说明原因，建立每日到期提醒。")
        phone.get_by_role("button", name="提交回告").click()
        expect(phone.locator(".messages")).to_contain_text("已回告")
        assert page_width(phone) <= 390

        for width in (1280, 390):
            desk = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
            sign_in(desk, site, "fufeng_supervisor")
            desk.get_by_role("link", name="电子监察").first.click()
            desk.wait_for_url(f"{site}/supervision/")
            expect(desk.get_by_test_id("answered")).to_have_text("1")
            assert page_width(desk) <= width
            for path in ("/supervision/warnings/", "/supervision/cards/", "/supervision/ledger/"):
                desk.goto(f"{site}{path}")
                assert page_width(desk) <= width, path
        desk.goto(f"{site}/supervision/orders/{order_number}/")
        desk.get_by_role("button", name="审核通过，办结").click()
        expect(desk.locator(".messages")).to_contain_text("督办办结")
        expect(desk.locator("dl.facts")).to_contain_text("已办结")
