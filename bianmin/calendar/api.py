"""Public calendar API (API.md "Calendar"): deadlines in working days and what kind of day a date is."""

import datetime as dt
import re

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from bianmin.calendar.services import calendar_for
from bianmin.core.errors import Invalid
from bianmin.regions.models import Region
from bianmin.worktime import FIRST_YEAR, LAST_YEAR

router = Router(tags=["calendar"])

MAX_DAYS = 365
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
DAYS_RE = re.compile(r"-?\d+", re.ASCII)
REGION_RE = re.compile(r"\d{12}", re.ASCII)
REGION_HELP = "12 位区划代码（可选）：计入该区划及其上级设定的地方节假日"


def parse_date(value) -> dt.date:
    """A YYYY-MM-DD date inside the supported range; Chinese messages for every way it can be wrong."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        text = str(value).strip()
        try:
            # Only the contract's form: fromisoformat alone would also take week dates such as 2026-W01-1.
            if not DATE_RE.fullmatch(text):
                raise ValueError
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise PydanticCustomError(
                "date_format", "日期格式应为 YYYY-MM-DD，且须为真实存在的日期"
            ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PydanticCustomError("date_range", f"日期须在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    return day


class RegionParam(Schema):
    region: str | None = Field(None, pattern=r"^\d{12}$", description=REGION_HELP)

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, value):
        if value is not None and not REGION_RE.fullmatch(str(value)):
            raise PydanticCustomError("region_format", "区划代码应为 12 位数字")
        return value


class DeadlineQuery(RegionParam):
    start: dt.date = Field(..., description="起算日（受理日），YYYY-MM-DD；从次日开始计算")
    days: int = Field(..., ge=0, le=MAX_DAYS, description="工作日数，0–365；0 表示当日（即办）")

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value):
        return parse_date(value)

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value):
        text = str(value).strip()
        if not DAYS_RE.fullmatch(text):
            raise PydanticCustomError("days_type", "工作日数须为整数")
        # A very long digit string is simply out of range (and int() refuses beyond 4300 digits).
        days = int(text) if len(text) <= 7 else -1
        if not 0 <= days <= MAX_DAYS:
            raise PydanticCustomError("days_range", f"工作日数须在 0–{MAX_DAYS} 之间")
        return days


class DayPath(Schema):
    date: dt.date = Field(..., description="日期，YYYY-MM-DD")

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value):
        return parse_date(value)


class DeadlineOut(Schema):
    start: dt.date
    days: int
    deadline: dt.date
    confirmed: bool = Field(description="false：计算涉及尚未公布放假安排的年度，结果按固定日期节日推算")
    region: str | None


class DayOut(Schema):
    date: dt.date
    workday: bool
    name: str | None = Field(description="节假日或调休名称，如“国庆节”“春节调休”；普通日为 null")
    confirmed: bool
    region: str | None


def _region_code(code: str | None) -> str | None:
    # Unknown codes are 404 like everywhere else in the API; the lookup is one primary-key query.
    if code is None:
        return None
    return get_object_or_404(Region.objects.only("code"), code=code).code


@router.get("/calendar/deadline", response=DeadlineOut, auth=None, summary="按工作日计算办结期限")
def deadline(request, query: Query[DeadlineQuery]):
    region = _region_code(query.region)
    try:
        result = calendar_for(region).add_workdays(query.start, query.days)
    except ValueError:
        raise Invalid(
            "期限超出日历范围", fields={"days": f"期限超出日历支持的范围（{FIRST_YEAR}–{LAST_YEAR} 年）"}
        ) from None
    return {
        "start": query.start,
        "days": query.days,
        "deadline": result.date,
        "confirmed": result.confirmed,
        "region": region,
    }


@router.get("/calendar/days/{date}", response=DayOut, auth=None, summary="某日是否工作日")
def day(request, path: Path[DayPath], query: Query[RegionParam]):
    region = _region_code(query.region)
    info = calendar_for(region).day_info(path.date)
    return {
        "date": info.date,
        "workday": info.workday,
        "name": info.name,
        "confirmed": info.confirmed,
        "region": region,
    }
