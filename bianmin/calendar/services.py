"""Reads and writes of the working-day calendar.

Reads: ``calendar_for(region)`` gives the ``worktime.Calendar`` every deadline is computed with. Each
process keeps the built calendar in memory under the revision token and checks the token with one
primary-key query once per HTTP request (on every call outside a request), so an edit saved in any
process is used by every process from its next request on. Callers that compute many deadlines in one request fetch the calendar once and reuse it.

Writes (admins only, each one transaction that also bumps the revision): ``set_day``, ``add_year``,
``confirm_year``.
"""

import datetime as dt
import threading
from dataclasses import dataclass, field

from django.core.signals import request_finished, request_started
from django.db import connection, transaction

from bianmin.accounts.scope import scope_of
from bianmin.calendar import seed
from bianmin.calendar.models import CalendarDay, CalendarRevision, CalendarYear, DayKind
from bianmin.core import clock
from bianmin.core.errors import Conflict, Forbidden, Invalid, NotFound
from bianmin.regions.models import Region, prefix_of
from bianmin.worktime import FIRST_YEAR, LAST_YEAR, Calendar

NAME_MAX = CalendarDay._meta.get_field("name").max_length


# --- reads --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalHoliday:
    prefix: str  # the region's significant code prefix: the holiday applies to codes starting with it
    region_code: str
    date: dt.date
    name: str


@dataclass
class _Snapshot:
    token: str
    national: Calendar
    local: tuple[LocalHoliday, ...]
    # Calendars with local holidays, keyed by the set of regions whose holidays apply; most regions have
    # none and share ``national``.
    regional: dict[frozenset[str], Calendar] = field(default_factory=dict)


_cache: _Snapshot | None = None
_lock = threading.Lock()


_TOKEN_SQL = f"SELECT token FROM {CalendarRevision._meta.db_table} WHERE id = 1"


# Within one HTTP request the token is read once (the action and its answer share it); outside a request
# (commands, workers, tests calling services) it is read on every call.
_request = threading.local()
_UNREAD = object()


def current_token() -> str:
    """The revision token: one primary-key read. Empty before the calendar was ever seeded."""
    known = getattr(_request, "token", None)
    if known is not None and known is not _UNREAD:
        return known
    # Plain SQL: this runs on every deadline computation and the ORM would triple its cost.
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL)
        row = cursor.fetchone()
    token = row[0] if row else ""
    if known is _UNREAD:
        _request.token = token
    return token


def forget_token() -> None:
    """A calendar write in this process: read the token again on the next call (seed.bump calls it)."""
    if getattr(_request, "token", None) is not None:
        _request.token = _UNREAD


def _request_started(**kwargs) -> None:
    _request.token = _UNREAD


def _request_finished(**kwargs) -> None:
    _request.token = None


request_started.connect(_request_started, dispatch_uid="calendar_token_per_request")
request_finished.connect(_request_finished, dispatch_uid="calendar_token_per_request")


def _load(token: str) -> _Snapshot:
    confirmed = set(CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True))
    holidays: dict[dt.date, str] = {}
    makeup: dict[dt.date, str] = {}
    for day, kind, name in CalendarDay.objects.filter(region__isnull=True).values_list(
        "date", "kind", "name"
    ):
        (makeup if kind == DayKind.MAKEUP_WORKDAY else holidays)[day] = name
    local = tuple(
        LocalHoliday(prefix_of(code, level), code, day, name)
        for code, level, day, name in CalendarDay.objects.filter(region__isnull=False)
        .order_by("date")
        .values_list("region__code", "region__level", "date", "name")
    )
    return _Snapshot(token, Calendar(holidays, makeup, confirmed), local)


def _snapshot() -> _Snapshot:
    global _cache
    token = current_token()
    snapshot = _cache
    if snapshot is None or snapshot.token != token:
        with _lock:
            snapshot = _cache
            if snapshot is None or snapshot.token != token:
                snapshot = _cache = _load(token)
    return snapshot


def calendar_for(region: Region | str | None = None) -> Calendar:
    """The working-day calendar for a region (a Region or its 12-digit code), or the national one.

    A region's calendar adds the local holidays of the region and of every region above it, since a
    local holiday applies to its whole subtree. One query when nothing changed since the last call.
    """
    snapshot = _snapshot()
    if region is None:
        return snapshot.national
    code = region.code if isinstance(region, Region) else region
    applicable = [h for h in snapshot.local if code.startswith(h.prefix)]
    if not applicable:
        return snapshot.national
    key = frozenset(h.region_code for h in applicable)
    calendar = snapshot.regional.get(key)
    if calendar is None:
        extra: dict[dt.date, str] = {}
        # The most local name wins when a township and its county both mark the same day.
        for holiday in sorted(applicable, key=lambda h: len(h.prefix)):
            extra[holiday.date] = holiday.name
        calendar = snapshot.regional[key] = snapshot.national.with_extra_holidays(extra)
    return calendar


def forget_cached_calendar() -> None:
    """Drop this process's cached calendar (the next call rebuilds); tests and benchmarks use it."""
    global _cache
    _cache = None


def local_days(region: Region, year: int) -> dict[dt.date, CalendarDay]:
    """The region's own local holidays in a year (not its ancestors'), for the edit page."""
    return {d.date: d for d in CalendarDay.objects.filter(region=region, year_id=year)}


# --- writes -------------------------------------------------------------------------------------------


def _require_admin(by) -> None:
    if not scope_of(by).is_admin:
        raise Forbidden("只有系统管理员可以修改工作日历")


def _check_year_in_range(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid("年度超出范围", fields={"year": f"年度须在 {FIRST_YEAR}–{LAST_YEAR} 之间"})


def _locked_year(year: int) -> CalendarYear:
    # Locking the year row serialises concurrent edits of the same year (two admins, one date).
    found = CalendarYear.objects.select_for_update().filter(year=year).first()
    if found is None:
        raise Invalid(f"尚未添加 {year} 年日历", fields={"year": f"请先添加 {year} 年日历"})
    return found


def _touch(calendar_year: CalendarYear, by, now: dt.datetime) -> None:
    calendar_year.updated_at = now
    calendar_year.updated_by = by
    calendar_year.save(update_fields=["updated_at", "updated_by"])
    seed.bump(CalendarRevision, now)


def set_day(
    year: int, date: dt.date, kind: str | None, name: str, by, region: Region | None = None
) -> CalendarDay | None:
    """Make ``date`` a holiday (with a name), a make-up workday, or (kind None) an ordinary day again.

    With ``region``: add or remove that region's local holiday instead of touching the national calendar.
    Returns the saved day, or None when the date went back to the weekday rule.
    """
    _require_admin(by)
    name = (name or "").strip()
    if kind not in (None, DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY):
        raise Invalid("类别无效", fields={"kind": "请选择节假日、调休上班日或普通日"})
    if date.year != year:
        raise Invalid("日期与年度不符", fields={"date": f"日期不在 {year} 年内"})
    fields: dict[str, str] = {}
    if kind == DayKind.HOLIDAY and not name:
        fields["name"] = "节假日须填写名称，如“国庆节”"
    if len(name) > NAME_MAX:
        fields["name"] = f"名称不超过 {NAME_MAX} 个字"
    if kind == DayKind.MAKEUP_WORKDAY:
        if region is not None:
            fields["kind"] = "地方只能增设节假日；调休上班日以国务院通知为准"
        elif date.weekday() < 5:
            fields["date"] = "调休上班日须在周六或周日"
    if fields:
        raise Invalid("输入有误", fields=fields)

    now = clock.now()
    with transaction.atomic():
        calendar_year = _locked_year(year)
        if (
            kind is None
            and region is None
            and not calendar_year.confirmed
            and date in seed.fallback_days(year)
        ):
            raise Invalid(
                "未确认年度的固定日期法定节日不能取消",
                fields={"date": "未确认的年度按元旦、劳动节、国庆节的固定日期放假，此日不能设为普通工作日"},
            )
        existing = CalendarDay.objects.filter(date=date, region=region).first()
        if kind is None:
            if existing is not None:
                existing.delete()
            day = None
        else:
            day = existing or CalendarDay(date=date, region=region, year=calendar_year)
            day.kind = kind
            day.name = name or "调休上班"
            day.updated_at = now
            day.updated_by = by
            day.save()
        _touch(calendar_year, by, now)
    return day


def add_year(year: int, by, source: str = "", note: str = "") -> CalendarYear:
    """Start a year not yet published: weekends plus the fixed-date holidays, unconfirmed.

    The administrator then enters the State Council notice day by day and confirms the year.
    """
    _require_admin(by)
    _check_year_in_range(year)
    now = clock.now()
    with transaction.atomic():
        if CalendarYear.objects.filter(year=year).exists():
            raise Conflict(f"{year} 年日历已存在", fields={"year": f"{year} 年日历已存在"})
        calendar_year = CalendarYear.objects.create(
            year=year, confirmed=False, source=source, note=note, updated_at=now, updated_by=by
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(
                year=calendar_year, date=d, kind=DayKind.HOLIDAY, name=n, updated_at=now, updated_by=by
            )
            for d, n in seed.fallback_days(year).items()
        )
        seed.bump(CalendarRevision, now)
    return calendar_year


def confirm_year(year: int, by, confirmed: bool = True, source: str | None = None) -> CalendarYear:
    """Mark a year as checked against the published notice (or withdraw that mark)."""
    _require_admin(by)
    now = clock.now()
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        if calendar_year is None:
            raise NotFound(f"尚未添加 {year} 年日历")
        calendar_year.confirmed = confirmed
        if source is not None:
            calendar_year.source = source.strip()[:200]
        calendar_year.save(update_fields=["confirmed", "source"])
        _touch(calendar_year, by, now)
    return calendar_year


def next_year_to_add() -> int:
    """The year after the last one present: what the 'add next year' button offers."""
    last = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    return min((last or clock.today().year) + 1, LAST_YEAR)
