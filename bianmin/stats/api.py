"""GET /api/v1/stats (API.md "Statistics"), with group_by and level for drill-down. Scoped; out of scope 404."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from bianmin.accounts.auth import staff_auth
from bianmin.core.errors import Invalid
from bianmin.stats import query

router = Router(tags=["stats"])


class StatsQuery(Schema):
    region: str | None = Field(None, max_length=12, description="12 位区划代码；默认本人范围的县或乡镇")
    from_: dt.date | None = Field(None, alias="from", description="起始日期（含），默认本月 1 日")
    to: dt.date | None = Field(None, description="截止日期（含），默认今天")
    group_by: str | None = Field(
        None, max_length=20, description="region|center|department|item|channel|staff|day|month"
    )
    level: str | None = Field(
        None, max_length=20, description="group_by=region 时：township（默认）或 village"
    )


class Ratings(Schema):
    count: int | None
    satisfaction_rate: float | None
    bad: int | None
    bad_rectified: int | None
    callback_rate: float | None


class Counts(Schema):
    """The figures API.md names, for a region (StatsOut) or one of its groups (Group)."""

    received: int
    accepted: int
    completed: int
    completed_on_time: int
    on_time_rate: float | None
    refused: int
    instant_share: float | None
    online_share: float | None
    proxy_count: int


class Group(Counts):
    key: str
    name: str
    overdue_open: int | None
    indicators: dict[str, float | int | None]


class StatsOut(Counts):
    region: str
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    overdue_open: int
    ratings: Ratings
    indicators: dict[str, float | int | None]
    group_by: str | None = None
    level: str | None = None
    groups: list[Group] | None = None


def group_json(entry: dict) -> dict:
    from bianmin.stats.indicators import values

    v = values(entry)
    return {
        "key": str(entry["key"]),
        "name": entry["name"] or str(entry["key"]),
        "received": entry["received"],
        "accepted": entry["accepted"],
        "completed": entry["completed"],
        "completed_on_time": entry["on_time"],
        "on_time_rate": v["on_time_rate"],
        "refused": entry["refused"],
        "instant_share": v["instant_share"],
        "online_share": v["online_share"],
        "proxy_count": entry["received_proxy"],
        "overdue_open": entry["overdue_open"],
        "indicators": v,
    }


def stats_for(user, params: StatsQuery) -> dict:
    errors = {}
    if params.group_by is not None and params.group_by not in query.GROUPS:
        errors["group_by"] = "应为 " + "、".join(query.GROUPS) + " 之一"
    if params.level is not None and params.level not in query.LEVELS:
        errors["level"] = "应为 township 或 village"
    elif params.level is not None and params.group_by != "region":
        errors["level"] = "level 只用于 group_by=region"
    if errors:
        raise Invalid("统计参数有误", fields=errors)
    date_from, date_to = query.check_period(params.from_, params.to)
    area = query.area_for(user, params.region or query.home_region(user) or "")
    out = query.summary(area, date_from, date_to)
    if params.group_by:
        out["group_by"], out["level"] = params.group_by, params.level
        out["groups"] = [
            group_json(g) for g in query.grouped(area, date_from, date_to, params.group_by, params.level)
        ]
    return out


@router.get(
    "/stats",
    response=StatsOut,
    by_alias=True,
    auth=staff_auth,
    summary="统计（按区划、期间；可按区划/中心/部门/事项/渠道/人员/日/月分组）",
)
def stats(request, params: Query[StatsQuery]):
    return stats_for(request.user, params)
