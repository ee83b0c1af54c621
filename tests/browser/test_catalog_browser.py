"""Smoke test in headless Chromium: the public catalog and a guide at desktop and phone width."""

import pytest

from bianmin.catalog.demo import DEMO_ITEMS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_catalog_and_guide_fit_the_screen_without_login(site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site}/catalog/610324106000/?q=dbsq")
    assert page.locator(".item-row").count() == 1, page.content()[:3000]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{site}/guide/{DEMO_ITEMS['escalated']}/")
    assert "特困人员救助供养申请" in page.locator("h1").inner_text()
    assert page.locator("table.materials tbody tr").count() >= 4
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()
