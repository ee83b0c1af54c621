"""The working-day calendar and warning thresholds the case engine uses."""

import datetime as dt

from django.conf import settings

from bianmin.calendar.services import calendar_for
from bianmin.core import clock
from bianmin.regions.services import yellow_thresholds
from bianmin.worktime import Calendar, Light

YELLOW_THRESHOLD = 1  # working days; DOMAIN.md: yellow when the deadline is within 1 working day
ART32_NOTICE_DAYS = 5  # 行政许可法 Art. 32: tell the applicant what to supplement within 5 working days


def current_calendar(region=None) -> Calendar:
    """The administrator-edited calendar, with the local holidays of `region`'s subtree."""
    return calendar_for(region)


def yellow_threshold(county_code: str | None = None) -> int:
    """The county's own threshold (an administrator edits it), else settings.WARNING_YELLOW_DAYS, else 1.

    The setting ({"610324000000": 2, "default": 1}) stays as the deployment's fallback for counties that
    never edited theirs.
    """
    if county_code:
        own = yellow_thresholds().get(county_code)
        if own is not None:
            return own
    return default_yellow_threshold(county_code)


def default_yellow_threshold(county_code: str | None = None) -> int:
    """The threshold from settings alone, for a county without a row of its own."""
    per_county = getattr(settings, "WARNING_YELLOW_DAYS", {}) or {}
    if county_code and county_code in per_county:
        return int(per_county[county_code])
    return int(per_county.get("default", YELLOW_THRESHOLD))


def county_thresholds() -> tuple[dict[str, int], int]:
    """({county code: threshold} for every county that differs from the default, the default)."""
    per_county = getattr(settings, "WARNING_YELLOW_DAYS", {}) or {}
    default = default_yellow_threshold()
    merged = {code: int(days) for code, days in per_county.items() if code != "default"}
    merged.update(yellow_thresholds())
    return {code: days for code, days in merged.items() if days != default}, default


def county_of(region_code: str) -> str:
    return region_code[:6] + "000000"


def warning_of(case, today: dt.date | None = None, calendar: Calendar | None = None) -> Light:
    """The case's light. A suspended case's clock is stopped, so it shows none until it resumes."""
    from bianmin.cases.models import State

    today = today or clock.today()
    calendar = calendar or current_calendar()
    if case.state == State.SUSPENDED:
        return Light("none", True)
    threshold = yellow_threshold(county_of(case.center.region_id))
    return calendar.warning_light(case.deadline, case.is_finished, today, threshold)


def notice_due(pending_since: dt.date, calendar: Calendar | None = None) -> dt.date:
    """The last day to tell the applicant what to supplement (Art. 32)."""
    calendar = calendar or current_calendar()
    return calendar.add_workdays(pending_since, ART32_NOTICE_DAYS).date


def overdue_receipt(case, today: dt.date | None = None, calendar: Calendar | None = None) -> bool:
    """True when the case has waited in "received" past Art. 32's five working days: it counts as accepted."""
    from bianmin.cases.models import State

    if case.state != State.RECEIVED:
        return False
    return (today or clock.today()) > notice_due(case.pending_since, calendar)


def time_left_words(case, today: dt.date | None = None, calendar: Calendar | None = None) -> str:
    """“剩余 N 个工作日” / “今天到期” / “超期 N 个工作日” for an open case's deadline; "" when no clock runs."""
    from bianmin.cases.models import FINISHED_STATES, State

    if case.deadline is None or case.state in FINISHED_STATES:
        return ""
    if case.state == State.SUSPENDED:
        return "暂停计时"
    today = today or clock.today()
    n = (calendar or current_calendar()).remaining_workdays(case.deadline, today).days
    if n > 0:
        return f"剩余 {n} 个工作日"
    if n < 0:
        return f"超期 {-n} 个工作日"
    return "今天到期" if today == case.deadline else "已超期"


def step_due_of(case, start: dt.date, deadline: dt.date, calendar: Calendar | None = None) -> dt.date:
    """A joint department's own due date: the county's step limit after the clock starts, never later than
    the case deadline; the case deadline itself when the county sets no step limit (0)."""
    from bianmin.regions.services import supervision_settings

    days = supervision_settings(county_of(case.center.region_id)).step_due_days
    if not days:
        return deadline
    step = (calendar or current_calendar()).add_workdays(start, days).date
    return min(step, deadline)
