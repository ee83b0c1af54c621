"""Work-order time limits (per county, in working days) and their lights, on the cases' calendar."""

import datetime as dt

from django.db.models import Q

from bianmin.cases.clock import county_thresholds, current_calendar, yellow_threshold
from bianmin.inquiries.models import OPEN_STATES, Kind, WorkOrder
from bianmin.regions.models import CountySettings
from bianmin.worktime import Calendar

LIMIT_FIELD = {
    Kind.CONSULT: "inquiry_consult_days",
    Kind.HELP: "inquiry_help_days",
    Kind.COMPLAINT: "inquiry_complaint_days",
    Kind.REPORT: "inquiry_report_days",
    Kind.SUGGESTION: "inquiry_suggestion_days",
}


def county_limits(county_code: str) -> CountySettings:
    """The county's row, or an unsaved one holding the defaults (urgent 0, 咨询/求助 3, others 13, dispatch 1)."""
    return CountySettings.objects.filter(county_id=county_code).first() or CountySettings(
        county_id=county_code
    )


def within(calendar: Calendar, day: dt.date, days: int) -> dt.date:
    """`days` working days after `day`; 0 means the same working day (the next one if `day` is a day off)."""
    if days == 0:
        return day if calendar.is_workday(day) else calendar.add_workdays(day, 1).date
    return calendar.add_workdays(day, days).date


def deadlines(county_code: str, kind: str, urgent: bool, day: dt.date, calendar: Calendar) -> tuple:
    """(dispatch due, answer due) for an order registered on `day`."""
    limits = county_limits(county_code)
    days = limits.inquiry_urgent_days if urgent else getattr(limits, LIMIT_FIELD[kind])
    return within(calendar, day, limits.inquiry_dispatch_days), within(calendar, day, days)


def light(order: WorkOrder, today: dt.date, calendar: Calendar | None = None) -> str:
    calendar = calendar or current_calendar()
    threshold = yellow_threshold(order.county)
    return calendar.warning_light(order.due, order.state not in OPEN_STATES, today, threshold).color


def time_left(order: WorkOrder, today: dt.date, calendar: Calendar) -> str:
    if order.state not in OPEN_STATES:
        return ""
    n = calendar.remaining_workdays(order.due, today).days
    if n > 0:
        return f"剩余 {n} 个工作日"
    if n < 0:
        return f"超期 {-n} 个工作日"
    return "今天到期" if today == order.due else "已超期"


def warning_q(warning: str, today: dt.date, calendar: Calendar) -> Q:
    """Orders whose light is `warning` today, as a filter (mirrors worktime's warning_light per county)."""
    open_q = Q(state__in=OPEN_STATES)
    if warning == "none":
        return ~open_q
    if warning == "red":
        return open_q & Q(due__lt=today)
    own, default = county_thresholds()

    def band(threshold: int) -> Q:
        # remaining working days ≤ threshold ⇔ due before the (threshold+1)-th working day after today
        edge = calendar.add_workdays(today, threshold + 1).date
        if warning == "yellow":
            return Q(due__gte=today, due__lt=edge)
        return Q(due__gte=edge)

    q = band(default) & ~Q(county__in=list(own))
    for county, threshold in own.items():
        q |= band(threshold) & Q(county=county)
    return open_q & q
