"""Fixtures for browser tests: Debian's Chromium (headless) driven by Playwright against the live server."""

import os
import shutil

import pytest
from django.core.management import call_command

# Whether it exists is checked once for the session in tests/conftest.py (fail in CI, skip elsewhere).
CHROMIUM = os.environ.get("BIANMIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def site(live_server):
    """The live server with the demo county (committed, so the server's thread sees it), without demo cases."""
    call_command("load_demo", verbosity=0, no_cases=True)
    return live_server.url


@pytest.fixture
def browser(site):
    # Started after the demo is loaded: the sync API runs an event loop in this thread, and Django
    # refuses database work while one is running.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def page_width(page) -> int:
    """The document's width; measured again once loaded when a click was still opening the next page
    (evaluating mid-navigation finds no document yet)."""
    for _ in range(3):
        try:
            page.wait_for_load_state("load")
            return page.evaluate("document.documentElement.scrollWidth")
        except Exception:  # noqa: BLE001 - the old document went away under us: measure the new one
            page.wait_for_timeout(200)
    return page.evaluate("document.documentElement.scrollWidth")
