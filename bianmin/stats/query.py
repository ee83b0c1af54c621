"""Reading the rollups: who may see which centers, and the summed measures per group.

Region totals and their by-center / by-channel / by-day / by-month splits read the small CenterDay table;
splits by department, item, staff or village read Fact. 超期件 is counted on the cases themselves (the
partial index of open cases), as of the period's end or today.
"""

import datetime as dt
import importlib
import importlib.util
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from bianmin.accounts.models import Role, User
from bianmin.accounts.scope import scope_of
from bianmin.cases.models import Case
from bianmin.catalog.models import Item
from bianmin.core import clock
from bianmin.core.errors import Forbidden, Invalid, NotFound
from bianmin.regions.models import Center, Department, Level, Region
from bianmin.stats.indicators import overdue_q, values
from bianmin.stats.models import MEASURES, CenterDay, CenterMonth, Fact, StaffMonth

GROUPS = ("region", "center", "department", "item", "channel", "staff", "day", "month")
LEVELS = ("township", "village")
MAX_DAYS = 5 * 366
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
CHANNEL_NAMES = {
    "window": "窗口",
    "online": "网上",
    "proxy": "村级代办",
    "phone": "电话",
    "mobile": "流动服务",
}


@dataclass
class Area:
    """The region asked about and the centers of it the user may see."""

    region: Region
    centers: list[Center]

    @property
    def center_ids(self) -> list[int]:
        return [c.pk for c in self.centers]


def may_see_stats(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or scope.has_role(Role.SUPERVISOR, Role.DIRECTOR)


def home_region(user) -> str | None:
    """The region a user's dashboard opens on: a supervisor's subtree, a director's township."""
    scope = scope_of(user)
    if scope.is_admin:
        county = Region.objects.filter(level=Level.COUNTY).order_by("code").first()
        return county.code if county else None
    if scope.region_prefixes and scope.has_role(Role.SUPERVISOR):
        prefix = scope.region_prefixes[0]
        region = Region.objects.filter(code__startswith=prefix).order_by("level", "code").first()
        return region.code if region else None
    if scope.center_ids:
        center = (
            Center.objects.select_related("region").filter(pk__in=scope.center_ids).order_by("pk").first()
        )
        return center.region_id if center else None
    return None


def area_for(user, region_code: str) -> Area:
    """The region, if the user may see it (else 404: never say it exists), and its centers in scope."""
    if not may_see_stats(user):
        raise Forbidden("仅效能监察、中心负责人和管理员可以查看统计")
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        raise NotFound("未找到该区划")
    scope = scope_of(user)
    centers = Center.objects.filter(region__code__startswith=region.prefix).select_related("region")
    if not scope.is_admin:
        supervised = scope.has_role(Role.SUPERVISOR) and any(
            region.code.startswith(p) for p in scope.region_prefixes
        )
        if not supervised:
            own = any(region.code.startswith(p) for p in scope.center_prefixes) and scope.has_role(
                Role.DIRECTOR
            )
            if not own:
                raise NotFound("未找到该区划")
            centers = centers.filter(Q(pk__in=scope.center_ids) | Q(parent__in=scope.center_ids))
    return Area(region, list(centers.order_by("code")))


def check_period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    today = clock.today()
    date_to = date_to or today
    date_from = date_from or date_to.replace(day=1)
    for name, day in (("from", date_from), ("to", date_to)):
        if not EARLIEST <= day <= LATEST:
            raise Invalid("日期超出范围", fields={name: f"日期应在 {EARLIEST} 至 {LATEST} 之间"})
    if date_from > date_to:
        raise Invalid("起始日期不能晚于截止日期", fields={"from": "起始日期不能晚于截止日期"})
    if (date_to - date_from).days > MAX_DAYS:
        raise Invalid("统计期间不能超过5年", fields={"to": "统计期间不能超过5年"})
    return date_from, date_to


def _sums():
    channel = {f"received_{c}": Sum("received", filter=Q(channel=c)) for c in ("online", "proxy")}
    classes = {
        f"received_{c}": Sum("received", filter=Q(case_class=c))
        for c in ("instant", "promised", "joint", "escalated")
    }
    # Aliases carry a prefix: an aggregate may not share its column's name.
    return {"t_" + k: v for k, v in {**{m: Sum(m) for m in MEASURES}, **channel, **classes}.items()}


def _clean(row: dict) -> dict:
    return {k.removeprefix("t_"): (v or 0) for k, v in row.items()}


def overdue(center_ids, as_of: dt.date, by: str | None = None):
    cases = Case.objects.filter(overdue_q(as_of), center_id__in=center_ids)
    if by is None:
        return cases.count()
    return dict(cases.values_list(by).annotate(n=Count("id")).order_by())


def as_of(date_to: dt.date) -> dt.date:
    return min(date_to, clock.today())


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def split(date_from: dt.date, date_to: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list[tuple]]:
    """The whole months inside the period (the first days of the first and the last), and the days left."""
    first = date_from if date_from.day == 1 else _month_end(date_from) + dt.timedelta(days=1)
    last = date_to.replace(day=1)
    if _month_end(date_to) != date_to:
        last = (last - dt.timedelta(days=1)).replace(day=1)
    if first > last:
        return None, [(date_from, date_to)]
    edges = []
    if date_from < first:
        edges.append((date_from, first - dt.timedelta(days=1)))
    if _month_end(last) < date_to:
        edges.append((_month_end(last) + dt.timedelta(days=1), date_to))
    return (first, last), edges


def rollup_rows(ids, date_from, date_to, field: str | None = None, fine: bool = False) -> list[tuple]:
    """[(key, measures)] over the period: CenterMonth for its whole months, CenterDay for the days left.
    `field` is None (one total), center_id, channel, day or month; one key may come in several rows.
    With `fine`, StaffMonth and Fact instead (for department_id and staff_id)."""
    monthly, daily = (StaffMonth, Fact) if fine else (CenterMonth, CenterDay)
    months, edges = split(date_from, date_to)
    if field == "day":
        months, edges = None, [(date_from, date_to)]
    parts = []
    if months:
        rows = monthly.objects.filter(center_id__in=ids, month__gte=months[0], month__lte=months[1])
        parts.append((rows, "month"))
    if edges:
        days = Q()
        for a, b in edges:
            days |= Q(day__gte=a, day__lte=b)
        parts.append((daily.objects.filter(days, center_id__in=ids), "day"))
    out = []
    for rows, unit in parts:
        if field is None:
            out.append((None, _clean(rows.aggregate(**_sums()))))
            continue
        name = field
        if field == "month" and unit == "day":
            rows, name = rows.annotate(m=TruncMonth("day")), "m"
        for row in rows.values(name).annotate(**_sums()).order_by():
            key = row.pop(name)
            if isinstance(key, dt.datetime):
                key = key.date()
            out.append((key, _clean(row)))
    return out


def totals(area: Area, date_from: dt.date, date_to: dt.date, with_overdue: bool = True) -> dict:
    """The summed measures of the area's centers over the period, with the overdue count (None without:
    a past period's overdue count cannot be read off today's open cases)."""
    out = _empty()
    for _, row in rollup_rows(area.center_ids, date_from, date_to):
        for k, v in row.items():
            out[k] += v
    out["overdue_open"] = overdue(area.center_ids, as_of(date_to)) if with_overdue else None
    return out


def township_of(center: Center) -> str:
    """The township region code a center belongs to (a village station's parent township)."""
    region = center.region
    if region.level >= Level.VILLAGE and region.parent_id:
        return region.parent_id
    return region.code


def grouped(area: Area, date_from, date_to, group_by: str, level: str | None = None) -> list[dict]:
    """[{key, name, <measures>, overdue_open}] per group, largest received first (days/months in order)."""
    ids = area.center_ids
    period = Q(center_id__in=ids, day__gte=date_from, day__lte=date_to)
    when = as_of(date_to)
    by_center = {c.pk: c for c in area.centers}
    groups: dict = {}
    overdue_by: dict = {}

    def add(key, name, row):
        entry = groups.setdefault(key, {"key": key, "name": name, **{k: 0 for k in row}})
        for k, v in row.items():
            entry[k] += v or 0

    if group_by in ("center", "channel", "day", "month") or (group_by == "region" and level != "village"):
        field = {"center": "center_id", "region": "center_id", "channel": "channel"}.get(group_by, group_by)
        for key, row in rollup_rows(ids, date_from, date_to, field):
            if group_by == "center":
                add(by_center[key].code, by_center[key].name, row)
            elif group_by == "region":
                code = township_of(by_center[key])
                add(code, "", row)
            elif group_by == "channel":
                add(key, CHANNEL_NAMES.get(key, key), row)
            elif group_by == "day":
                add(key.isoformat(), key.isoformat(), row)
            else:
                add(f"{key:%Y-%m}", f"{key:%Y年%m月}", row)
        if group_by == "center":
            for center_id, n in overdue(ids, when, "center_id").items():
                overdue_by[by_center[center_id].code] = n
        elif group_by == "region":
            for center_id, n in overdue(ids, when, "center_id").items():
                code = township_of(by_center[center_id])
                overdue_by[code] = overdue_by.get(code, 0) + n
            for code in {township_of(c) for c in area.centers}:
                groups.setdefault(code, {"key": code, "name": "", **_empty()})
            names = dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name"))
            for code, entry in groups.items():
                entry["name"] = names.get(code, code)
        elif group_by == "channel":
            overdue_by = overdue(ids, when, "channel")
    else:
        field = {"department": "department_id", "item": "item_id", "staff": "staff_id", "region": "village"}[
            group_by
        ]
        if group_by in ("department", "staff"):
            for key, row in rollup_rows(ids, date_from, date_to, field, fine=True):
                add(key, "", row)
        else:
            for row in Fact.objects.filter(period).values(field).annotate(**_sums()).order_by():
                key = row.pop(field)
                add(key, "", _clean(row))
        case_field = {"department": "lead_department_id", "item": "item_id", "region": "village_id"}.get(
            group_by
        )
        if case_field:
            overdue_by = {k or "": n for k, n in overdue(ids, when, case_field).items()}
        _name_groups(groups, group_by)
    for key, entry in groups.items():
        entry["overdue_open"] = overdue_by.get(key, 0) if group_by not in ("day", "month", "staff") else None
    out = list(groups.values())
    if group_by in ("day", "month"):
        return sorted(out, key=lambda e: e["key"])
    return sorted(out, key=lambda e: (-e["received"], str(e["key"])))


def _empty() -> dict:
    return {k.removeprefix("t_"): 0 for k in _sums()}


def _name_groups(groups: dict, group_by: str) -> None:
    keys = [k for k in groups if k]
    if group_by == "department":
        names = dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "item":
        names = dict(Item.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "staff":
        names = {u.pk: u.display_name for u in User.objects.filter(pk__in=keys)}
    else:
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    none = {
        "department": "（无牵头部门）",
        "item": "",
        "staff": "（系统或群众）",
        "region": "（中心直接受理）",
    }[group_by]
    for key, entry in groups.items():
        entry["name"] = names.get(key, none) if key else none


# --- figures from the other apps (ratings, inquiries, supervision), when installed -------------------


def other_figures(app: str, region_code: str, date_from, date_to, **options) -> dict | None:
    """`bianmin.<app>.figures.figures(...)` (interfaces.md #1) when that app is installed, else None."""
    name = f"bianmin.{app}.figures"
    try:
        if importlib.util.find_spec(f"bianmin.{app}") is None or importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name).figures(region_code, date_from, date_to, **options)


def person_figures(app: str, user_ids: list[int], date_from, date_to) -> dict[int, dict]:
    name = f"bianmin.{app}.figures"
    try:
        if importlib.util.find_spec(f"bianmin.{app}") is None or importlib.util.find_spec(name) is None:
            return {}
    except ModuleNotFoundError:
        return {}
    module = importlib.import_module(name)
    return module.person_figures(user_ids, date_from, date_to) if hasattr(module, "person_figures") else {}


RATING_KEYS = ("count", "satisfaction_rate", "bad", "bad_rectified", "callback_rate")


def ratings_block(region_code, date_from, date_to) -> dict:
    # The block has no 主动评价率: the ratings app need not count the period's finished cases for it.
    figures = other_figures("ratings", region_code, date_from, date_to, rated_share=False) or {}
    return {k: figures.get(k) for k in RATING_KEYS}


def summary(area: Area, date_from, date_to) -> dict:
    """What API.md's stats endpoint answers, plus every indicator's value."""
    t = totals(area, date_from, date_to)
    v = values(t)
    return {
        "region": area.region.code,
        "from": date_from,
        "to": date_to,
        "received": t["received"],
        "accepted": t["accepted"],
        "completed": t["completed"],
        "completed_on_time": t["on_time"],
        "on_time_rate": v["on_time_rate"],
        "refused": t["refused"],
        "instant_share": v["instant_share"],
        "online_share": v["online_share"],
        "proxy_count": t["received_proxy"],
        "overdue_open": t["overdue_open"],
        "ratings": ratings_block(area.region.code, date_from, date_to),
        "indicators": v,
    }
