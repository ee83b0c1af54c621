"""A villager with no QR code, on a 390 px phone: opens "/", switches on 大字模式, types the case number and
query code from the acceptance notice, and reads the step bar and the working days left, in large text
with high contrast (GB/T 37668; WCAG AA at least, 7:1 for body text), and the choice survives a reload.

Set BIANMIN_SHOTS=/some/dir to also save screenshots of the home and tracking pages at 1280 and 390 px,
normal and large (for a person to look at; they are not committed)."""

import os
from pathlib import Path

import pytest

from bianmin.accounts.models import User
from bianmin.cases import services
from bianmin.cases.demo import _answers
from bianmin.cases.validators import id_check_char
from bianmin.catalog.demo import DEMO_ITEMS
from bianmin.catalog.models import Item
from bianmin.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
FIRST17 = "61032419410615002"

# The WCAG 2 contrast ratio of an element's text against the first opaque background behind it.
CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let node = el, bg = "rgb(255, 255, 255)";
  while (node && node.nodeType === 1) {
    const c = getComputedStyle(node).backgroundColor;
    const parts = rgb(c);
    if (parts.length < 4 || parts[3] > 0) { bg = c; break; }
    node = node.parentElement;
  }
  const a = lum(getComputedStyle(el).color), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


# The smallest font size of any visible text on the page (screen-reader-only text aside), with its element.
SMALLEST_TEXT = """() => {
  let smallest = [1000, ""];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || el.closest(".sr-only, script, style")) continue;
    if (!el.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest[0]) smallest = [size, el.outerHTML.slice(0, 120)];
  }
  return smallest;
}"""


def smallest_text(page):
    return page.evaluate(SMALLEST_TEXT)


def px(page, selector):
    return page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)")


@pytest.fixture
def case(site):
    """Made before the browser starts: Django refuses database work while Playwright's loop runs."""
    with clock.pinned("2026-03-02T09:15:00+08:00"):
        return accepted_case()


def accepted_case():
    """A 高龄津贴 application received and accepted at 法门镇's window on Monday 2 March 2026 (5 working days)."""
    clerk = User.objects.get(username="famen_clerk")
    item = Item.objects.get(code=DEMO_ITEMS["promised"])
    case, _ = services.receive_case(
        clerk,
        item=item.code,
        applicant={
            "kind": "person",
            "name": "王桂英",
            "id_number": FIRST17 + id_check_char(FIRST17),
            "phone": "13991700001",
            "address": "扶风县法门镇法门村二组",
        },
        answers=_answers(item),
        materials=[
            {"material": m.pk, "originals": m.originals, "copies": m.copies} for m in item.materials.all()
        ],
    )
    return services.accept_case(clerk, case.number)


def shoot(page, name):
    folder = os.environ.get("BIANMIN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_villager_without_qr_code_tracks_a_case_in_large_text_on_a_phone(site, case, browser):
    from playwright.sync_api import expect

    # The live server runs in this process, so the pinned clock holds for its pages too:
    # Wednesday 4 March, two working days after acceptance, eight to go (the promise is 10, due Monday 16 March).
    with clock.pinned("2026-03-04T10:00:00+08:00"):
        context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.goto(f"{site}/")
        page.wait_for_load_state("load")  # the switch's script is deferred
        shoot(page, "home-390-normal")
        assert px(page, "body") < 20

        page.get_by_role("button", name="大字模式").click()
        expect(page.locator("html")).to_have_class("large-text")
        expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "true")
        assert smallest_text(page)[0] >= 20, smallest_text(page)
        shoot(page, "home-390-large")

        page.get_by_label("办件编号").fill(case.number.lower())  # typed as it comes
        page.get_by_label("查询码").fill(case.query_code)
        page.get_by_role("button", name="查询进度").click()
        page.wait_for_url(f"{site}/track/{case.number}/?code={case.query_code}")

        current = page.locator('.steps [aria-current="step"]')
        expect(current).to_contain_text("办理")
        expect(page.locator(".steps .step")).to_have_count(5)
        expect(page.locator(".time-left")).to_contain_text("还剩 8 个工作日")
        assert "王桂英" not in page.content() and "13991700001" not in page.content()
        shoot(page, "track-390-large")

        # Large text: body and the small print alike at >= 20 px, high contrast, big targets, no sideways scroll.
        assert px(page, "body") >= 20
        assert smallest_text(page)[0] >= 20, smallest_text(page)
        assert page.eval_on_selector("body", CONTRAST) >= 7
        for selector in (
            ".event-explain",
            ".track-meta",
            ".step-todo .step-label",
            ".event-head time",
            ".staff-door a",
        ):
            assert page.eval_on_selector(selector, CONTRAST) >= 4.5, selector
        for target in (".large-text-toggle", "a.call"):
            assert page.eval_on_selector(target, "el => el.getBoundingClientRect().height") >= 44, target
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # The choice is remembered: after a reload the page is large from the start.
        page.reload()
        expect(page.locator("html")).to_have_class("large-text")
        assert px(page, "body") >= 20
        page.goto(f"{site}/catalog/")
        assert smallest_text(page)[0] >= 20, smallest_text(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "catalog-390-large")
        page.goto(f"{site}/guide/{DEMO_ITEMS['escalated']}/")
        assert smallest_text(page)[0] >= 20, smallest_text(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "guide-390-large")

        # And it switches off again.
        page.get_by_role("button", name="大字模式").click()
        expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "false")
        page.reload()
        assert px(page, "body") < 20
        page.goto(f"{site}/track/{case.number}/?code={case.query_code}")
        shoot(page, "track-390-normal")
        context.close()

        if os.environ.get("BIANMIN_SHOTS"):
            desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = desk.new_page()
            for mode in ("normal", "large"):
                if mode == "large":
                    page.goto(f"{site}/")
                    page.wait_for_load_state("load")
                    page.get_by_role("button", name="大字模式").click()
                page.goto(f"{site}/")
                shoot(page, f"home-1280-{mode}")
                page.goto(f"{site}/track/{case.number}/?code={case.query_code}")
                shoot(page, f"track-1280-{mode}")
                page.goto(f"{site}/catalog/")
                shoot(page, f"catalog-1280-{mode}")
            desk.close()
