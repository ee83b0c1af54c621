"""Pure-Python working-day arithmetic for statutory time limits (no Django imports)."""

from bianmin.worktime.calendar import (
    CHINESE_CALENDAR_NAMES,
    FALLBACK_HOLIDAYS,
    FIRST_YEAR,
    LAST_YEAR,
    Calendar,
    Count,
    DayInfo,
    Deadline,
    Light,
)

__all__ = [
    "CHINESE_CALENDAR_NAMES",
    "FALLBACK_HOLIDAYS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "Calendar",
    "Count",
    "DayInfo",
    "Deadline",
    "Light",
]
