"""A real browser (Debian's Chromium, headless): the 法门镇 clerk goes from the public home page through the
staff door, signs in, sees the workbench, comes back to it from "/", signs out."""

import pytest
from playwright import sync_api

# Committed data for the live server's thread. serialized_rollback: the flush afterwards then leaves the
# tables empty instead of re-creating content types, which a later serialized_rollback test would clash with.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo@2026"


def sign_in_and_out(browser, site, viewport):
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{site}/")
    page.get_by_role("link", name="工作人员登录").click()
    sync_api.expect(page).to_have_url(f"{site}/accounts/login/")
    sync_api.expect(page.get_by_role("heading", name="便民服务系统")).to_be_visible()

    page.get_by_label("用户名").fill("famen_clerk")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    sync_api.expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    sync_api.expect(page).to_have_url(f"{site}/workbench/")
    identity = page.locator(".identity-card")
    sync_api.expect(identity).to_contain_text("孙受理")
    sync_api.expect(identity).to_contain_text("法门镇便民服务中心")
    sync_api.expect(page.get_by_role("heading", name="综窗受理员")).to_be_visible()
    # Nothing spills sideways: a phone must not need horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"{site}/")
    page.get_by_role("link", name="进入工作台").click()
    sync_api.expect(page).to_have_url(f"{site}/workbench/")

    page.get_by_role("button", name="退出").click()
    sync_api.expect(page).to_have_url(f"{site}/accounts/login/")
    page.goto(f"{site}/workbench/")
    sync_api.expect(page).to_have_url(f"{site}/accounts/login/?next=/workbench/")
    page.close()


def test_clerk_signs_in_sees_famen_and_signs_out_on_desktop(browser, site):
    sign_in_and_out(browser, site, {"width": 1280, "height": 800})


def test_clerk_signs_in_sees_famen_and_signs_out_on_a_phone(browser, site):
    sign_in_and_out(browser, site, {"width": 390, "height": 844})
