"""全程代办 in real browsers: the agent registers on a phone (home visit, photo, finger-signed mandate), carries
the case up, the clerk receives and accepts it, 民政 completes it, the clerk sends the result back, and the
agent delivers it with the villager's finger signature. Every agent page fits a 390 px phone, and the case
shows everyone who held the papers, in order."""

import re

import pytest
from PIL import Image

from bianmin.cases.validators import id_check_char
from bianmin.catalog.demo import DEMO_ITEMS
from tests.browser.conftest import page_width

# Committed data for the live server's thread; serialized_rollback as in test_window_walk.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo@2026"
FIRST17 = "61032419400615003"
ID_NUMBER = FIRST17 + id_check_char(FIRST17)
PHONE = {"width": 390, "height": 844}
DRAFTS = "bianmin.proxy.drafts"


def sign_in(context, site, username):
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{site}/workbench/")
    return page


def fits(page):
    """No sideways scrolling on the phone (measured once the page a click opened has loaded)."""
    return page_width(page) <= PHONE["width"]


def sign_with_a_finger(page, within=None):
    canvas = (within or page).locator("[data-signature-pad] canvas")
    canvas.scroll_into_view_if_needed()  # the mouse reaches only what is on the screen
    box = canvas.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x + step * 15, y + (20 if step % 2 else -20), steps=2)
    page.mouse.up()


def open_action(page, label):
    page.locator("details.action > summary", has_text=re.compile(rf"^{label}$")).click()
    return page.locator("details.action[open] form")


def test_proxy_walk_from_a_home_visit_to_delivery_at_phone_width(site, browser, tmp_path):
    from playwright.sync_api import expect

    photo = tmp_path / "id-card.png"
    Image.new("RGB", (2400, 1600), (225, 215, 190)).save(photo)
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    # --- the agent registers an application at a villager's home ---------------------------------------
    agent = sign_in(phone, site, "famen_agent")
    agent.goto(f"{site}/proxy/")
    assert fits(agent)
    agent.get_by_role("link", name="登记代办").click()
    agent.wait_for_load_state("load")  # htmx (deferred) must be listening before we type
    agent.get_by_label("选择事项").fill("gljt")
    agent.locator(f'a.item-pick[href="?item={DEMO_ITEMS["promised"]}"]').click()
    expect(agent.locator(".intake-item")).to_contain_text("高龄津贴申请")
    assert fits(agent)
    agent.get_by_label("上门受理").check()
    agent.get_by_label("申请人姓名/单位名称").fill("王桂英")
    agent.get_by_label("身份证号").fill(ID_NUMBER)
    agent.get_by_label("联系电话").fill("13991700001")
    agent.get_by_label("住址").fill("扶风县法门镇法门村二组")
    agent.get_by_label("出生日期").fill("1940-06-15")
    for material in agent.locator(".checklist .material").all():
        material.locator(".got input").check()
    id_card = agent.locator(".material", has_text="申请人居民身份证")
    id_card.locator("input[type=file]").set_input_files(photo)
    expect(id_card.locator(".px-photo-status")).to_contain_text("已压缩 1 张")

    # The draft is on the phone, under the key the form will send.
    key = agent.locator("input[name=idempotency_key]").input_value()
    expect(agent.locator(".px-draft-status")).to_contain_text("草稿已存在本机")
    drafts = agent.evaluate(f"JSON.parse(localStorage.getItem('{DRAFTS}'))")
    assert [(d["key"], d["item"], d["applicant"]) for d in drafts] == [
        (key, DEMO_ITEMS["promised"], "王桂英")
    ]
    assert drafts[0]["fields"]["home_visit"] == ["on"]
    assert fits(agent)

    agent.get_by_role("button", name="提交登记，下一步签委托书").click()
    agent.wait_for_url(re.compile(r"/proxy/cases/[^/]+/mandate/\?draft="))
    number = agent.url.split("/proxy/cases/")[1].split("/")[0]
    expect(agent.locator(".messages")).to_contain_text(f"已登记：{number}")
    # Registered: the phone forgets the draft.
    assert agent.evaluate(f"JSON.parse(localStorage.getItem('{DRAFTS}'))") == []

    # The mandate, signed with a finger on the screen.
    expect(agent.get_by_label("委托人（村民）")).to_have_value("王桂英")
    sign_with_a_finger(agent)
    assert fits(agent)
    agent.get_by_role("button", name="签署 / 发送验证码").click()
    expect(agent.locator(".messages")).to_contain_text("委托书已签署")
    expect(agent.locator("main")).to_contain_text("以手写签名确认委托")

    # --- up to the township ------------------------------------------------------------------------------
    agent.goto(f"{site}/proxy/")
    expect(agent.locator("#to_hand_over")).to_contain_text(number)
    agent.get_by_role("link", name="交镇中心").click()
    assert fits(agent)
    sign_with_a_finger(agent)
    agent.get_by_role("button", name="签名并生成交接单").click()
    agent.wait_for_url(re.compile(r"/proxy/handovers/\d+/$"))
    up_url = agent.url
    assert fits(agent)
    expect(agent.locator("img.qr")).to_be_visible()

    clerk = sign_in(desk, site, "famen_clerk")
    clerk.goto(up_url)  # what scanning the sheet's QR code opens
    clerk.locator(f'input[name=received][value="{number}"]').check()
    sign_with_a_finger(clerk)
    clerk.get_by_role("button", name="签名并确认签收").click()
    expect(clerk.locator(".messages")).to_contain_text("已签收 1 件")
    clerk.goto(f"{site}/cases/{number}/")
    open_action(clerk, "受理").get_by_role("button", name="确认受理").click()
    expect(clerk.locator(".case-facts")).to_contain_text("已受理")

    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    minzheng = sign_in(office, site, "famen_minzheng")
    minzheng.goto(f"{site}/cases/{number}/")
    form = open_action(minzheng, "办结")
    form.get_by_label("结果说明").fill("准予发放高龄津贴，自下月起按月发放")
    form.get_by_role("button", name="确认办结").click()
    expect(minzheng.locator(".case-facts")).to_contain_text("已办结")
    office.close()

    # --- the result comes back down, and the villager signs for it ------------------------------------
    clerk.goto(f"{site}/proxy/handovers/return/")
    back = clerk.locator("section.card", has_text="王代办")
    sign_with_a_finger(clerk, within=back)
    back.get_by_role("button", name="签名并生成带回交接单").click()
    clerk.wait_for_url(re.compile(r"/proxy/handovers/\d+/$"))
    down_url = clerk.url
    assert down_url != up_url

    agent.goto(down_url)
    agent.locator(f'input[name=received][value="{number}"]').check()
    sign_with_a_finger(agent)
    assert fits(agent)
    agent.get_by_role("button", name="签名并确认签收").click()
    expect(agent.locator(".messages")).to_contain_text("已签收 1 件")
    agent.goto(f"{site}/proxy/cases/{number}/")
    agent.get_by_role("link", name="送达并签收").click()
    expect(agent.get_by_label("签收人", exact=True)).to_have_value("王桂英")
    sign_with_a_finger(agent)
    assert fits(agent)
    agent.get_by_role("button", name="确认送达").click()
    expect(agent.locator(".messages")).to_contain_text("已送达")

    # --- every holder, in order ---------------------------------------------------------------------
    expect(agent.locator(".px-holders")).to_have_text(
        "经手：王代办（代办员） → 在途 → 孙受理（法门镇便民服务中心） → 在途 → 王代办（代办员） → 村民王桂英"
    )
    timeline = agent.locator(".px-timeline li").all_inner_texts()
    steps = [
        "王代办",  # registered at the villager's home
        "王桂英委托王代办代办",
        "王代办将办件交往法门镇便民服务中心",
        "孙受理（法门镇便民服务中心）签收王代办交来的办件",
        "孙受理",  # accepted
        "吴民政",  # completed
        "孙受理（法门镇便民服务中心）将办理结果交王代办带回",
        "王代办签收孙受理交来的办件",
        "签收人：王桂英",
    ]
    found = 0
    for line in timeline:
        if found < len(steps) and steps[found] in line:
            found += 1
    assert found == len(steps), timeline
    assert fits(agent)
    clerk.goto(f"{site}/cases/{number}/")
    expect(clerk.locator(".holders")).to_contain_text("王代办（代办员） → 在途 → 孙受理")
    phone.close()
    desk.close()
