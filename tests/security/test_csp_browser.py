"""In Chromium, no page breaks the Content-Security-Policy: no blocked script, style or image is reported."""

import os

import pytest
from browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {
    "famen_clerk": ["/workbench/", "/cases/new/", "/cases/new/?item={item}", "/catalog/", "/guide/{item}/"],
    "famen_agent": ["/proxy/", "/proxy/new/", "/proxy/new/?item={item}", "/proxy/register/"],
    "admin": ["/calendar/", "/manage/catalog/"],
}


@pytest.fixture
def chromium(live_server):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from django.core.management import call_command

    call_command("load_demo", verbosity=0, no_cases=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser, live_server.url
        finally:
            browser.close()


def test_no_page_reports_a_csp_violation(chromium):
    from bianmin.catalog.demo import DEMO_ITEMS

    browser, site = chromium
    item = DEMO_ITEMS["promised"]
    for username, paths in PAGES.items():
        page = browser.new_page(locale="zh-CN")
        violations = []
        page.on("console", lambda m, v=violations: "Content Security Policy" in m.text and v.append(m.text))
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("Demo@2026")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        for path in paths:
            page.goto(site + path.format(item=item))
            page.wait_for_load_state("networkidle")
        assert violations == [], (username, violations)
        page.close()
