"""六公开 and open data: what a center discloses to the public, with no personal data.

The public center page shows staff by their work name and post (as on the wall's 公示牌) and never a phone
number or an ID number; citizens appear only in 办结公示, with the name masked (王*英). The open-data files
are aggregates per center and month: counts only, no names, numbers or case references.
"""

import datetime as dt

from django.db.models import Count, Q

from bianmin.cases.models import Case, Channel, Outcome, State
from bianmin.catalog.models import Item
from bianmin.core import clock
from bianmin.core.errors import Invalid
from bianmin.duty.models import RosterEntry
from bianmin.duty.services import day_start, mask_name, month_days, parse_month
from bianmin.regions.models import Center, CenterLevel

# Open data starts with the system; older months have nothing to say.
FIRST_MONTH = dt.date(2024, 1, 1)
FIELDS = [
    "center_code",
    "center_name",
    "month",
    "received",
    "received_window",
    "received_online",
    "received_proxy",
    "received_phone",
    "received_mobile",
    "completed",
    "completed_on_time",
    "on_time_rate",
    "approved",
    "denied",
    "items_published",
    "duty_days",
]
LABELS = {
    "center_code": "中心代码",
    "center_name": "中心名称",
    "month": "月份",
    "received": "收件数",
    "received_window": "窗口收件",
    "received_online": "网上收件",
    "received_proxy": "村级代办收件",
    "received_phone": "电话收件",
    "received_mobile": "流动服务收件",
    "completed": "办结数",
    "completed_on_time": "按期办结数",
    "on_time_rate": "按期办结率",
    "approved": "准予",
    "denied": "不予许可",
    "items_published": "公开事项数",
    "duty_days": "排班人日",
}


def month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    days = month_days(first)
    return day_start(days[0]), day_start(days[-1] + dt.timedelta(days=1))


def open_month(value: str) -> dt.date:
    """A month open data can speak for: well formed (422), not before the system, not in the future."""
    first = parse_month(value)
    if first < FIRST_MONTH or first > clock.today().replace(day=1):
        raise Invalid("没有该月份的数据", fields={"month": "月份应在2024-01至本月之间"})
    return first


def recent_months(count: int = 12) -> list[str]:
    first, out = clock.today().replace(day=1), []
    for _ in range(count):
        if first < FIRST_MONTH:
            break
        out.append(f"{first:%Y-%m}")
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return out


def items_region(center: Center):
    """Where a center's items are implemented: a station offers its township's items."""
    if center.level == CenterLevel.VILLAGE and center.parent_id:
        return center.parent.region
    return center.region


def center_figures(center: Center, first: dt.date) -> dict:
    """One center's month in figures (four queries)."""
    start, end = month_bounds(first)
    cases = Case.objects.filter(center=center)
    received = dict(
        cases.filter(received_at__gte=start, received_at__lt=end)
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    done = cases.filter(completed_at__gte=start, completed_at__lt=end).aggregate(
        completed=Count("id"),
        on_time=Count("id", filter=Q(completed_on_time=True)),
        approved=Count("id", filter=Q(outcome=Outcome.APPROVED)),
        denied=Count("id", filter=Q(outcome=Outcome.DENIED)),
    )
    days = month_days(first)
    duty_days = RosterEntry.objects.filter(post__center=center, day__gte=days[0], day__lte=days[-1]).count()
    items = Item.objects.published().in_region(items_region(center)).count()
    completed = done["completed"]
    return {
        "center_code": center.code,
        "center_name": center.name,
        "month": f"{first:%Y-%m}",
        "received": sum(received.values()),
        **{f"received_{c}": received.get(c, 0) for c in Channel.values},
        "completed": completed,
        "completed_on_time": done["on_time"],
        "on_time_rate": round(done["on_time"] / completed, 4) if completed else None,
        "approved": done["approved"],
        "denied": done["denied"],
        "items_published": items,
        "duty_days": duty_days,
    }


def completed_publicly(center: Center, first: dt.date):
    """办结公示: the month's completed cases, newest first — item, date and result; the name masked."""
    start, end = month_bounds(first)
    return (
        Case.objects.filter(center=center, completed_at__gte=start, completed_at__lt=end)
        .exclude(state=State.WITHDRAWN)
        .select_related("item")
        .only("number", "applicant_name", "completed_at", "outcome", "item__name", "item__short_name")
        .order_by("-completed_at", "-id")
    )


def public_row(case: Case) -> dict:
    return {
        "item": case.item.name,
        "applicant": mask_name(case.applicant_name),
        "completed": case.completed_at.astimezone(clock.SHANGHAI).date(),
        "result": case.get_outcome_display() or "已办结",
    }
