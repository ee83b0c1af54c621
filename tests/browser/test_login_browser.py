"""A real browser (Debian's Chromium, headless) signs in as the 法门镇 clerk, sees the home page, signs out."""

import os
import shutil

import pytest
from django.core.management import call_command

# Committed data for the live server's thread. serialized_rollback: the flush afterwards then leaves the
# tables empty instead of re-creating content types, which a later serialized_rollback test would clash with.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = os.environ.get("BIANMIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Demo@2026"

if not os.path.exists(CHROMIUM):
    # On a developer's machine without Chromium, skip; in CI a missing browser is a failure.
    if os.environ.get("CI"):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}; .ci/run installs it")
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def site(live_server):
    """The live server with the demo county (committed, so the server's thread sees it)."""
    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def browser(site):
    # Started after the demo is loaded: the sync API runs an event loop in this thread, and Django
    # refuses database work while one is running.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in_and_out(browser, site, viewport):
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{site}/")
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

    page.get_by_role("button", name="退出").click()
    sync_api.expect(page).to_have_url(f"{site}/accounts/login/")
    page.goto(f"{site}/workbench/")
    sync_api.expect(page).to_have_url(f"{site}/accounts/login/?next=/workbench/")
    page.close()


def test_clerk_signs_in_sees_famen_and_signs_out_on_desktop(browser, site):
    sign_in_and_out(browser, site, {"width": 1280, "height": 800})


def test_clerk_signs_in_sees_famen_and_signs_out_on_a_phone(browser, site):
    sign_in_and_out(browser, site, {"width": 390, "height": 844})
