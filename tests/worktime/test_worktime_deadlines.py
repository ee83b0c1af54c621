"""Hand-computed deadlines, counts, fallback years, local holidays and warning lights."""

import datetime as dt

import pytest

from bianmin.worktime import Calendar, Count, DayInfo, Deadline, Light

D = dt.date
CAL = Calendar.from_chinese_calendar()


def test_five_days_from_2025_09_30():
    # 10/1-10/8 国庆+中秋; 10/9 Thu=1, 10/10 Fri=2, 10/11 Sat (调休)=3, 10/12 Sun -, 10/13 Mon=4, 10/14 Tue=5
    assert CAL.add_workdays(D(2025, 9, 30), 5) == Deadline(D(2025, 10, 14), True)


def test_five_days_from_2026_04_30():
    # 5/1-5/5 劳动节; 5/6 Wed=1, 5/7 Thu=2, 5/8 Fri=3, 5/9 Sat (调休)=4, 5/10 Sun -, 5/11 Mon=5
    assert CAL.add_workdays(D(2026, 4, 30), 5) == Deadline(D(2026, 5, 11), True)


def test_one_day_from_2025_12_31():
    # 2026-01-01..01-03 元旦; 1/4 Sun (元旦调休)=1
    assert CAL.add_workdays(D(2025, 12, 31), 1) == Deadline(D(2026, 1, 4), True)


def test_one_day_from_2026_02_13():
    # 2/14 Sat (春节调休)=1
    assert CAL.add_workdays(D(2026, 2, 13), 1) == Deadline(D(2026, 2, 14), True)


def test_twenty_days_across_spring_festival_2026():
    # From Tue 2/10: 2/11=1, 2/12=2, 2/13=3, 2/14 Sat (调休)=4, 2/15-2/23 春节,
    # 2/24=5, 2/25=6, 2/26=7, 2/27=8, 2/28 Sat (调休)=9, 3/1 Sun -, 3/2=10, 3/3=11, 3/4=12, 3/5=13,
    # 3/6=14, 3/9=15, 3/10=16, 3/11=17, 3/12=18, 3/13=19, 3/16 Mon=20
    assert CAL.add_workdays(D(2026, 2, 10), 20) == Deadline(D(2026, 3, 16), True)
    # Going back: [2/11, 3/17) holds exactly those 20 working days.
    assert CAL.workdays_between(D(2026, 2, 11), D(2026, 3, 17)) == Count(20, True)


def test_zero_days_is_the_start_even_on_a_holiday():
    assert CAL.add_workdays(D(2025, 10, 1), 0) == Deadline(D(2025, 10, 1), True)
    assert CAL.add_workdays(D(2025, 10, 4), 0).date == D(2025, 10, 4)


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        CAL.add_workdays(D(2025, 1, 2), -1)


def test_workdays_between():
    # 2025-09-29 Mon, 9/30 Tue; 10/1-10/8 off; 10/9 Thu, 10/10 Fri, 10/11 Sat (调休)
    assert CAL.workdays_between(D(2025, 9, 29), D(2025, 10, 12)) == Count(5, True)
    assert CAL.workdays_between(D(2025, 10, 1), D(2025, 10, 9)) == Count(0, True)
    assert CAL.workdays_between(D(2025, 10, 9), D(2025, 10, 9)).days == 0
    assert CAL.workdays_between(D(2025, 10, 10), D(2025, 10, 9)).days == 0


def test_remaining_workdays():
    deadline = D(2025, 10, 14)
    assert CAL.remaining_workdays(deadline, D(2025, 9, 30)) == Count(5, True)
    assert CAL.remaining_workdays(deadline, D(2025, 10, 13)) == Count(1, True)
    assert CAL.remaining_workdays(deadline, deadline) == Count(0, True)
    assert CAL.remaining_workdays(deadline, D(2025, 10, 15)) == Count(-1, True)
    # Overdue across a weekend: 10/15 Wed, 10/16 Thu, 10/17 Fri, 10/20 Mon -> 4 days overdue on Mon 10/20.
    assert CAL.remaining_workdays(deadline, D(2025, 10, 20)) == Count(-4, True)
    # A Sunday seen from Saturday has nothing left to count but is not yet overdue.
    assert CAL.remaining_workdays(D(2025, 10, 19), D(2025, 10, 18)) == Count(0, True)


# --- years without a published calendar -------------------------------------------------------------


def test_2027_deadline_is_unconfirmed():
    # 2026-12-31 Thu=1, 2027-01-01 Fri 元旦 (fallback), 1/4 Mon=2, 1/5=3, 1/6=4, 1/7=5
    assert CAL.add_workdays(D(2026, 12, 30), 5) == Deadline(D(2027, 1, 7), False)
    assert CAL.add_workdays(D(2026, 12, 31), 0).confirmed
    assert not CAL.add_workdays(D(2026, 12, 31), 1).confirmed
    assert not CAL.workdays_between(D(2026, 12, 1), D(2027, 1, 2)).confirmed
    assert CAL.workdays_between(D(2026, 12, 1), D(2027, 1, 1)).confirmed
    assert not CAL.remaining_workdays(D(2027, 1, 4), D(2026, 12, 28)).confirmed


def test_2027_fallback_holidays():
    assert CAL.day_info(D(2027, 10, 1)) == DayInfo(D(2027, 10, 1), False, "国庆节", False)
    assert not CAL.is_workday(D(2027, 1, 1))
    assert not CAL.is_workday(D(2027, 5, 1))
    assert not CAL.is_workday(D(2027, 10, 3))
    # Ordinary Saturday; and a weekday that will be a holiday once published (春节 2027) still counts.
    assert CAL.day_info(D(2027, 3, 6)) == DayInfo(D(2027, 3, 6), False, None, False)
    assert CAL.is_workday(D(2027, 2, 8))
    # The fallback also covers years before the package's data.
    assert CAL.day_info(D(1999, 10, 1)) == DayInfo(D(1999, 10, 1), False, "国庆节", False)


def test_out_of_range_raises():
    for bad in (D(1989, 12, 31), D(2101, 1, 1)):
        with pytest.raises(ValueError, match="1990-2100"):
            CAL.is_workday(bad)
    with pytest.raises(ValueError, match="beyond 2100"):
        CAL.add_workdays(D(2100, 12, 1), 100)
    # The exclusive end may be the day after the range.
    assert CAL.workdays_between(D(2100, 12, 31), D(2101, 1, 1)) == Count(1, False)  # Friday


def test_plain_calendar_and_validation():
    cal = Calendar(
        holidays={D(2030, 6, 3): "测试节"},
        makeup_workdays={D(2030, 6, 8): "测试节调休"},
        confirmed_years={2030},
    )
    assert cal.day_info(D(2030, 6, 3)) == DayInfo(D(2030, 6, 3), False, "测试节", True)
    assert cal.is_workday(D(2030, 6, 8))
    assert cal.is_workday(D(2030, 5, 1)), "a confirmed year gets no fallback holidays"
    assert not cal.is_workday(D(2031, 5, 1))
    with pytest.raises(ValueError, match="both"):
        Calendar({D(2030, 6, 3): "a"}, {D(2030, 6, 3): "b"}, set())
    with pytest.raises(ValueError):
        Calendar({D(1980, 1, 1): "a"}, {}, set())


# --- local holidays ---------------------------------------------------------------------------------


def test_with_extra_holidays():
    # A local festival on Thu 2025-10-09: 10/10 Fri=1, 10/11 Sat (调休)=2, 10/13=3, 10/14=4, 10/15=5
    local = CAL.with_extra_holidays({D(2025, 10, 9): "自治州成立纪念日"})
    assert local.add_workdays(D(2025, 9, 30), 5) == Deadline(D(2025, 10, 15), True)
    assert local.day_info(D(2025, 10, 9)).name == "自治州成立纪念日"
    assert CAL.is_workday(D(2025, 10, 9)), "the original calendar is unchanged"
    assert local.confirmed_years == CAL.confirmed_years
    assert local != CAL and local == CAL.with_extra_holidays({D(2025, 10, 9): "自治州成立纪念日"})


def test_extra_holiday_beats_makeup_and_keeps_statutory_name():
    local = CAL.with_extra_holidays({D(2025, 10, 11): "火把节", D(2025, 10, 1): "火把节"})
    assert local.day_info(D(2025, 10, 11)) == DayInfo(D(2025, 10, 11), False, "火把节", True)
    assert local.day_info(D(2025, 10, 1)).name == "国庆节"


# --- warning lights ---------------------------------------------------------------------------------


def test_light_none():
    assert CAL.warning_light(None, False, D(2025, 10, 9)) == Light("none", True)
    assert CAL.warning_light(D(2025, 10, 1), True, D(2025, 12, 1)).color == "none"


def test_light_red():
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 15)) == Light("red", True)


def test_light_yellow_today_and_next_workday():
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 14)).color == "yellow"
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 13)).color == "yellow"
    # Across the 8-day holiday, 10/9 is still the next working day after 9/30.
    assert CAL.warning_light(D(2025, 10, 9), False, D(2025, 9, 30)).color == "yellow"


def test_light_green():
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 10)).color == "green"  # 3 left
    assert CAL.warning_light(D(2025, 10, 10), False, D(2025, 9, 30)).color == "green"  # 2 left


def test_light_threshold_configurable():
    # Seen from Fri 10/10: 10/11 Sat (调休), 10/13, 10/14 -> 3 left
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 10), yellow_threshold=3).color == "yellow"
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 10), yellow_threshold=2).color == "green"
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 13), yellow_threshold=0).color == "green"
    assert CAL.warning_light(D(2025, 10, 14), False, D(2025, 10, 14), yellow_threshold=0).color == "yellow"


def test_light_unconfirmed():
    assert CAL.warning_light(D(2027, 1, 7), False, D(2026, 12, 1)) == Light("green", False)
