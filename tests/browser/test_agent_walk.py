"""The village agent in a real browser: a case without the villager's mandate cannot go to the township
(the page says so), the mandate signed with a finger offers the next step, the handover is signed by the
agent on the phone and by the clerk at the desk, and the sheet shows both signatures. Screenshots at
390 and 1280 px go to BIANMIN_SHOTS when set (looked at by hand, never committed)."""

import os
import re
from pathlib import Path

import pytest
from test_proxy_walk import PHONE, fits, sign_in, sign_with_a_finger

from bianmin.cases import services
from bianmin.cases.demo import PROMISED, _answers
from bianmin.cases.validators import id_check_char
from bianmin.catalog.models import Item, ItemStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRST17 = "61032419450301002"
DESK = {"width": 1280, "height": 900}


def shot(page, name):
    folder = os.environ.get("BIANMIN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.fixture
def unsigned_case(site):
    """A proxy case the agent registered without a mandate (made before the browser's event loop starts)."""
    from bianmin.accounts.models import User

    item = Item.objects.get(code=PROMISED, status=ItemStatus.PUBLISHED)
    case, _ = services.receive_case(
        User.objects.get(username="famen_agent"),
        item=PROMISED,
        channel="proxy",
        applicant={"kind": "person", "name": "李秀芳", "id_number": FIRST17 + id_check_char(FIRST17),
                   "phone": "13991709999", "address": "扶风县法门镇法门村三组"},
        answers=_answers(item),
        materials=[{"material": m.pk, "originals": m.originals, "copies": m.copies} for m in item.materials.all()],
        proxy={"home_visit": False, "mandate": False},
        idempotency_key="agent-walk-0001",
    )  # fmt: skip
    return case.number, case.query_code


def test_no_handover_without_a_mandate_then_signed_by_both_ends(site, unsigned_case, browser):
    from playwright.sync_api import expect

    number, query_code = unsigned_case
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    desk = browser.new_context(viewport=DESK, locale="zh-CN", timezone_id="Asia/Shanghai")
    agent = sign_in(phone, site, "famen_agent")
    shot(agent, "agent-390-workbench")
    assert "接口文档" not in agent.locator("header").inner_text()

    # The case page: its query code, a text to the villager, and the mandate as the next step.
    agent.goto(f"{site}/proxy/cases/{number}/")
    expect(agent.locator(".px-code")).to_contain_text(query_code)
    agent.get_by_role("button", name=re.compile("短信发给村民")).click()
    expect(agent.locator(".messages")).to_contain_text("查询码已用短信发给村民")
    expect(agent.locator(".px-actions .button.primary")).to_have_text("签代办委托书")
    assert fits(agent)
    shot(agent, "agent-390-case-unsigned")

    # Trying to carry it up anyway: refused, in words the agent understands.
    agent.goto(f"{site}/proxy/handovers/new/")
    row = agent.locator(".px-list li", has_text=number)
    expect(row).to_contain_text("未签代办委托书")
    row.locator("input[name=cases]").check()
    sign_with_a_finger(agent)
    agent.get_by_role("button", name="签名并生成交接单").click()
    expect(agent.locator(".messages")).to_contain_text(f"尚未签代办委托书，不能交镇中心：{number}")
    assert fits(agent)
    shot(agent, "agent-390-handover-refused")

    # The mandate, then the page offers the handover.
    agent.locator(".px-list li", has_text=number).get_by_role("link", name="签代办委托书").click()
    sign_with_a_finger(agent)
    agent.get_by_role("button", name="签署 / 发送验证码").click()
    expect(agent.locator(".messages")).to_contain_text("委托书已签署")
    expect(agent.locator("main")).to_contain_text("下一步")
    expect(agent.get_by_role("link", name="登记下一件")).to_be_visible()
    assert fits(agent)
    shot(agent, "agent-390-mandate-signed")
    agent.get_by_role("link", name="交镇中心").first.click()
    expect(agent.locator(f'input[name=cases][value="{number}"]')).to_be_checked()
    sign_with_a_finger(agent)
    agent.get_by_role("button", name="签名并生成交接单").click()
    agent.wait_for_url(re.compile(r"/proxy/handovers/\d+/$"))
    up_url = agent.url
    expect(agent.get_by_alt_text("交出人签名")).to_be_visible()
    assert fits(agent)
    shot(agent, "agent-390-handover")

    # The clerk receives at the desk and signs.
    clerk = sign_in(desk, site, "famen_clerk")
    assert "接口文档" not in clerk.locator("header").inner_text()
    clerk.goto(up_url)
    clerk.locator(f'input[name=received][value="{number}"]').check()
    sign_with_a_finger(clerk)
    shot(clerk, "clerk-1280-receive")
    clerk.get_by_role("button", name="签名并确认签收").click()
    expect(clerk.locator(".messages")).to_contain_text("已签收 1 件")
    expect(clerk.get_by_alt_text("交出人签名")).to_be_visible()
    expect(clerk.get_by_alt_text("接收人签名")).to_be_visible()
    shot(clerk, "clerk-1280-handover-signed")

    # The printable sheet carries both signatures, on the phone and on the desk.
    for page, size in ((agent, 390), (clerk, 1280)):
        page.goto(f"{up_url}sheet/")
        expect(page.get_by_alt_text("交出人签名")).to_be_visible()
        expect(page.get_by_alt_text("接收人签名")).to_be_visible()
        shot(page, f"sheet-{size}")
    phone.close()
    desk.close()


@pytest.mark.parametrize(
    "username,size", [(u, s) for u in ("fufeng_supervisor", "famen_agent", "admin") for s in (390, 1280)]
)
def test_workbench_and_register_at_both_widths(site, browser, username, size):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": size, "height": 900}, locale="zh-CN")
    page = sign_in(context, site, username)
    for card in page.locator("section.card.area h3").all():
        expect(card.locator("a")).to_have_count(1)
    shot(page, f"{username}-{size}-workbench")
    if username != "admin":
        page.goto(f"{site}/proxy/register/")
        with page.expect_download() as download:
            page.get_by_role("link", name="导出 Excel").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        shot(page, f"{username}-{size}-register")
    assert page.evaluate("document.documentElement.scrollWidth") <= size
    context.close()
