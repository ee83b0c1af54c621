"""The acceptance walk in real browsers: the clerk accepts a case at window 1, the window's pad (a second
browser context carrying the device token) shows it, the citizen taps 非常不满意 + 态度差; the director sees
the rectification in the bell and the queue, verifies, rectifies and records a 满意 callback; the public
board shows the 差评 with what was done and the citizen's masked name."""

import re

import pytest

from bianmin.accounts.models import User
from bianmin.cases import services as cases
from bianmin.catalog.demo import DEMO_ITEMS
from bianmin.catalog.models import Item, ItemStatus
from bianmin.devices import services as devices
from bianmin.devices.models import DeviceKind
from bianmin.regions.models import Window
from tests.browser.conftest import page_width
from tests.cases.factories import id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo@2026"


def sign_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{site}/workbench/")


# Made before the browser starts (Django refuses database work once Playwright's loop runs).
@pytest.fixture
def walk(site):
    window = Window.objects.get(center__region__name="法门镇", number=1)
    director = User.objects.get(username="famen_director")
    clerk = User.objects.get(username="famen_clerk")
    devices.take_seat(clerk, window)
    _, token = devices.issue(director, window.center, DeviceKind.RATING_PAD, "1号窗口评价器", window)
    item = Item.objects.get(code=DEMO_ITEMS["instant"], status=ItemStatus.PUBLISHED)
    case, _ = cases.receive_case(
        clerk,
        item=item.code,
        applicant={"kind": "person", "name": "王桂英", "id_number": id_number(3), "phone": "13991700001"},
        answers={},
        materials=[
            {"material": m.pk, "originals": m.originals, "copies": m.copies} for m in item.materials.all()
        ],
    )
    return {"token": token, "case": case, "center": window.center.code, "item": item.name}


def test_pad_bad_rating_rectified_and_published(site, walk, browser):
    from playwright.sync_api import expect

    case = walk["case"]
    # The pad: a tablet at window 1 with the device cookie, no staff login.
    pad_context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    pad_context.add_cookies([{"name": devices.COOKIE, "value": walk["token"], "url": site}])
    pad = pad_context.new_page()
    pad.goto(f"{site}/pad/")
    expect(pad.locator(".pad-welcome")).to_contain_text("欢迎")

    # The clerk accepts the case at window 1.
    clerk = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(clerk, site, "famen_clerk")
    clerk.goto(f"{site}/cases/{case.number}/")
    clerk.locator("details.action > summary", has_text=re.compile(r"^受理$")).click()
    clerk.locator("details.action[open] form").get_by_role("button", name="确认受理").click()
    expect(clerk.locator(".case-facts")).to_contain_text(re.compile("已受理|已办结"))

    # The pad shows the item and the clerk (polled), never the applicant.
    expect(pad.locator(".pad-item")).to_contain_text(walk["item"], timeout=15000)
    expect(pad.locator(".pad-clerk")).to_contain_text("为您服务的是")
    assert "王桂英" not in pad.content() and "13991700001" not in pad.content()
    assert page_width(pad) <= 1024
    pad.set_viewport_size({"width": 800, "height": 1280})
    assert page_width(pad) <= 800
    pad.locator(".pad-level", has_text="非常不满意").click()
    pad.locator(".pad-chip", has_text="态度差").click()
    pad.get_by_role("button", name="提交评价").click()
    expect(pad.locator(".pad-thanks")).to_contain_text("感谢您的评价")
    # … and clears itself after a few seconds.
    expect(pad.locator(".pad-welcome")).to_contain_text("欢迎", timeout=15000)

    # The director: the bell and the queue.
    director = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(director, site, "famen_director")
    expect(director.locator(".bell .badge")).to_be_visible()
    director.goto(f"{site}/notices/")
    expect(director.locator(".notices")).to_contain_text("差评整改")
    director.goto(f"{site}/workbench/")
    director.get_by_role("link", name="差评整改").first.click()
    director.get_by_role("link", name=walk["item"]).click()
    expect(director.locator(".rect-state")).to_contain_text("待核实")

    def step(label, fill):
        form = director.locator("details.action", has=director.locator("summary", has_text=label)).locator(
            "form"
        )
        if not form.is_visible():
            director.locator("details.action > summary", has_text=label).click()
        fill(form)
        form.get_by_role("button", name=label).click()

    step("核实为有效差评", lambda f: f.get_by_label("核实情况").fill("电话联系群众，窗口人员说话生硬属实"))
    expect(director.locator(".rect-state")).to_contain_text("有效")
    step("开始整改", lambda f: f.get_by_label("整改措施").fill("窗口人员服务规范培训，当面致歉"))
    expect(director.locator(".rect-state")).to_contain_text("整改中")
    step("整改完成", lambda f: f.get_by_label("整改结果").fill("已培训并向群众致歉"))
    expect(director.locator(".rect-state")).to_contain_text("已整改")
    step("回访", lambda f: f.get_by_label("群众追评").select_option("2"))
    expect(director.locator(".rect-state")).to_contain_text("已回访")
    expect(director.locator("dl.facts")).to_contain_text("满意")
    director.set_viewport_size({"width": 390, "height": 844})
    assert page_width(director) <= 390

    # The public board, at phone width, without a login.
    public = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    public.goto(f"{site}/board/{walk['center']}/")
    bad = public.locator(".board-bad")
    expect(bad).to_contain_text("非常不满意")
    expect(bad).to_contain_text("态度差")
    expect(bad).to_contain_text("已回访")
    expect(bad).to_contain_text("王*英")
    assert "王桂英" not in public.content()
    assert page_width(public) <= 390
    pad_context.close()


@pytest.fixture
def delivered(site):
    from bianmin.cases.actions import dispatch

    clerk = User.objects.get(username="famen_clerk")
    item = Item.objects.get(code=DEMO_ITEMS["instant"], status=ItemStatus.PUBLISHED)
    case, _ = cases.receive_case(
        clerk,
        item=item.code,
        applicant={"kind": "person", "name": "李建国", "id_number": id_number(4), "phone": "13991700002"},
        answers={},
        materials=[
            {"material": m.pk, "originals": m.originals, "copies": m.copies} for m in item.materials.all()
        ],
    )
    dispatch("accept", clerk, case.number, {"complete": True, "result": "当场办结"})
    dispatch("deliver", clerk, case.number, {"method": "window"})
    return case


def test_qr_rating_on_a_phone(site, delivered, browser):
    from playwright.sync_api import expect

    case = delivered
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.goto(f"{site}/track/{case.number}/?code={case.query_code}&via=qr#rating")
    box = phone.locator("#rating")
    expect(box).to_contain_text("评价这次服务")
    assert page_width(phone) <= 390
    box.locator(".chip", has_text="办结环节").click()
    box.locator(".level", has_text="满意").nth(0).click()  # 非常满意 is first
    box.locator(".chip", has_text="一次办成").click()
    box.get_by_role("button", name="提交评价").click()
    expect(phone.locator(".messages")).to_contain_text("感谢您的评价")
    expect(phone.locator("#rating")).to_contain_text("已评价（办结环节（整体办理））：非常满意")
    assert page_width(phone) <= 390
