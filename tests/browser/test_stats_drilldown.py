"""In Chromium: the supervisor clicks a township's overdue count and lands on a list of exactly that many
cases; the charts draw (ECharts, vendored) with no CSP violation; the dashboard fits 390 px."""

import re

import pytest

from bianmin.cases.generate import generate
from bianmin.core import clock
from tests.browser.conftest import page_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def with_cases(site):
    """Generated cases (and their statistics), written before the browser's event loop starts."""
    with clock.pinned("2026-06-30T18:00:00+08:00"):  # the clock is global: the live server reads it too
        generate(400, seed=7, batch=400)
        yield site


def test_overdue_count_drills_down_to_that_many_cases(with_cases, browser):
    site = with_cases
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill("fufeng_supervisor")
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{site}/stats/")
    page.wait_for_selector("#chart-ontime svg")  # ECharts drew
    # the township with the most overdue cases now
    cells = page.locator("#children td.overdue a")
    counts = [int(cells.nth(i).inner_text()) for i in range(cells.count())]
    cell = cells.nth(counts.index(max(counts)))
    shown = max(counts)
    assert shown > 0
    cell.click()
    page.wait_for_load_state("load")
    assert "/stats/cases/" in page.url
    assert int(page.locator("#case-count").inner_text()) == shown
    listed = page.locator("table.cases tbody tr.case-row").count()
    assert listed == min(shown, 50)
    assert re.search("超期件", page.title())
    assert violations == []
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site}/stats/")
    assert page_width(page) <= 390
    page.close()
