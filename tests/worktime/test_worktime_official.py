"""The 2025 and 2026 calendars checked against the State Council notices, typed in from the notices."""

import datetime as dt

import chinese_calendar
import pytest

from bianmin.worktime import Calendar

D = dt.date


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


# 国办发明电〔2024〕12号 (2025): holiday periods (first, last, allowed names) and make-up workdays.
OFFICIAL_2025_HOLIDAYS = [
    (D(2025, 1, 1), D(2025, 1, 1), {"元旦"}),
    (D(2025, 1, 28), D(2025, 2, 4), {"春节"}),
    (D(2025, 4, 4), D(2025, 4, 6), {"清明节"}),
    (D(2025, 5, 1), D(2025, 5, 5), {"劳动节"}),
    (D(2025, 5, 31), D(2025, 6, 2), {"端午节"}),
    # "国庆节、中秋节：10月1日至8日放假调休" — one joint period.
    (D(2025, 10, 1), D(2025, 10, 8), {"国庆节", "中秋节"}),
]
OFFICIAL_2025_MAKEUP = [
    (D(2025, 1, 26), "春节"),  # Sunday
    (D(2025, 2, 8), "春节"),  # Saturday
    (D(2025, 4, 27), "劳动节"),  # Sunday
    (D(2025, 9, 28), "国庆节"),  # Sunday
    (D(2025, 10, 11), "国庆节"),  # Saturday
]

# 国办发明电〔2025〕7号 (2026).
OFFICIAL_2026_HOLIDAYS = [
    (D(2026, 1, 1), D(2026, 1, 3), {"元旦"}),
    (D(2026, 2, 15), D(2026, 2, 23), {"春节"}),
    (D(2026, 4, 4), D(2026, 4, 6), {"清明节"}),
    (D(2026, 5, 1), D(2026, 5, 5), {"劳动节"}),
    (D(2026, 6, 19), D(2026, 6, 21), {"端午节"}),
    (D(2026, 9, 25), D(2026, 9, 27), {"中秋节"}),
    (D(2026, 10, 1), D(2026, 10, 7), {"国庆节"}),
]
OFFICIAL_2026_MAKEUP = [
    (D(2026, 1, 4), "元旦"),  # Sunday
    (D(2026, 2, 14), "春节"),  # Saturday
    (D(2026, 2, 28), "春节"),  # Saturday
    (D(2026, 5, 9), "劳动节"),  # Saturday
    (D(2026, 9, 20), "国庆节"),  # Sunday
    (D(2026, 10, 10), "国庆节"),  # Saturday
]

HOLIDAYS = OFFICIAL_2025_HOLIDAYS + OFFICIAL_2026_HOLIDAYS
MAKEUP = OFFICIAL_2025_MAKEUP + OFFICIAL_2026_MAKEUP
OFFICIAL_HOLIDAY_DATES = {d for first, last, _ in HOLIDAYS for d in days(first, last)}
OFFICIAL_MAKEUP_DATES = {d for d, _ in MAKEUP}

CAL = Calendar.from_chinese_calendar()


@pytest.mark.parametrize(("first", "last", "names"), HOLIDAYS, ids=lambda v: str(v))
def test_holiday_period(first, last, names):
    for day in days(first, last):
        info = CAL.day_info(day)
        assert not info.workday, day
        assert info.name in names, (day, info.name)
        assert info.confirmed
    # The days around the period are not part of it.
    assert CAL.day_info(first - dt.timedelta(days=1)).name is None or first - dt.timedelta(days=1) in (
        OFFICIAL_MAKEUP_DATES
    )


@pytest.mark.parametrize(("day", "holiday"), MAKEUP, ids=lambda v: str(v))
def test_makeup_workday(day, holiday):
    assert day.weekday() >= 5, "every make-up workday in these notices falls on a weekend"
    info = CAL.day_info(day)
    assert info.workday
    assert info.name == holiday + "调休"
    assert info.confirmed


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_other_day_follows_the_week(year):
    for day in days(D(year, 1, 1), D(year, 12, 31)):
        if day in OFFICIAL_HOLIDAY_DATES:
            expected = False
        elif day in OFFICIAL_MAKEUP_DATES:
            expected = True
        else:
            expected = day.weekday() < 5
        assert CAL.is_workday(day) is expected, day


@pytest.mark.parametrize("year", [2025, 2026])
def test_chinese_calendar_agrees_with_notices(year):
    lib_holidays = {d for d in chinese_calendar.holidays if d.year == year}
    lib_makeup = {d for d in chinese_calendar.workdays if d.year == year}
    assert lib_holidays == {d for d in OFFICIAL_HOLIDAY_DATES if d.year == year}
    assert lib_makeup == {d for d in OFFICIAL_MAKEUP_DATES if d.year == year}


def test_calendar_from_the_notices_equals_the_package_for_2025_2026():
    own = Calendar(
        holidays={d: min(names) for first, last, names in HOLIDAYS for d in days(first, last)},
        makeup_workdays={d: name + "调休" for d, name in MAKEUP},
        confirmed_years={2025, 2026},
    )
    for day in days(D(2025, 1, 1), D(2026, 12, 31)):
        assert own.is_workday(day) == CAL.is_workday(day), day


def test_confirmed_years_are_2004_to_2026():
    assert CAL.confirmed_years == frozenset(range(2004, 2027))
    assert not CAL.is_confirmed(2027)
    assert not CAL.is_confirmed(2003)


def test_chinese_names():
    assert set(CAL.holidays.values()) <= {
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
        "抗战胜利70周年纪念日",
    }
    assert CAL.day_info(D(2015, 9, 3)).name == "抗战胜利70周年纪念日"
    assert all(name.endswith("调休") for name in CAL.makeup_workdays.values())
