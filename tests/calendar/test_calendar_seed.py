"""The data migration seeds every year chinese_calendar publishes, matching the State Council notices."""

import datetime as dt

import pytest

from bianmin.calendar.models import CalendarDay, CalendarYear, DayKind
from bianmin.calendar.services import calendar_for
from bianmin.worktime import Calendar

pytestmark = pytest.mark.django_db
D = dt.date


def test_seed_holds_2004_to_2026_confirmed_and_no_2027():
    years = dict(CalendarYear.objects.values_list("year", "confirmed"))
    assert sorted(years) == list(range(2004, 2027))
    assert all(years.values())
    assert 2027 not in years


def test_seed_names_match_the_2026_notice():
    # 国办发明电〔2025〕7号: 国庆节、中秋节 10月1日至7日放假；10月10日（周六）上班.
    national_day = CalendarDay.objects.get(date=D(2026, 10, 5), region=None)
    assert (national_day.kind, national_day.name) == (DayKind.HOLIDAY, "国庆节")
    makeup = CalendarDay.objects.get(date=D(2026, 10, 10), region=None)
    assert (makeup.kind, makeup.name) == (DayKind.MAKEUP_WORKDAY, "国庆节调休")
    # 春节：2月15日至23日放假；2月14日（周六）、2月28日（周六）上班.
    assert CalendarDay.objects.get(date=D(2026, 2, 17), region=None).name == "春节"
    assert (
        CalendarDay.objects.filter(
            date__in=[D(2026, 2, 14), D(2026, 2, 28)], kind=DayKind.MAKEUP_WORKDAY
        ).count()
        == 2
    )


def test_seed_answers_days_as_the_notices_say(now):
    calendar = calendar_for()
    assert not calendar.is_workday(D(2026, 10, 5))
    assert calendar.is_workday(D(2026, 10, 10))  # Saturday make-up workday
    assert calendar.day_info(D(2025, 10, 6)).name == "中秋节"
    assert calendar.is_workday(D(2025, 9, 28))  # Sunday make-up workday (国办发明电〔2024〕12号)
    assert not calendar.day_info(D(2027, 1, 1)).confirmed


def test_calendar_from_the_database_equals_the_library_calendar():
    assert calendar_for() == Calendar.from_chinese_calendar()
