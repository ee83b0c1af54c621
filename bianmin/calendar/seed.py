"""Seeding the calendar tables from ``chinese_calendar`` and from the fixed-date fallback.

Takes the model classes as arguments so the data migration can pass its historical models.
"""

import datetime as dt
import uuid

from django.db.models import F

from bianmin.worktime import CHINESE_CALENDAR_NAMES, FALLBACK_HOLIDAYS

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"
CHINESE_CALENDAR_SOURCE = "chinese_calendar {version}（国务院办公厅历年放假安排通知）"


def chinese_calendar_days() -> tuple[dict[dt.date, str], dict[dt.date, str], list[int]]:
    """The package's holidays and make-up workdays with Chinese names, and the years it covers."""
    import chinese_calendar

    holidays = {d: CHINESE_CALENDAR_NAMES[n] for d, n in chinese_calendar.holidays.items()}
    makeup = {d: CHINESE_CALENDAR_NAMES[n] + "调休" for d, n in chinese_calendar.workdays.items()}
    years = sorted({d.year for d in holidays})
    return holidays, makeup, list(range(years[0], years[-1] + 1))


def fallback_days(year: int) -> dict[dt.date, str]:
    """The fixed-date statutory holidays, the starting point for a year not yet published."""
    return {dt.date(year, month, day): name for month, day, name in FALLBACK_HOLIDAYS}


def seed_from_chinese_calendar(CalendarYear, CalendarDay, CalendarRevision, now: dt.datetime) -> int:
    """Create every year ``chinese_calendar`` covers, confirmed, with its days; skips years already present.

    Returns the number of years added. Bulk inserts: the whole seed is three queries.
    """
    import chinese_calendar

    holidays, makeup, years = chinese_calendar_days()
    present = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    new_years = [y for y in years if y not in present]
    if not new_years:
        return 0
    source = CHINESE_CALENDAR_SOURCE.format(version=getattr(chinese_calendar, "__version__", ""))
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, confirmed=True, source=source, updated_at=now) for y in new_years]
    )
    wanted = set(new_years)
    rows = [
        CalendarDay(year_id=d.year, date=d, kind=HOLIDAY, name=name, updated_at=now)
        for d, name in holidays.items()
        if d.year in wanted
    ] + [
        CalendarDay(year_id=d.year, date=d, kind=MAKEUP_WORKDAY, name=name, updated_at=now)
        for d, name in makeup.items()
        if d.year in wanted
    ]
    CalendarDay.objects.bulk_create(sorted(rows, key=lambda r: r.date), batch_size=500)
    bump(CalendarRevision, now)
    return len(new_years)


def bump(CalendarRevision, now: dt.datetime) -> None:
    """Move the revision on; call inside the transaction that changed the calendar."""

    token = uuid.uuid4().hex
    updated = CalendarRevision.objects.filter(pk=1).update(
        number=F("number") + 1, token=token, changed_at=now
    )
    if not updated:
        CalendarRevision.objects.create(pk=1, number=1, token=token, changed_at=now)
    from bianmin.calendar.services import forget_token  # (here: migrations import this module)

    forget_token()
