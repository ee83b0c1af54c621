"""The administrator's calendar pages: the list of years, a year's month grid, and the one-day editor."""

import calendar as monthcal
import datetime as dt
from itertools import groupby

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianmin.accounts.decorators import admin_required
from bianmin.calendar import services
from bianmin.calendar.api import DATE_RE
from bianmin.calendar.models import CalendarDay, CalendarYear, DayKind
from bianmin.core import clock
from bianmin.core.errors import PAGE_ERRORS
from bianmin.regions.models import Region
from bianmin.worktime import FIRST_YEAR, LAST_YEAR

WEEKDAYS = "一二三四五六日"
ORDINARY = "ordinary"


# Signed-out visitors go to the login page; signed-in non-admins get the 403 page saying whom to ask.
calendar_admin_required = admin_required(
    message="工作日历只有系统管理员可以查看和修改。如需调整节假日，请联系县政务服务中心信息科。"
)


def _region_from(request) -> Region | None:
    code = (request.GET.get("region") or "").strip()
    if not code:
        return None
    if not (len(code) == 12 and code.isascii() and code.isdigit()):
        raise Http404("区划代码应为 12 位数字")
    return get_object_or_404(Region, code=code)


def _with_region(url: str, region: Region | None) -> str:
    return f"{url}?region={region.code}" if region else url


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("年度超出范围")


# --- list of years ------------------------------------------------------------------------------------


@calendar_admin_required
def index(request):
    years = CalendarYear.objects.select_related("updated_by").annotate(
        holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY, days__region__isnull=True)),
        makeups=Count("days", filter=Q(days__kind=DayKind.MAKEUP_WORKDAY)),
        locals=Count("days", filter=Q(days__region__isnull=False)),
    )
    local_regions = (
        Region.objects.filter(calendar_days__isnull=False)
        .annotate(days=Count("calendar_days"))
        .order_by("code")
    )
    this_year = clock.today().year
    return render(
        request,
        "calendar/index.html",
        {
            "years": years.order_by("-year"),
            "next_year": services.next_year_to_add(),
            "this_year": this_year,
            "local_regions": local_regions,
        },
    )


@calendar_admin_required
@require_POST
def add_year_view(request):
    try:
        year = int(request.POST.get("year") or services.next_year_to_add())
        services.add_year(year, request.user, source=request.POST.get("source", "")[:200])
    except ValueError:
        messages.error(request, "年度应为数字")
        return redirect("calendar:index")
    except PAGE_ERRORS as exc:
        messages.error(request, "；".join(exc.fields.values()) or exc.message)
        return redirect("calendar:index")
    messages.success(
        request,
        f"已添加 {year} 年日历（按周末和元旦、劳动节、国庆节固定日期预置，未确认）。请按国务院通知逐日调整。",
    )
    return redirect("calendar:year", year=year)


@calendar_admin_required
@require_POST
def confirm_view(request, year: int):
    confirmed = request.POST.get("confirmed", "1") == "1"
    try:
        services.confirm_year(year, request.user, confirmed=confirmed, source=request.POST.get("source"))
    except PAGE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{year} 年日历已{'确认' if confirmed else '改为未确认'}")
    return redirect("calendar:year", year=year)


# --- a year's month grid ------------------------------------------------------------------------------


def _cell(day: dt.date, calendar, national, entries, region, today) -> dict:
    info = calendar.day_info(day)
    weekend = day.weekday() >= 5
    local = region is not None and (info.workday, info.name) != (
        national.is_workday(day),
        national.day_info(day).name,
    )
    if not info.workday and info.name:
        kind, label = "holiday", info.name
    elif info.workday and weekend:
        kind, label = "makeup", "上班"
    elif not info.workday:
        kind, label = "rest", ""
    else:
        kind, label = "workday", ""
    classes = [kind]
    if weekend:
        classes.append("weekend")
    if local:
        classes.append("local")
    if day == today:
        classes.append("today")
    if not info.confirmed:
        classes.append("unconfirmed")
    state = {"holiday": "放假", "makeup": "调休上班", "rest": "休息日", "workday": "工作日"}[kind]
    return {
        "date": day,
        "kind": kind,
        "label": label,
        "name": info.name,
        "classes": " ".join(classes),
        "title": f"{day.month}月{day.day}日 {state}{' · ' + info.name if info.name else ''}",
        "explicit": day in entries,
    }


def _month(year: int, month: int, calendar, national, entries, region, editable: bool) -> dict:
    today = clock.today()
    weeks = []
    for week in monthcal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(None)
                continue
            cell = _cell(day, calendar, national, entries, region, today)
            if editable:
                cell["url"] = _with_region(reverse("calendar:day", args=[year, day.isoformat()]), region)
            row.append(cell)
        weeks.append(row)
    # The month's named days, runs of the same name and kind joined: "1–7日 国庆节 放假".
    named = [c for week in weeks for c in week if c and c["name"] and c["kind"] in ("holiday", "makeup")]
    summary = []
    for (name, kind), run in groupby(named, key=lambda c: (c["name"], c["kind"])):
        run = list(run)
        for chunk in _consecutive(run):
            first, last = chunk[0]["date"].day, chunk[-1]["date"].day
            summary.append(
                {
                    "days": f"{first}日" if first == last else f"{first}–{last}日",
                    "name": name,
                    "kind": kind,
                    "local": any("local" in c["classes"] for c in chunk),
                }
            )
    return {"number": month, "weeks": weeks, "summary": summary}


def _consecutive(cells):
    chunk = [cells[0]]
    for cell in cells[1:]:
        if (cell["date"] - chunk[-1]["date"]).days == 1:
            chunk.append(cell)
        else:
            yield chunk
            chunk = [cell]
    yield chunk


def _entries(year: int, region: Region | None) -> dict[dt.date, CalendarDay]:
    if region is not None:
        return services.local_days(region, year)
    return {d.date: d for d in CalendarDay.objects.filter(year_id=year, region__isnull=True)}


def _month_context(year: int, month: int, region: Region | None, editable: bool) -> dict:
    calendar = services.calendar_for(region)
    national = services.calendar_for(None) if region else calendar
    return _month(year, month, calendar, national, _entries(year, region), region, editable)


@calendar_admin_required
def year_view(request, year: int):
    _check_year(year)
    region = _region_from(request)
    calendar_year = CalendarYear.objects.select_related("updated_by").filter(year=year).first()
    editable = calendar_year is not None
    calendar = services.calendar_for(region)
    national = services.calendar_for(None) if region else calendar
    entries = _entries(year, region)
    months = [_month(year, m, calendar, national, entries, region, editable) for m in range(1, 13)]
    workdays = calendar.workdays_between(dt.date(year, 1, 1), dt.date(year, 12, 31) + dt.timedelta(days=1))
    return render(
        request,
        "calendar/year.html",
        {
            "year": year,
            "calendar_year": calendar_year,
            "region": region,
            "region_query": f"?region={region.code}" if region else "",
            "months": months,
            "weekdays": WEEKDAYS,
            "workdays": workdays.days,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "following_year": year + 1 if year < LAST_YEAR else None,
        },
    )


# --- one day ------------------------------------------------------------------------------------------


class DayForm(forms.Form):
    kind = forms.ChoiceField(
        label="设为",
        choices=[
            (DayKind.HOLIDAY, "节假日（放假）"),
            (DayKind.MAKEUP_WORKDAY, "调休上班日（周末上班）"),
            (ORDINARY, "普通日（周一至周五上班，周末休息）"),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="名称", max_length=40, required=False)


class LocalDayForm(DayForm):
    kind = forms.ChoiceField(
        label="设为",
        choices=[(DayKind.HOLIDAY, "地方节假日（本区划及下辖区域放假）"), (ORDINARY, "取消地方节假日")],
        widget=forms.RadioSelect,
    )


def _parse_day(year: int, text: str) -> dt.date:
    try:
        # The API's form only: fromisoformat alone would also read week dates such as 2026-W02-1.
        day = dt.date.fromisoformat(text) if DATE_RE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None or day.year != year:
        raise Http404("日期无效")
    return day


@calendar_admin_required
def day_view(request, year: int, day: str):
    _check_year(year)
    date = _parse_day(year, day)
    region = _region_from(request)
    calendar_year = get_object_or_404(CalendarYear, year=year)
    form_class = LocalDayForm if region else DayForm
    entry = _entries(year, region).get(date)
    htmx = request.headers.get("HX-Request") == "true"
    saved = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                services.set_day(
                    year,
                    date,
                    None if kind == ORDINARY else kind,
                    form.cleaned_data["name"],
                    request.user,
                    region=region,
                )
            except PAGE_ERRORS as exc:
                for field_name, message in exc.fields.items():
                    form.add_error(field_name if field_name in form.fields else None, message)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                saved = services.calendar_for(region).day_info(date)
                if not htmx:
                    messages.success(request, f"已保存 {date.month}月{date.day}日")
                    url = _with_region(reverse("calendar:year", args=[year]), region)
                    return redirect(f"{url}#month-{date.month}")
    else:
        if entry:
            initial = {"kind": entry.kind, "name": entry.name}
        else:
            # Preselect the change the admin most likely came for; "ordinary" is what the day already is.
            likely = DayKind.MAKEUP_WORKDAY if date.weekday() >= 5 and not region else DayKind.HOLIDAY
            initial = {"kind": likely}
        form = form_class(initial=initial)
    context = {
        "form": form,
        "date": date,
        "weekday": WEEKDAYS[date.weekday()],
        "year": year,
        "calendar_year": calendar_year,
        "region": region,
        "entry": entry,
        "effective": services.calendar_for(region).day_info(date),
        "national": services.calendar_for(None).day_info(date),
        "action": _with_region(reverse("calendar:day", args=[year, date.isoformat()]), region),
        "close_url": _with_region(reverse("calendar:year", args=[year]), region),
        "saved": saved,
        "weekend": date.weekday() >= 5,
    }
    if saved is not None:
        context["month"] = _month_context(year, date.month, region, editable=True)
        context["weekdays"] = WEEKDAYS
        return render(request, "calendar/_day_saved.html", context)
    status = 200 if request.method == "GET" or htmx else 422
    template = "calendar/_day_form.html" if htmx else "calendar/day.html"
    return render(request, template, context, status=status)
