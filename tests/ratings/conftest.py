# The browser fixtures (live server with the demo county, headless Chromium) for the acceptance walk.
from tests.browser.conftest import browser, site  # noqa: F401
