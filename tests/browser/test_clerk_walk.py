"""The clerk and the approvers in a real browser: finding a walk-in's case without its number, an instant
item done in one step, and the county returning an escalated case that the township sends up again. Each
page must fit a 390 px phone; with BIANMIN_SHOTS=<dir> every step is also saved as a screenshot."""

import os
import re

import pytest

from bianmin.accounts.models import User
from bianmin.cases import services
from bianmin.cases.validators import id_check_char
from bianmin.catalog.demo import DEMO_ITEMS
from bianmin.catalog.models import Item, ItemStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Demo@2026"
SHOTS = os.environ.get("BIANMIN_SHOTS", "")


def id_number(n: int) -> str:
    first17 = f"61032419400615{n:03d}"
    return first17 + id_check_char(first17)


def sign_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{site}/workbench/")


def sign_out(page, site):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{site}/accounts/login/")


def open_action(page, label):
    page.locator("details.action > summary", has_text=re.compile(rf"^{label}$")).click()
    return page.locator("details.action[open] form")


def look(page, name, widths=(1280, 390)):
    """Each width: the page fits without sideways scrolling, and (with BIANMIN_SHOTS) a screenshot."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows at {width}"
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def receive(key, n, name="王桂英", phone="13991700001", clerk="famen_clerk"):
    item = Item.objects.get(code=DEMO_ITEMS[key], status=ItemStatus.PUBLISHED)
    answers = {}
    for field in item.fields.all():
        if field.datatype == "date":
            answers[field.code] = "1940-06-15"
        elif field.datatype == "number":
            answers[field.code] = 1
        elif field.datatype in ("choice", "multi_choice"):
            first = field.choices[0]
            value = str(first.get("value", first.get("label"))) if isinstance(first, dict) else str(first)
            answers[field.code] = [value] if field.datatype == "multi_choice" else value
        else:
            answers[field.code] = "生活困难"
    case, _ = services.receive_case(
        User.objects.get(username=clerk),
        item=item.code,
        applicant={"kind": "person", "name": name, "id_number": id_number(n), "phone": phone},
        answers=answers,
        materials=[
            {"material": m.pk, "originals": m.originals, "copies": m.copies} for m in item.materials.all()
        ],
    )
    return case


# Cases are made before the browser starts (Django refuses database work once Playwright's loop runs).
@pytest.fixture
def walk_in(site):
    mine = receive("promised", 1)
    receive("promised", 2, phone="13991709999")  # the same name, another phone
    receive("promised", 3, name="李建国")
    return mine


@pytest.fixture
def instant_before(site):
    return receive("instant", 5)  # this month's most used item appears before any typing


@pytest.fixture
def escalated(site):
    case = receive("escalated", 7)
    services.accept_case(User.objects.get(username="famen_clerk"), case.number)
    services.escalate_case(
        User.objects.get(username="famen_minzheng"), case.number, opinion="经入户核查，符合条件"
    )
    return case


def test_a_clerk_finds_a_case_by_the_applicants_name_and_phone_tail(site, walk_in, browser):
    from playwright.sync_api import expect

    mine = walk_in
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(page, site, "famen_clerk")
    page.goto(f"{site}/cases/queue/to-decide/")
    page.get_by_role("link", name=re.compile("办件查询")).click()
    page.wait_for_url(f"{site}/cases/search/")
    look(page, "search-empty")
    page.get_by_label("申请人姓名").fill("王桂英")
    page.get_by_label("电话后四位").fill("0001")
    page.get_by_role("button", name="查询").click()
    results = page.locator("table.search-results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(mine.number)
    expect(results.first).to_contain_text("139****0001")
    expect(page.locator("table.search-results")).not_to_contain_text(id_number(1))
    look(page, "search-results")
    results.first.get_by_role("link", name=mine.number).click()
    expect(page.locator(".case-head h1")).to_contain_text(mine.number)
    page.close()


def test_an_instant_item_is_accepted_and_completed_in_one_step(site, instant_before, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(page, site, "famen_clerk")
    page.goto(f"{site}/cases/new/")
    page.wait_for_load_state("load")
    expect(page.locator(".popular-items")).to_contain_text("出具居住证明")
    look(page, "intake-start")
    page.locator(".popular-items a", has_text="出具居住证明").click()
    expect(page.locator(".intake-item")).to_contain_text("出具居住证明")
    page.get_by_label("申请人姓名/单位名称").fill("王贵英")  # the ID came here before as 王桂英
    page.get_by_label("身份证号").fill(id_number(5))
    expect(page.locator("[data-id-derived]")).to_contain_text("1940年6月15日 · 男")
    expect(page.locator(".id-warning")).to_contain_text("王桂英")
    page.get_by_label("联系电话").fill("13991700005")
    for box in page.locator(".checklist .material .got input").all():
        box.check()
    page.get_by_label("办理结果说明").fill("当场出具居住证明")
    look(page, "intake-instant")
    page.get_by_role("button", name="受理并办结").click()
    expect(page.locator(".case-facts")).to_contain_text("已办结")
    expect(page.locator(".issued")).to_contain_text("办结通知")
    look(page, "case-instant-completed")
    href = page.get_by_role("link", name="打印办结通知").get_attribute("href")
    page.goto(site + href)
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    expect(page.locator("body")).to_contain_text("当场出具居住证明")
    look(page, "completion-notice")
    page.close()


def test_the_county_returns_an_escalated_case_and_the_township_sends_it_up_again(site, escalated, browser):
    from playwright.sync_api import expect

    case = escalated
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    sign_in(page, site, "fufeng_approver")
    page.goto(f"{site}/cases/{case.number}/")
    expect(page.locator(".case-facts")).to_contain_text("已上报")
    form = open_action(page, "退回乡镇补充初审")
    look(page, "county-send-back-form")
    form.get_by_role("button", name="确认退回乡镇补充初审").click()  # no reason: refused on the field
    expect(page.locator("details.action[open] .field-error")).to_contain_text("请")
    form = page.locator("details.action[open] form")
    form.get_by_label(re.compile("退回理由")).fill("请补充申请人家庭成员收入的入户核查记录")
    form.get_by_role("button", name="确认退回乡镇补充初审").click()
    expect(page.locator(".case-facts")).to_contain_text("已受理")
    expect(page.locator(".issued")).to_contain_text("退回补充初审通知书")
    sign_out(page, site)

    sign_in(page, site, "famen_minzheng")
    page.goto(f"{site}/cases/{case.number}/")
    expect(page.locator(".sent-back")).to_contain_text("请补充申请人家庭成员收入的入户核查记录")
    form = open_action(page, "初审上报")
    form.get_by_label("初审意见").fill("已补充入户核查记录，家庭收入符合特困供养条件")
    look(page, "township-re-escalate")
    form.get_by_role("button", name="确认初审上报").click()
    expect(page.locator(".case-facts")).to_contain_text("已上报")
    page.close()
