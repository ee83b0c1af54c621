"""The work-order acceptance walk in a real browser: a villager's complaint about a slow case registered at
the window → dispatched to 法门镇民政所 → answered → called back with a rating; the case page shows the
complaint; the figures count it against that department. Every page fits 1280 px and a 390 px phone."""

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_clerk_walk import look, open_action, receive, sign_in, sign_out

from bianmin.accounts.models import User
from bianmin.cases import services
from bianmin.core import clock
from bianmin.inquiries.figures import figures
from bianmin.inquiries.models import State, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MZ = "610324106000MZ"


@pytest.fixture
def slow_case(site):
    case = receive("promised", 41)
    services.accept_case(User.objects.get(username="famen_clerk"), case.number)
    return case


def in_a_thread(fn):
    """Database reads after the walk: Playwright's event loop runs in this thread, Django refuses it here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def test_a_complaint_about_a_slow_case_walks_to_a_rated_callback(site, slow_case, browser):
    case = slow_case
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    sign_in(page, site, "famen_clerk")
    page.get_by_role("link", name="登记工单").click()
    page.get_by_label("群众反映的内容").fill("低保申请交了半个月没消息，窗口和民政所互相推。")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("类别").select_option("complaint")
    page.locator("summary", has_text="更多").click()
    page.get_by_label("相关办件编号").fill(case.number)
    look(page, "inquiry-register")
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url(re.compile(r"/inquiries/GD"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "待派单" in page.content() and "139****5678" in page.content()
    form = open_action(page, "派单")
    form.get_by_label("派往部门").select_option(MZ)
    form.get_by_role("button", name="确认派单").click()
    page.wait_for_load_state("load")
    assert "已派单" in page.content()
    look(page, "inquiry-dispatched")
    sign_out(page, site)

    sign_in(page, site, "famen_minzheng")
    page.get_by_role("link", name="本部门工单").click()
    page.get_by_role("link", name=number).click()
    open_action(page, "签收").get_by_role("button", name="确认签收").click()
    page.wait_for_load_state("load")
    form = open_action(page, "答复")
    form.get_by_label("答复内容").fill("经核实材料已齐，今日已审批，向群众致歉。")
    form.get_by_label("是否属实").select_option("yes")
    form.get_by_role("button", name="确认答复").click()
    page.wait_for_load_state("load")
    assert "已答复" in page.content()
    sign_out(page, site)

    sign_in(page, site, "famen_clerk")
    page.goto(f"{site}/inquiries/?queue=callback")
    page.get_by_role("link", name=number).click()
    form = open_action(page, "回访")
    form.get_by_label("是否联系上").select_option("yes")
    form.get_by_label("群众评价").select_option("2")
    form.get_by_role("button", name="确认回访").click()
    page.wait_for_load_state("load")
    assert "已回访" in page.content()
    look(page, "inquiry-called-back")

    page.goto(f"{site}/cases/{case.number}/")
    assert number in page.locator("section.case-orders").inner_text()
    look(page, "case-with-complaint")

    order = in_a_thread(lambda: WorkOrder.objects.get(number=number))
    assert (order.state, order.callback_level, order.upheld) == (State.CALLED_BACK, 2, True)
    today = clock.today()
    numbers = in_a_thread(lambda: figures("610324000000", today - dt.timedelta(days=1), today))
    assert numbers["complaints_against"]["departments"] == {MZ: 1}
    assert numbers["answered"] == 1 and numbers["satisfaction_rate"] == 1.0


def test_the_public_form_fits_a_phone(site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{site}/ask/")
    sum_text = page.locator("label[for=id_answer]").inner_text()
    a, b = map(int, re.search(r"(\d) 加 (\d)", sum_text).groups())
    page.get_by_label("内容").fill("办低保要带什么材料？")
    page.get_by_label("手机号").fill("13700001111")
    page.get_by_label(re.compile("验证")).fill(str(a + b))
    look(page, "ask", widths=(390, 1280))
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("load")
    assert "查询码" in page.content()
    look(page, "ask-done", widths=(390,))
