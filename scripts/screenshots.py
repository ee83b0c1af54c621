"""Screenshots of the public pages (normal and 大字模式), the login page and role home pages in headless
Chromium, at desktop and phone width. (The tracking page needs a case: tests/browser/test_villager_walk.py
saves it with BIANMIN_SHOTS=dir.)

Run against a server started by `make run`:  .venv/bin/python scripts/screenshots.py [--base URL]
Writes PNGs to screenshots/ (git-ignored) so a person can look at what each role sees.
"""

import argparse
import os
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BIANMIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
PERSONAS = ["famen_clerk", "fufeng_supervisor"]
PASSWORD = "Demo@2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument(
        "--persona", action="append", help="username (repeatable); default: clerk and supervisor"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for label, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            page = context.new_page()
            for mode in ("normal", "large"):
                if mode == "large":
                    page.goto(f"{args.base}/")
                    page.wait_for_load_state("load")
                    page.get_by_role("button", name="大字模式").click()
                for name, path in (
                    ("public-home", "/"),
                    ("public-catalog", "/catalog/"),
                    ("public-track", "/track/"),
                ):
                    page.goto(f"{args.base}{path}")
                    shoot(page, out / f"{name}-{mode}-{label}.png")
            context.clear_cookies()
            page.goto(f"{args.base}/accounts/login/")
            shoot(page, out / f"login-{label}.png")

            # An unknown name, so taking screenshots never throttles a real persona.
            page.get_by_label("用户名").fill("screenshot_nobody")
            page.get_by_label("密码").fill("wrong-password")
            page.get_by_role("button", name="登录").click()
            shoot(page, out / f"login-error-{label}.png")

            for username in args.persona or PERSONAS:
                page.goto(f"{args.base}/accounts/login/")
                page.get_by_label("用户名").fill(username)
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.wait_for_url("**/workbench/")
                shoot(page, out / f"home-{username}-{label}.png")
                page.get_by_role("button", name="退出").click()
                page.wait_for_url("**/accounts/login/")
            context.close()
        browser.close()


def shoot(page, path: Path) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(path), full_page=True)
    note = f"  (!) {overflow}px wider than the viewport" if overflow > 0 else ""
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}{note}")


if __name__ == "__main__":
    main()
