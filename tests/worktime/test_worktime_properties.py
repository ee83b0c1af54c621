"""Property tests: the indexed calendar agrees with a slow day-by-day reference."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bianmin.worktime import FALLBACK_HOLIDAYS, Calendar

D = dt.date
ONE = dt.timedelta(days=1)
CAL = Calendar.from_chinese_calendar()


def ref_is_workday(cal: Calendar, day: dt.date) -> bool:
    """Straight from the definition, without the index."""
    if day in cal.makeup_workdays:
        return True
    if day in cal.holidays:
        return False
    if day.year not in cal.confirmed_years and (day.month, day.day) in {
        (m, d) for m, d, _ in FALLBACK_HOLIDAYS
    }:
        return False
    return day.weekday() < 5


def ref_add(cal: Calendar, start: dt.date, n: int) -> dt.date:
    day = start
    while n > 0:
        day += ONE
        if ref_is_workday(cal, day):
            n -= 1
    return day


def ref_between(cal: Calendar, a: dt.date, b: dt.date) -> int:
    count = 0
    while a < b:
        count += ref_is_workday(cal, a)
        a += ONE
    return count


def ref_confirmed(cal: Calendar, first: dt.date, last: dt.date) -> bool:
    return all(y in cal.confirmed_years for y in range(first.year, last.year + 1))


confirmed_starts = st.dates(D(2004, 1, 1), D(2026, 6, 30))
any_starts = st.dates(D(1990, 1, 1), D(2100, 6, 30))
# Leave room for spans of a year either side within the supported 1990-2100.
inner_days = st.dates(D(1991, 1, 1), D(2099, 12, 31))
counts = st.integers(0, 120)


@given(confirmed_starts, st.integers(1, 120))
def test_deadline_is_a_workday_and_round_trips(start, n):
    end = CAL.add_workdays(start, n)
    assert end.confirmed
    assert CAL.is_workday(end.date)
    # Counting starts the day after `start`, so the n working days are in [start + 1, deadline].
    assert CAL.workdays_between(start + ONE, end.date + ONE).days == n
    assert CAL.remaining_workdays(end.date, start).days == n
    assert CAL.remaining_workdays(start, end.date).days == -n


@given(any_starts, counts)
def test_add_workdays_matches_reference(start, n):
    end = CAL.add_workdays(start, n)
    assert end.date == ref_add(CAL, start, n)
    assert end.confirmed == ref_confirmed(CAL, start, end.date)


# Starts leave room for the longest span inside the calendar's range (up to 2100): a start late in 2099
# plus 400 days once walked off its end, and the test failed now and then.
@given(st.dates(D(1991, 1, 1), D(2099, 1, 31)), st.integers(-10, 400))
def test_workdays_between_matches_reference(a, span):
    b = a + dt.timedelta(days=span)
    count = CAL.workdays_between(a, b)
    assert count.days == ref_between(CAL, a, b)
    assert count.confirmed == (span <= 0 or ref_confirmed(CAL, a, b - ONE))


@given(inner_days, st.integers(-200, 200))
def test_remaining_workdays_matches_reference(today, offset):
    deadline = today + dt.timedelta(days=offset)
    expected = (
        ref_between(CAL, today + ONE, deadline + ONE)
        if deadline >= today
        else -ref_between(CAL, deadline + ONE, today + ONE)
    )
    assert CAL.remaining_workdays(deadline, today).days == expected


@given(any_starts)
def test_day_info_matches_reference(day):
    info = CAL.day_info(day)
    assert info.workday == ref_is_workday(CAL, day) == CAL.is_workday(day)
    assert info.confirmed == (day.year in CAL.confirmed_years)


# Random calendars: a few years, random holidays and make-up days, random confirmation.
random_calendars = st.builds(
    lambda holidays, makeup, years: Calendar(
        holidays, {d: n for d, n in makeup.items() if d not in holidays}, years
    ),
    st.dictionaries(st.dates(D(2030, 1, 1), D(2032, 12, 31)), st.just("节"), max_size=60),
    st.dictionaries(st.dates(D(2030, 1, 1), D(2032, 12, 31)), st.just("调休"), max_size=30),
    st.sets(st.integers(2029, 2033)),
)


@settings(max_examples=40)
@given(random_calendars, st.dates(D(2029, 12, 1), D(2032, 6, 30)), counts)
def test_random_calendar_matches_reference(cal, start, n):
    end = cal.add_workdays(start, n)
    assert end.date == ref_add(cal, start, n)
    assert end.confirmed == ref_confirmed(cal, start, end.date)
    assert cal.workdays_between(start, end.date).days == ref_between(cal, start, end.date)
