"""The administrator's calendar pages: who may open them, the month grid, and editing a day."""

import pytest
from django.urls import reverse

from bianmin.calendar.models import CalendarYear

DAY_URL = "/calendar/2026/days/2026-03-03/"


@pytest.fixture
def admin_client(client, demo):
    client.login(username="admin", password="Demo@2026")
    return client


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/calendar/2026/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_non_admin_gets_403_and_cannot_post(client, demo, now):
    client.login(username="famen_clerk", password="Demo@2026")
    forbidden = client.get("/calendar/")
    assert forbidden.status_code == 403
    assert "工作日历只有系统管理员可以查看和修改" in forbidden.content.decode()
    assert client.post(DAY_URL, {"kind": "holiday", "name": "假"}).status_code == 403
    assert client.get("/api/v1/calendar/days/2026-03-03").json()["workday"] is True


def test_index_lists_years_with_confirmed_flag(admin_client, now):
    page = admin_client.get("/calendar/").content.decode()
    assert "2026 年" in page and "2004 年" in page and "已确认" in page
    assert "添加 2027 年日历" in page


def test_year_page_shows_the_month_grid_with_names(admin_client, now):
    response = admin_client.get("/calendar/2026/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="cal-month"') == 12
    assert "国庆节" in page and "国庆节调休" in page and "上班" in page


def test_day_editor_is_an_htmx_partial(admin_client, now):
    response = admin_client.get("/calendar/2026/days/2026-10-05/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "2026年10月5日" in body and 'value="国庆节"' in body


def test_posting_a_holiday_changes_the_api_at_once(admin_client, now):
    response = admin_client.post(DAY_URL, {"kind": "holiday", "name": "临时放假"})
    assert response.status_code == 302
    body = admin_client.get("/api/v1/calendar/days/2026-03-03").json()
    assert (body["workday"], body["name"]) == (False, "临时放假")


def test_htmx_post_returns_the_refreshed_month(admin_client, now):
    response = admin_client.post(
        DAY_URL, {"kind": "holiday", "name": "临时放假"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="month-3" hx-swap-oob="outerHTML"' in body and "临时放假" in body


def test_invalid_post_shows_the_field_error_and_changes_nothing(admin_client, now):
    response = admin_client.post("/calendar/2026/days/2026-03-04/", {"kind": "makeup_workday", "name": ""})
    assert response.status_code == 422
    assert "调休上班日须在周六或周日" in response.content.decode()
    assert admin_client.get("/api/v1/calendar/days/2026-03-04").json()["name"] is None


def test_holiday_without_name_is_refused(admin_client, now):
    response = admin_client.post(DAY_URL, {"kind": "holiday", "name": ""}, headers={"HX-Request": "true"})
    assert "节假日须填写名称" in response.content.decode()


def test_local_holiday_through_the_page(admin_client, now):
    response = admin_client.post(f"{DAY_URL}?region=610324106000", {"kind": "holiday", "name": "法门寺庙会"})
    assert response.status_code == 302
    api = admin_client.get
    assert api("/api/v1/calendar/days/2026-03-03?region=610324106201").json()["name"] == "法门寺庙会"
    assert api("/api/v1/calendar/days/2026-03-03?region=610324100200").json()["workday"] is True
    assert "法门寺庙会" in admin_client.get("/calendar/2026/?region=610324106000").content.decode()


def test_add_next_year_and_confirm_it(admin_client, now):
    response = admin_client.post("/calendar/add-year/", {"year": "2027"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).confirmed is False
    assert "未确认" in admin_client.get("/calendar/2027/").content.decode()
    admin_client.post("/calendar/2027/confirm/", {"confirmed": "1", "source": "国办发明电〔2026〕X号"})
    assert CalendarYear.objects.get(year=2027).confirmed is True


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/2026/days/2026-13-01/",
        "/calendar/2026/days/2025-03-03/",
        "/calendar/2026/days/xx/",
        "/calendar/1800/",
        "/calendar/2026/?region=abc",
        "/calendar/2026/?region=999999999999",
        "/calendar/2040/days/2040-03-05/",
    ],
)
def test_bad_addresses_are_404_not_500(admin_client, now, url):
    assert admin_client.get(url).status_code == 404


def test_garbage_posts_never_500(admin_client, now):
    for data in ({}, {"kind": "nonsense"}, {"kind": "holiday", "name": "名" * 500}):
        assert admin_client.post(DAY_URL, data).status_code == 422
    assert admin_client.post("/calendar/add-year/", {"year": "abc"}).status_code == 302
    assert admin_client.post("/calendar/add-year/", {"year": "2026"}).status_code == 302  # exists: message
    # A year never added is not there to confirm: the service's NotFound is the 404 page.
    missing = admin_client.post("/calendar/2040/confirm/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()


def test_workbench_links_the_calendar_for_admins(admin_client, now):
    assert reverse("calendar:index") in admin_client.get("/workbench/").content.decode()


def test_the_day_editor_takes_only_plain_dates_not_week_dates(client, demo):
    client.login(username="admin", password="Demo@2026")
    assert client.get("/calendar/2026/days/2026-01-05/").status_code == 200
    assert client.get("/calendar/2026/days/2026-W02-1/").status_code == 404
