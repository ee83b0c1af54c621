"""The hall in real browsers: a villager takes a ticket at the kiosk, the hall screen (another browser
context) shows it waiting, the clerk calls it, the screen shows "请A001号到1号窗口", the clerk starts the
intake from the ticket, and the case's timeline records the waiting and service time."""

import pytest

from bianmin.cases.validators import id_check_char
from bianmin.catalog.demo import DEMO_ITEMS
from tests.browser.conftest import page_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo@2026"
FIRST17 = "61032419400615002"
ID_NUMBER = FIRST17 + id_check_char(FIRST17)


@pytest.fixture
def tokens(site):
    from bianmin.accounts.models import User
    from bianmin.devices import services
    from bianmin.regions.models import Center

    director = User.objects.get(username="famen_director")
    center = Center.objects.get(region__name="法门镇", level="township")
    return {
        "kiosk": services.issue(director, center, "ticket_kiosk", "取号机")[1],
        "screen": services.issue(director, center, "hall_screen", "大厅屏")[1],
        "center": center.code,
    }


def _device_context(browser, site, token, **kwargs):
    context = browser.new_context(locale="zh-CN", **kwargs)
    context.add_cookies([{"name": "bianmin_device", "value": token, "url": site}])
    return context


def test_ticket_screen_call_and_intake(site, tokens, browser):
    from playwright.sync_api import expect

    screen_context = _device_context(
        browser, site, tokens["screen"], viewport={"width": 1920, "height": 1080}
    )
    # Record what the screen says aloud (headless Chromium has no voice to listen to).
    screen_context.add_init_script(
        script="window.__spoken = [];"
        "SpeechSynthesis.prototype.speak = function (u) { window.__spoken.push(u.text + '|' + u.lang); };"
    )
    screen = screen_context.new_page()
    violations = []

    def watch(page):
        page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
        return page

    watch(screen)
    screen.goto(f"{site}/hall/screen/")
    expect(screen.locator(".calls")).to_contain_text("请取号等候")

    kiosk = _device_context(
        browser, site, tokens["kiosk"], viewport={"width": 1024, "height": 768}
    ).new_page()
    watch(kiosk)
    kiosk.goto(f"{site}/hall/kiosk/")
    kiosk.get_by_role("button", name="社保民政").click()
    expect(kiosk.locator(".receipt-number")).to_have_text("A001")
    expect(kiosk.locator(".receipt-ahead")).to_contain_text("0")

    # The screen refreshes itself (htmx), no reload: A001 is waiting.
    expect(screen.locator('td[data-letter="A"]')).to_have_text("1", timeout=10_000)

    clerk = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch(clerk)
    clerk.goto(f"{site}/accounts/login/")
    clerk.get_by_label("用户名").fill("famen_clerk")
    clerk.get_by_label("密码").fill(PASSWORD)
    clerk.get_by_role("button", name="登录").click()
    clerk.wait_for_url(f"{site}/workbench/")
    clerk.get_by_role("link", name="叫号").first.click()
    clerk.get_by_role("button", name="叫下一位").click()
    expect(clerk.locator("[data-testid=current-ticket]")).to_have_text("A001")

    expect(screen.locator(".call.latest")).to_contain_text("请A001号到1号窗口", timeout=10_000)
    expect(screen.locator('td[data-letter="A"]')).to_have_text("0")
    assert "请A001号到1号窗口|zh-CN" in screen.evaluate("window.__spoken")

    # The clerk starts the intake from the ticket.
    clerk.get_by_role("link", name="为 A001 收件").click()
    clerk.wait_for_url(f"{site}/cases/new/")
    clerk.goto(f"{site}/cases/new/?item={DEMO_ITEMS['instant']}")
    clerk.get_by_label("申请人姓名/单位名称").fill("王桂英")
    clerk.get_by_label("身份证号").fill(ID_NUMBER)
    clerk.get_by_label("联系电话").fill("13991700001")
    for box in clerk.locator(".checklist .material .got input").all():
        box.check()
    clerk.get_by_label("办理结果说明").fill("当场出具居住证明")
    clerk.get_by_role("button", name="受理并办结").click()
    expect(clerk.locator(".case-facts")).to_contain_text("已办结")
    timeline = clerk.locator("body")
    expect(timeline).to_contain_text("叫号受理")
    expect(timeline).to_contain_text("排队号A001：等候")
    expect(timeline).to_contain_text("叫号至收件")

    # Back at the caller, the ticket shows its case.
    clerk.goto(f"{site}/workbench/hall/")
    expect(clerk.locator(".card", has_text="当前号")).to_contain_text("办件")

    # The caller and the public booking page fit a phone.
    clerk.set_viewport_size({"width": 390, "height": 844})
    clerk.goto(f"{site}/workbench/hall/")
    assert page_width(clerk) <= 390
    public = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    public.goto(f"{site}/hall/book/{tokens['center']}/")
    expect(public.locator("h1")).to_contain_text("预约办事")
    assert page_width(public) <= 390
    public.goto(f"{site}/hall/outreach/")
    expect(public.locator("body")).to_contain_text("法门集")
    assert page_width(public) <= 390
    assert violations == []
