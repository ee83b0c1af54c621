"""Smoke test in headless Chromium: the public catalog and a guide at desktop and phone width."""

import pytest

from bianmin.catalog.demo import DEMO_ITEMS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        except Exception as e:  # noqa: BLE001 - no browser here is a skip, not a failure
            pytest.skip(f"Chromium unavailable: {e}")
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_catalog_and_guide_fit_the_screen_without_login(live_server, browser, width):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/catalog/610324106000/?q=dbsq")
    assert page.locator(".item-row").count() == 1, page.content()[:3000]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{live_server.url}/guide/{DEMO_ITEMS['escalated']}/")
    assert "特困人员救助供养申请" in page.locator("h1").inner_text()
    assert page.locator("table.materials tbody tr").count() >= 4
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()
