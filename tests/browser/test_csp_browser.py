"""In Chromium, no page breaks the Content-Security-Policy: no blocked script, style or image is reported."""

import pytest

# Committed data for the live server's thread, as in the other browser tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {
    "famen_clerk": ["/workbench/", "/cases/new/", "/cases/new/?item={item}", "/catalog/", "/guide/{item}/"],
    "famen_agent": ["/proxy/", "/proxy/new/", "/proxy/new/?item={item}", "/proxy/register/"],
    "admin": ["/calendar/", "/manage/catalog/"],
}


def test_no_page_reports_a_csp_violation(site, browser):
    from bianmin.catalog.demo import DEMO_ITEMS

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
