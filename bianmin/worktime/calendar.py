"""Working-day calendar: statutory holidays, make-up workdays (调休) and deadline arithmetic."""

import datetime as dt
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate
from types import MappingProxyType
from typing import Literal

FIRST_YEAR = 1990
LAST_YEAR = 2100

_BASE = dt.date(FIRST_YEAR, 1, 1).toordinal()
_END = dt.date(LAST_YEAR, 12, 31).toordinal()
_DAYS = _END - _BASE + 1
_ONE_DAY = dt.timedelta(days=1)

# Statutory holidays whose date is fixed in the Gregorian calendar; a year the State Council has not yet
# published gets only these (the lunar ones and the 调休 swaps are unknowable in advance).
FALLBACK_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)

# chinese_calendar's English names, translated to the names used in the State Council notices.
CHINESE_CALENDAR_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

Color = Literal["none", "green", "yellow", "red"]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed date; ``confirmed`` is False if any day counted lies in an unpublished year."""

    date: dt.date
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Count:
    """A number of working days; ``confirmed`` as for :class:`Deadline`."""

    days: int
    confirmed: bool


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One day: whether it is a working day, its holiday or make-up name (or None), and confirmation."""

    date: dt.date
    workday: bool
    name: str | None
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Light:
    """A warning light colour ("none", "green", "yellow", "red") and whether it relied only on published years."""

    color: Color
    confirmed: bool


def _offset(day: dt.date) -> int:
    i = day.toordinal() - _BASE
    if not 0 <= i < _DAYS:
        raise ValueError(f"{day.isoformat()} is outside the supported range {FIRST_YEAR}-{LAST_YEAR}")
    return i


class Calendar:
    """An immutable working-day calendar with a precomputed index (every query is O(1)).

    ``holidays`` and ``makeup_workdays`` map a date to its name (e.g. "春节", "春节调休"); they always apply.
    A year not in ``confirmed_years`` additionally gets the fixed-date statutory holidays
    (:data:`FALLBACK_HOLIDAYS`), and every answer that looks at a day of such a year is marked unconfirmed.
    Supported dates: :data:`FIRST_YEAR`-01-01 to :data:`LAST_YEAR`-12-31; others raise ValueError.
    """

    __slots__ = (
        "_holidays",
        "_makeup",
        "_confirmed_years",
        "_names",
        "_flags",
        "_cum",
        "_workdays",
        "_unconf",
    )

    def __init__(
        self,
        holidays: Mapping[dt.date, str] | None = None,
        makeup_workdays: Mapping[dt.date, str] | None = None,
        confirmed_years: set[int] | frozenset[int] = frozenset(),
    ) -> None:
        holidays = dict(holidays or {})
        makeup = dict(makeup_workdays or {})
        both = holidays.keys() & makeup.keys()
        if both:
            raise ValueError(f"dates both holiday and make-up workday: {sorted(d.isoformat() for d in both)}")
        for day in (*holidays, *makeup):
            _offset(day)
        self._holidays = MappingProxyType(holidays)
        self._makeup = MappingProxyType(makeup)
        self._confirmed_years = frozenset(confirmed_years)
        self._build()

    def _build(self) -> None:
        # Ordinal 1 (0001-01-01) is a Monday, so weekday = (ordinal + 6) % 7; weekday < 5 is Mon-Fri.
        flags = bytearray((_BASE + i + 6) % 7 < 5 for i in range(_DAYS))
        names: dict[int, str] = {}
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if year not in self._confirmed_years:
                for month, day, name in FALLBACK_HOLIDAYS:
                    i = dt.date(year, month, day).toordinal() - _BASE
                    flags[i] = 0
                    names[i] = name
        for day, name in self._holidays.items():
            i = day.toordinal() - _BASE
            flags[i] = 0
            names[i] = name
        for day, name in self._makeup.items():
            i = day.toordinal() - _BASE
            flags[i] = 1
            names[i] = name
        self._flags = bytes(flags)
        self._names = names
        # _cum[i] = working days among offsets [0, i); _workdays = offsets of working days, ascending.
        self._cum = array("l", accumulate(flags, initial=0))
        self._workdays = array("l", (i for i, f in enumerate(flags) if f))
        # _unconf[k] = unconfirmed years among the first k supported years, so a year span is checked in O(1).
        self._unconf = array(
            "l",
            accumulate((y not in self._confirmed_years for y in range(FIRST_YEAR, LAST_YEAR + 1)), initial=0),
        )

    # --- construction -------------------------------------------------------------------------------

    @classmethod
    def from_chinese_calendar(cls) -> "Calendar":
        """Build from the ``chinese_calendar`` package; every year it covers (2004-2026 in 1.11) is confirmed."""
        import chinese_calendar

        holidays = {d: CHINESE_CALENDAR_NAMES[n] for d, n in chinese_calendar.holidays.items()}
        makeup = {d: CHINESE_CALENDAR_NAMES[n] + "调休" for d, n in chinese_calendar.workdays.items()}
        years = {d.year for d in holidays}
        return cls(holidays, makeup, set(range(min(years), max(years) + 1)))

    def with_extra_holidays(self, extra: Mapping[dt.date, str]) -> "Calendar":
        """A new calendar with local holidays added (e.g. a prefecture's festival).

        A local holiday wins over a make-up workday on the same date (the office is closed that day);
        a date that is already a holiday keeps its statutory name.
        """
        holidays = dict(self._holidays)
        makeup = dict(self._makeup)
        for day, name in extra.items():
            makeup.pop(day, None)
            holidays.setdefault(day, name)
        return Calendar(holidays, makeup, self._confirmed_years)

    @property
    def holidays(self) -> Mapping[dt.date, str]:
        return self._holidays

    @property
    def makeup_workdays(self) -> Mapping[dt.date, str]:
        return self._makeup

    @property
    def confirmed_years(self) -> frozenset[int]:
        return self._confirmed_years

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calendar):
            return NotImplemented
        return (self._holidays, self._makeup, self._confirmed_years) == (
            other._holidays,
            other._makeup,
            other._confirmed_years,
        )

    def __hash__(self) -> int:
        return hash(
            (frozenset(self._holidays.items()), frozenset(self._makeup.items()), self._confirmed_years)
        )

    def __repr__(self) -> str:
        return (
            f"Calendar({len(self._holidays)} holidays, {len(self._makeup)} make-up workdays, "
            f"confirmed {sorted(self._confirmed_years)})"
        )

    # --- queries ------------------------------------------------------------------------------------

    def _confirmed(self, first: dt.date, last: dt.date) -> bool:
        """True if every year from ``first`` to ``last`` (inclusive, first <= last) is confirmed."""
        return self._unconf[last.year - FIRST_YEAR + 1] == self._unconf[first.year - FIRST_YEAR]

    def is_confirmed(self, year: int) -> bool:
        return year in self._confirmed_years

    def is_workday(self, day: dt.date) -> bool:
        """Plain bool; use :meth:`day_info` when confirmation matters."""
        return bool(self._flags[_offset(day)])

    def day_info(self, day: dt.date) -> DayInfo:
        i = _offset(day)
        return DayInfo(day, bool(self._flags[i]), self._names.get(i), day.year in self._confirmed_years)

    def add_workdays(self, start: dt.date, n: int) -> Deadline:
        """The n-th working day after ``start`` (counting starts the next day); n = 0 gives ``start``."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        i = _offset(start)
        if n == 0:
            return Deadline(start, start.year in self._confirmed_years)
        k = self._cum[i + 1] + n - 1  # workdays up to and including start, then the n-th one after
        if k >= len(self._workdays):
            raise ValueError(f"{n} working days after {start.isoformat()} is beyond {LAST_YEAR}")
        end = dt.date.fromordinal(self._workdays[k] + _BASE)
        return Deadline(end, self._confirmed(start, end))

    def workdays_between(self, a: dt.date, b: dt.date) -> Count:
        """Working days in [a, b); 0 (confirmed) if b <= a. ``b`` may be the day after the supported range."""
        if b <= a:
            return Count(0, True)
        i = _offset(a)
        j = b.toordinal() - _BASE
        if j > _DAYS:
            raise ValueError(f"{b.isoformat()} is outside the supported range {FIRST_YEAR}-{LAST_YEAR}")
        return Count(self._cum[j] - self._cum[i], self._confirmed(a, b - _ONE_DAY))

    def remaining_workdays(self, deadline: dt.date, today: dt.date) -> Count:
        """Working days left until ``deadline``, seen from ``today``.

        deadline > today: working days in (today, deadline] (a Friday deadline seen on Thursday: 1).
        deadline == today: 0.
        deadline < today: minus the working days in (deadline, today], i.e. how many working days overdue.
        The same formula covers all three: workdays up to deadline minus workdays up to today.
        """
        d = _offset(deadline)
        t = _offset(today)
        first, last = (today, deadline) if t <= d else (deadline, today)
        return Count(self._cum[d + 1] - self._cum[t + 1], self._confirmed(first, last))

    def warning_light(
        self, deadline: dt.date | None, finished: bool, today: dt.date, yellow_threshold: int = 1
    ) -> Light:
        """电子监察 light: none (no deadline or finished), red (past deadline), yellow (<= threshold left), green."""
        if deadline is None or finished:
            return Light("none", True)
        if today > deadline:
            return Light("red", True)
        left = self.remaining_workdays(deadline, today)
        return Light("yellow" if left.days <= yellow_threshold else "green", left.confirmed)
