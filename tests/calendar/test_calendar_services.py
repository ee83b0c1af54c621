"""The write services: validation in Chinese, admins only, and every edit visible to the API at once."""

import datetime as dt

import pytest

from bianmin.calendar import services
from bianmin.calendar.models import CalendarDay, CalendarRevision, CalendarYear, DayKind
from bianmin.core.errors import Conflict, Forbidden, Invalid

D = dt.date
HOLIDAY, MAKEUP = DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY


def revision() -> int:
    return CalendarRevision.objects.get(pk=1).number


def test_adding_a_holiday_changes_the_api_answer_at_once(client, admin_user, now):
    assert client.get("/api/v1/calendar/days/2026-03-03").json()["workday"] is True
    before = client.get("/api/v1/calendar/deadline?start=2026-03-02&days=1").json()["deadline"]
    assert before == "2026-03-03"

    services.set_day(2026, D(2026, 3, 3), HOLIDAY, "临时放假", admin_user)

    day = client.get("/api/v1/calendar/days/2026-03-03").json()
    assert (day["workday"], day["name"]) == (False, "临时放假")
    assert client.get("/api/v1/calendar/deadline?start=2026-03-02&days=1").json()["deadline"] == "2026-03-04"


def test_every_edit_bumps_the_revision(admin_user, now):
    start = revision()
    services.set_day(2026, D(2026, 3, 3), HOLIDAY, "临时放假", admin_user)
    services.set_day(2026, D(2026, 3, 3), None, "", admin_user)
    services.add_year(2027, admin_user)
    services.confirm_year(2027, admin_user)
    assert revision() == start + 4


def test_setting_an_ordinary_day_removes_the_entry(admin_user, now):
    services.set_day(2026, D(2026, 10, 10), None, "", admin_user)
    assert not CalendarDay.objects.filter(date=D(2026, 10, 10), region=None).exists()
    assert not services.calendar_for().is_workday(D(2026, 10, 10))  # plain Saturday again


def test_make_up_workday_must_fall_on_a_weekend(admin_user, now):
    with pytest.raises(Invalid) as caught:
        services.set_day(2026, D(2026, 3, 4), MAKEUP, "调休", admin_user)
    assert caught.value.fields == {"date": "调休上班日须在周六或周日"}


def test_make_up_workday_on_a_saturday_counts(admin_user, now):
    services.set_day(2026, D(2026, 3, 7), MAKEUP, "", admin_user)
    info = services.calendar_for().day_info(D(2026, 3, 7))
    assert (info.workday, info.name) == (True, "调休上班")


def test_holiday_on_a_weekend_is_allowed(admin_user, now):
    services.set_day(2026, D(2026, 3, 7), HOLIDAY, "临时放假", admin_user)
    assert services.calendar_for().day_info(D(2026, 3, 7)).name == "临时放假"


def test_holiday_needs_a_name(admin_user, now):
    with pytest.raises(Invalid) as caught:
        services.set_day(2026, D(2026, 3, 3), HOLIDAY, "  ", admin_user)
    assert "名称" in caught.value.fields["name"]


def test_date_must_belong_to_the_year(admin_user, now):
    with pytest.raises(Invalid) as caught:
        services.set_day(2025, D(2026, 3, 3), HOLIDAY, "假", admin_user)
    assert "date" in caught.value.fields


def test_year_must_have_been_added(admin_user, now):
    with pytest.raises(Invalid) as caught:
        services.set_day(2028, D(2028, 3, 3), HOLIDAY, "假", admin_user)
    assert "year" in caught.value.fields


def test_non_admin_cannot_edit(clerk_user, now):
    start = revision()
    with pytest.raises(Forbidden):
        services.set_day(2026, D(2026, 3, 3), HOLIDAY, "假", clerk_user)
    with pytest.raises(Forbidden):
        services.add_year(2027, clerk_user)
    with pytest.raises(Forbidden):
        services.confirm_year(2026, clerk_user)
    assert revision() == start
    assert services.calendar_for().is_workday(D(2026, 3, 3))


def test_add_year_starts_from_the_fixed_date_fallback_unconfirmed(admin_user, now):
    services.add_year(2027, admin_user)
    year = CalendarYear.objects.get(year=2027)
    assert year.confirmed is False
    assert dict(year.days.values_list("date", "name")) == {
        D(2027, 1, 1): "元旦",
        D(2027, 5, 1): "劳动节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }
    assert services.calendar_for().add_workdays(D(2026, 12, 25), 10).confirmed is False


def test_add_year_twice_is_a_conflict(admin_user, now):
    services.add_year(2027, admin_user)
    with pytest.raises(Conflict):
        services.add_year(2027, admin_user)


def test_add_year_outside_the_supported_range_is_refused(admin_user, now):
    with pytest.raises(Invalid):
        services.add_year(2101, admin_user)


def test_fixed_date_holiday_of_an_unconfirmed_year_cannot_be_cleared(admin_user, now):
    services.add_year(2027, admin_user)
    with pytest.raises(Invalid) as caught:
        services.set_day(2027, D(2027, 10, 1), None, "", admin_user)
    assert "date" in caught.value.fields


def test_entering_and_confirming_2027_makes_its_deadlines_confirmed(client, admin_user, now):
    services.add_year(2027, admin_user)
    # A plausible notice: 元旦 1/1–1/3 (Fri–Sun).
    services.set_day(2027, D(2027, 1, 2), HOLIDAY, "元旦", admin_user)
    services.set_day(2027, D(2027, 1, 3), HOLIDAY, "元旦", admin_user)
    services.confirm_year(2027, admin_user, source="国办发明电〔2026〕X号")
    body = client.get("/api/v1/calendar/deadline?start=2026-12-25&days=10").json()
    assert (body["deadline"], body["confirmed"]) == ("2027-01-11", True)
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕X号"


def test_unconfirming_a_year_flags_its_deadlines(client, admin_user, now):
    services.confirm_year(2026, admin_user, confirmed=False)
    assert client.get("/api/v1/calendar/deadline?start=2026-03-02&days=5").json()["confirmed"] is False


def test_edits_record_who_and_when(admin_user, now):
    day = services.set_day(2026, D(2026, 3, 3), HOLIDAY, "临时放假", admin_user)
    year = CalendarYear.objects.get(year=2026)
    assert day.updated_by == admin_user and year.updated_by == admin_user
    assert year.updated_at == now
