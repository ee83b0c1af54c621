"""At the window in a real browser: intake → supplement request → supplement → accept → print the 受理通知书,
then the 民政 approver completes it. The case page must fit a 390 px phone without sideways scrolling."""

import re

import pytest

from bianmin.cases.validators import id_check_char
from bianmin.catalog.demo import DEMO_ITEMS
from tests.browser.conftest import page_width

# Committed data for the live server's thread; serialized_rollback leaves the tables empty afterwards
# instead of re-creating content types that a later serialized_rollback test would clash with.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo@2026"
FIRST17 = "61032419400615002"
ID_NUMBER = FIRST17 + id_check_char(FIRST17)


def sign_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{site}/workbench/")


def open_action(page, label):
    page.locator("details.action > summary", has_text=re.compile(rf"^{label}$")).click()
    return page.locator("details.action[open] form")


def fits(page, width):
    return page_width(page) <= width


def test_window_walk_from_intake_to_completion(site, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    # The clerk finds 高龄津贴申请 by its pinyin initials (htmx live search) and opens the form.
    sign_in(page, site, "famen_clerk")
    page.get_by_role("link", name="收件受理").first.click()
    page.wait_for_url(f"{site}/cases/new/")
    page.wait_for_load_state("load")  # htmx (deferred) must be listening before we type
    page.get_by_label("选择事项").fill("gljt")
    page.locator(f'a.item-pick[href="?item={DEMO_ITEMS["promised"]}"]').click()
    expect(page.locator(".intake-item")).to_contain_text("高龄津贴申请")

    page.get_by_label("申请人姓名/单位名称").fill("王桂英")
    page.get_by_label("身份证号").fill(ID_NUMBER)
    page.get_by_label("联系电话").fill("13991700001")
    page.get_by_label("住址").fill("扶风县法门镇法门村二组")
    page.get_by_label("出生日期").fill("1940-06-15")
    page.locator(".material", has_text="申请人居民身份证").locator(".got input").check()
    # 户口簿 is required and not ticked: its supplement reason is filled in for the one-time notice.
    expect(page.locator(".material", has_text="户口簿").locator(".reason-input input")).to_have_value(
        "未提交该材料，请补交"
    )
    page.get_by_role("button", name="一次性告知补正").click()
    expect(page.locator(".issued")).to_contain_text("补正材料通知书")
    expect(page.locator(".case-facts")).to_contain_text("待补正")
    number = page.locator(".case-head h1").inner_text().strip()

    # The applicant comes back with everything: supplement, then accept.
    open_action(page, "补正材料").get_by_role("button", name="确认补正材料").click()
    expect(page.locator(".case-facts")).to_contain_text("已收件")
    open_action(page, "受理").get_by_role("button", name="确认受理").click()
    expect(page.locator(".case-facts")).to_contain_text("已受理")
    notice = page.get_by_role("link", name="打印受理通知书")
    page.goto(site + notice.get_attribute("href"))
    expect(page.locator("body")).to_contain_text("受理通知书")
    expect(page.locator("body")).to_contain_text(number)

    # The case page fits a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/cases/{number}/")
    assert fits(page, 390)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{site}/accounts/login/")

    # The 民政 approver completes it.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "famen_minzheng")
    page.get_by_role("link", name="本部门待办").click()
    page.get_by_role("link", name=number).click()
    form = open_action(page, "办结")
    form.get_by_label("结果说明").fill("准予发放高龄津贴，自下月起按月发放")
    form.get_by_role("button", name="确认办结").click()
    expect(page.locator(".case-facts")).to_contain_text("已办结")
    expect(page.locator(".issued")).to_contain_text("办结通知")
    page.close()
