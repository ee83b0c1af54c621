"""AB岗 in a real browser: 吴民政 (A of 民政所) says on the phone she is at a meeting; 周主任 (B) finds the
B岗代办 card on the workbench, opens the case from that queue and completes it; the timeline says B岗代办.
The sign-in, whereabouts and public center pages fit a 390 px phone. (The live server runs on the real
clock: the server thread does not see a pinned one.)"""

import pytest
from test_window_walk import fits, open_action, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def accepted_case(site):
    """An accepted 民政 case (made before the browser's event loop starts)."""
    from bianmin.regions.models import Center
    from tests.cases_web.helpers import accepted

    code = Center.objects.get(region_id="610324106000", level="township").code
    return accepted(n=7).number, code


def test_the_backup_completes_the_case_while_a_is_at_a_meeting(site, accepted_case, browser):
    from playwright.sync_api import expect

    number, code = accepted_case
    phone = browser.new_context(viewport=PHONE).new_page()
    sign_in(phone, site, "famen_minzheng")
    phone.goto(f"{site}/duty/whereabouts/")
    assert fits(phone, 390)
    phone.get_by_label("去向").select_option("meeting")
    phone.get_by_label("说明").fill("县民政局业务培训")
    phone.get_by_role("button", name="登记去向").click()
    expect(phone.locator("body")).to_contain_text("现在：开会")
    phone.goto(f"{site}/duty/sign/")
    assert fits(phone, 390)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, site, "famen_director")
    desk.get_by_role("link", name="B岗代办").click()
    desk.get_by_role("link", name=number).click()
    form = open_action(desk, "办结")
    form.get_by_label("结果说明").fill("准予临时救助")
    form.get_by_role("button", name="确认办结").click()
    expect(desk.locator(".case-facts")).to_contain_text("已办结")
    expect(desk.locator(".timeline")).to_contain_text("B岗代办")

    phone.goto(f"{site}/centers/{code}/")
    # Who is on duty depends on the real day (none on a weekend); the disclosure is there either way.
    expect(phone.locator("body")).to_contain_text("今日在岗人员与去向")
    expect(phone.locator("body")).to_contain_text("办结公示")
    assert fits(phone, 390)
