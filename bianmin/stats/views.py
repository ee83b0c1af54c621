"""Pages: the dashboards (county supervisor, township director), the drill-down, the case lists behind every
number, the monthly report, the ledger and the staff assessment."""

import datetime as dt
import inspect
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianmin.cases.selectors import cases_visible_to
from bianmin.core import clock
from bianmin.core.errors import ApiError, Forbidden, Invalid, NotFound
from bianmin.regions.models import Department, Level
from bianmin.stats import query
from bianmin.stats.indicators import INDICATORS, KEY_FIGURES, take_on_rate, values

PAGE_SIZE = 50


def _date(request, name) -> dt.date | None:
    raw = request.GET.get(name, "").strip()[:20]
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid("日期格式应为 YYYY-MM-DD", fields={name: "日期格式应为 YYYY-MM-DD"}) from exc


def _area(request):
    """(area, from, to) from ?region=&from=&to=, checked and scoped (NotFound/Invalid as the API)."""
    date_from, date_to = query.check_period(_date(request, "from"), _date(request, "to"))
    code = request.GET.get("region", "").strip()[:12] or query.home_region(request.user) or ""
    return query.area_for(request.user, code), date_from, date_to


def _problem(request, exc: ApiError):
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc
    status = 403 if isinstance(exc, Forbidden) else 422
    return render(
        request, "stats/problem.html", {"message": exc.message, "fields": exc.fields}, status=status
    )


def previous(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before (a calendar month: the previous month)."""
    if date_from.day == 1 and (date_to + dt.timedelta(days=1)).day == 1:
        last = date_from - dt.timedelta(days=1)
        return last.replace(day=1), last
    length = date_to - date_from
    return date_from - length - dt.timedelta(days=1), date_from - dt.timedelta(days=1)


def cases_link(indicator: str, area, date_from, date_to, **extra) -> str:
    params = {"indicator": indicator, "region": area.region.code, "from": date_from, "to": date_to, **extra}
    return reverse("stats:cases") + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def figures(totals: dict, before: dict | None = None) -> list[dict]:
    now = values(totals)
    then = values(before) if before else {}
    out = []
    for key in KEY_FIGURES:
        ind = INDICATORS[key]
        out.append(
            {
                "key": key,
                "name": ind.name,
                "unit": ind.unit,
                "value": now[key],
                "before": then.get(key),
                "tooltip": ind.tooltip,
                "drill": ind.cases is not None,
            }
        )
    return out


def _rows(groups, area, date_from, date_to, link_key: str) -> list[dict]:
    rows = []
    for g in groups:
        v = values(g)
        extra = {link_key: g["key"]} if link_key else {}
        rows.append(
            {
                "key": g["key"],
                "name": g["name"],
                "v": v,
                "links": {
                    k: cases_link(k, area, date_from, date_to, **extra)
                    for k in (
                        "received",
                        "completed",
                        "completed_on_time",
                        "overdue_open",
                        "refused",
                        "proxy_count",
                    )
                },
            }
        )
    return rows


COLUMNS = (
    ("received", "收件量"),
    ("completed", "办结量"),
    ("completed_on_time", "按期办结量"),
    ("on_time_rate", "按期办结率"),
    ("overdue_open", "超期件"),
    ("refused", "不予受理数"),
    ("proxy_count", "代办件数"),
)


def take_on_rates(county, rows) -> dict:
    """承接率 per township: delegated county items it has taken on ÷ the county's delegated items."""
    from django.db.models import Count

    from bianmin.catalog.models import Delegation, TakeOn

    delegated = Delegation.objects.filter(region=county).count()
    taken = dict(
        TakeOn.objects.filter(delegation__region=county, region_id__in=[r["key"] for r in rows])
        .values_list("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["key"]: take_on_rate(delegated, taken.get(r["key"], 0)) for r in rows}


@login_required
def dashboard(request):
    """The county supervisor's dashboard (a township director's opens on their township and center)."""
    try:
        area, date_from, date_to = _area(request)
    except ApiError as exc:
        return _problem(request, exc)
    before_from, before_to = previous(date_from, date_to)
    now_totals = query.totals(area, date_from, date_to)
    before_totals = query.totals(area, before_from, before_to, with_overdue=False)
    region = area.region
    # Children: townships of a county, else the centers; a township also splits by department and staff.
    if region.level <= Level.COUNTY:
        child_by, link_key, child_title = "region", "region_child", "乡镇（街道）"
    else:
        child_by, link_key, child_title = "center", "center", "中心（站）"
    children = query.grouped(area, date_from, date_to, child_by)
    rows = _rows(children, area, date_from, date_to, link_key)
    for row in rows:
        if child_by == "region":
            row["drill"] = (
                reverse("stats:dashboard")
                + "?"
                + urlencode({"region": row["key"], "from": date_from, "to": date_to})
            )
    if child_by == "region":
        taken = take_on_rates(region, rows)
        for row in rows:
            row["take_on_rate"] = taken.get(row["key"])
    up = None
    if region.parent_id:
        try:
            up = query.area_for(request.user, region.parent_id).region
        except ApiError:
            up = None  # above the user's scope: no link up
    by_department = by_staff = None
    if region.level >= Level.TOWNSHIP:
        by_department = _rows(
            query.grouped(area, date_from, date_to, "department"), area, date_from, date_to, "department"
        )
        by_staff = query.grouped(area, date_from, date_to, "staff")
        by_staff = [{"name": g["name"], "v": values(g)} for g in by_staff]
    trend_from = (date_to.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
    months = query.grouped(area, trend_from, date_to, "month")
    ratings = query.ratings_block(region.code, date_from, date_to)
    chart = {
        "children": [
            {"name": r["name"], "on_time_rate": r["v"]["on_time_rate"], "received": r["v"]["received"]}
            for r in rows
        ],
        "months": [
            {
                "name": m["key"],
                "received": m["received"],
                "completed": m["completed"],
                "on_time_rate": values(m)["on_time_rate"],
            }
            for m in months
        ],
        "satisfaction": ratings.get("satisfaction_rate"),
    }
    return render(
        request,
        "stats/dashboard.html",
        {
            "area": area,
            "region": region,
            "up": up,
            "date_from": date_from,
            "date_to": date_to,
            "before_from": before_from,
            "before_to": before_to,
            "figures": figures(now_totals, before_totals),
            "links": {k: cases_link(k, area, date_from, date_to) for k in INDICATORS if INDICATORS[k].cases},
            "rows": rows,
            "columns": COLUMNS,
            "child_title": child_title,
            "by_department": by_department,
            "by_staff": by_staff,
            "ratings": ratings,
            "chart": chart,
            "today": clock.today(),
            "tips": {k: INDICATORS[k].tooltip for k in INDICATORS},
            "take_on_tip": inspect.getdoc(take_on_rate).replace("\n", " "),
        },
    )


@login_required
def case_list(request):
    """The cases behind one number: the same definition as the indicator, the same scope and period."""
    try:
        area, date_from, date_to = _area(request)
    except ApiError as exc:
        return _problem(request, exc)
    key = request.GET.get("indicator", "")[:30]
    ind = INDICATORS.get(key)
    if ind is None or ind.cases is None:
        return _problem(request, Invalid("没有这个可查看明细的指标", fields={"indicator": "无效的指标"}))
    centers = area.centers
    filters = {"indicator": key, "region": area.region.code, "from": date_from, "to": date_to}
    title = area.region.name
    child = request.GET.get("region_child", "").strip()[:12]
    if child:
        centers = [c for c in centers if query.township_of(c) == child]
        filters["region_child"] = child
        title = next((c.region.name for c in centers if c.region_id == child), child)
    center = request.GET.get("center", "").strip()[:20]
    if center:
        centers = [c for c in centers if c.code == center]
        if not centers:
            raise Http404
        filters["center"], title = center, centers[0].name
    cases = cases_visible_to(request.user).filter(
        ind.cases(date_from, date_to), center_id__in=[c.pk for c in centers]
    )
    department = request.GET.get("department", "").strip()[:12]
    if department:
        if not (department.isascii() and department.isdigit()):
            return _problem(request, Invalid("部门无效", fields={"department": "部门无效"}))
        dept = Department.objects.filter(pk=int(department)).first()
        cases = cases.filter(lead_department_id=int(department))
        filters["department"] = department
        title += f" · {dept.name if dept else '（无牵头部门）'}"
    cases = cases.select_related("item", "center").order_by("-received_at", "-id")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/cases.html",
        {
            "indicator": ind,
            "title": title,
            "page": page,
            "query": urlencode(filters),
            "date_from": date_from,
            "date_to": date_to,
            "back": reverse("stats:dashboard")
            + "?"
            + urlencode({"region": area.region.code, "from": date_from, "to": date_to}),
        },
    )


# --- monthly report and ledger ----------------------------------------------------------------------


@login_required
def report(request):
    """月报 page: pick a region in scope and a month; download the Excel workbook or the PDF."""
    from bianmin.stats import reports

    try:
        code = request.GET.get("region", "").strip()[:12] or query.home_region(request.user) or ""
        area = query.area_for(request.user, code)
        first, last = reports.month_period(request.GET.get("month"))
    except ApiError as exc:
        return _problem(request, exc)
    data = reports.report_data(area, first, last)
    fmt = request.GET.get("format", "")
    filename = f"{area.region.code}-{first:%Y%m}"
    if fmt == "xlsx":
        response = HttpResponse(
            reports.report_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="monthly-{filename}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(reports.report_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="monthly-{filename}.pdf"'
        return response
    rows = [{**r, "tip": r["formula"]} for r in data["rows"]]
    return render(request, "stats/report.html", {**data, "rows": rows, "month": f"{first:%Y-%m}"})


@login_required
def ledger(request):
    """办件登记台账: every case received in the period, streamed from a temporary file."""
    from bianmin.stats import reports

    try:
        area, date_from, date_to = _area(request)
    except ApiError as exc:
        return _problem(request, exc)
    cases = reports.ledger_cases(area, date_from, date_to, cases_visible_to(request.user))
    title = f"{area.region.name}办件登记台账（{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}）"
    handle = reports.ledger_file(cases, title)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"ledger-{area.region.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- staff assessment -------------------------------------------------------------------------------


@login_required
def assessment(request):
    """绩效考核: staff see their own score and its breakdown; directors their center's; supervisors their
    subtree's (ranked per center and over the whole list); ?format=xlsx exports what is shown."""
    from bianmin.accounts.scope import scope_of
    from bianmin.stats import assessment as scoring
    from bianmin.stats import reports

    scope = scope_of(request.user)
    if not scope.is_staff_member:
        raise Http404
    try:
        first, last = reports.month_period(request.GET.get("month"))
        if query.may_see_stats(request.user):
            code = request.GET.get("region", "").strip()[:12] or query.home_region(request.user) or ""
            area = query.area_for(request.user, code)
            centers, county = area.centers, area.region.code[:6] + "000000"
        else:
            area, centers = None, []
            county = ""
    except ApiError as exc:
        return _problem(request, exc)
    if area is None:
        # Staff (clerks, approvers, agents): their own row only, scored within their own center.
        from bianmin.accounts.models import Post
        from bianmin.regions.models import Center

        post = (
            Post.objects.filter(user=request.user, is_active=True)
            .select_related("center", "department")
            .first()
        )
        center = (post.center if post and post.center_id else None) or (
            Center.objects.filter(pk=post.department.center_id).first()
            if post and post.department_id
            else None
        )
        rows = []
        if center is not None:
            county = center.region_id[:6] + "000000"
            rows = [
                r
                for r in scoring.staff_scores([center], first, last, county)
                if r["user_id"] == request.user.pk
            ]
        windows = []
    else:
        rows = scoring.staff_scores(centers, first, last, county)
        windows = scoring.window_scores(centers, first, last, county)
    weights = scoring.weights_for(county)
    if request.GET.get("format") == "xlsx":
        return _assessment_xlsx(rows, windows, scoring.rules(weights), first)
    return render(
        request,
        "stats/assessment.html",
        {
            "rows": rows,
            "windows": windows,
            "rules": scoring.rules(weights),
            "month": f"{first:%Y-%m}",
            "area": area,
            "own_only": area is None,
        },
    )


def _assessment_xlsx(rows, windows, rules, first):
    import io

    import xlsxwriter

    from bianmin.core.excel import safe_cell

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    heads = (
        "排名",
        "中心内排名",
        "姓名",
        "中心",
        "办件量",
        "办件量得分",
        "按期办结得分",
        "满意率得分",
        "整改得分",
        "黄红牌扣分",
        "投诉扣分",
        "考勤扣分",
        "总分",
    )
    sheet = book.add_worksheet("人员考核")
    sheet.write_string(0, 0, safe_cell(f"{first:%Y年%m月}绩效考核"), bold)
    for c, h in enumerate(heads):
        sheet.write_string(1, c, h, bold)
    for r, row in enumerate(rows, start=2):
        p = row["parts"]
        cells = (row["rank"], row["center_rank"], row["name"], row["center"], row["volume_n"], p["volume"], p["on_time"],
                 p["satisfaction"], p["rectified"], p["cards"], p["complaints"], p["attendance"], row["total"])  # fmt: skip
        for c, v in enumerate(cells):
            if isinstance(v, str):
                sheet.write_string(r, c, safe_cell(v))
            else:
                sheet.write_number(r, c, v)
    win = book.add_worksheet("窗口考核")
    for c, h in enumerate(("排名", "窗口", "中心", "办件量", "总分")):
        win.write_string(0, c, h, bold)
    for r, row in enumerate(windows, start=1):
        win.write_number(r, 0, row["rank"])
        win.write_string(r, 1, safe_cell(row["name"]))
        win.write_string(r, 2, safe_cell(row["center"]))
        win.write_number(r, 3, row["volume_n"])
        win.write_number(r, 4, row["total"])
    rule_sheet = book.add_worksheet("评分规则")
    for r, rule in enumerate(rules):
        rule_sheet.write_string(r, 0, safe_cell(rule))
    book.close()
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="assessment-{first:%Y%m}.xlsx"'
    return response
