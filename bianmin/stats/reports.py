"""月报 (Excel with native charts, PDF with SVG charts drawn here) and 办件登记台账 (streamed Excel)."""

import datetime as dt
import io
import tempfile
from html import escape

import xlsxwriter
from django.template.loader import render_to_string

from bianmin.cases.models import CaseClass, Channel, Outcome, State
from bianmin.core import clock
from bianmin.core.errors import Invalid
from bianmin.core.excel import safe_cell
from bianmin.regions.models import Level
from bianmin.stats import query
from bianmin.stats.indicators import INDICATORS, KEY_FIGURES, values
from bianmin.stats.templatetags.stats import figure, mask_name

# --- the month --------------------------------------------------------------------------------------


def month_period(raw: str | None) -> tuple[dt.date, dt.date]:
    """'2026-05' → (May 1, May 31); the current month ends today; a future month → 422."""
    today = clock.today()
    raw = (raw or "").strip()[:10] or f"{today:%Y-%m}"
    try:
        first = dt.date.fromisoformat(raw + "-01")
    except ValueError as exc:
        raise Invalid("月份格式应为 YYYY-MM", fields={"month": "月份格式应为 YYYY-MM"}) from exc
    if first > today:
        raise Invalid("不能生成未来月份的月报", fields={"month": "该月份尚未到来"})
    if first.year < 2000:
        raise Invalid("月份过早", fields={"month": "月份过早"})
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, min(last, today)


def report_data(area, first: dt.date, last: dt.date) -> dict:
    before_last = first - dt.timedelta(days=1)
    before_first = before_last.replace(day=1)
    now_t = query.totals(area, first, last)
    before_t = query.totals(area, before_first, before_last, with_overdue=False)
    year_t = query.totals(area, first.replace(month=1, day=1), last)
    now_v, before_v, year_v = values(now_t), values(before_t), values(year_t)
    rows = [
        {
            "key": key,
            "name": INDICATORS[key].name,
            "unit": INDICATORS[key].unit,
            "now": now_v[key],
            "before": before_v[key],
            "year": year_v[key],
            "formula": INDICATORS[key].tooltip,
        }
        for key in KEY_FIGURES
    ]
    child_by = "region" if area.region.level <= Level.COUNTY else "department"
    children = [{"name": g["name"], **values(g)} for g in query.grouped(area, first, last, child_by)]
    months = [
        {"name": m["key"], **values(m)}
        for m in query.grouped(area, first.replace(month=1, day=1), last, "month")
    ]
    return {
        "region": area.region,
        "title": f"{area.region.name}便民服务{first:%Y年%m月}工作月报",
        "first": first,
        "last": last,
        "rows": rows,
        "child_title": "乡镇（街道）" if child_by == "region" else "部门",
        "children": children,
        "months": months,
        "ratings": query.ratings_block(area.region.code, first, last),
        "made_at": clock.now(),
    }


CHILD_COLUMNS = (
    ("received", "收件量"),
    ("accepted", "受理量"),
    ("completed", "办结量"),
    ("completed_on_time", "按期办结量"),
    ("on_time_rate", "按期办结率"),
    ("overdue_open", "超期件"),
    ("proxy_count", "代办件数"),
    ("refused", "不予受理数"),
)


def _plain(value, unit):
    if value is None:
        return None
    return round(value, 4) if unit in ("%", "天") else value


def report_xlsx(data: dict) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    pct = book.add_format({"num_format": "0.0%"})
    dec = book.add_format({"num_format": "0.0"})
    sheet = book.add_worksheet("主要指标")
    sheet.write_string(0, 0, safe_cell(data["title"]), title)
    sheet.write_string(1, 0, safe_cell(f"统计期间：{data['first']:%Y-%m-%d} 至 {data['last']:%Y-%m-%d}"))
    for col, head in enumerate(("指标", "本月", "上月", "本年累计", "口径")):
        sheet.write_string(3, col, head, bold)
    for r, row in enumerate(data["rows"], start=4):
        fmt = pct if row["unit"] == "%" else dec if row["unit"] == "天" else None
        sheet.write_string(r, 0, safe_cell(row["name"]))
        for c, key in enumerate(("now", "before", "year"), start=1):
            value = _plain(row[key], row["unit"])
            if value is None:
                sheet.write_string(r, c, "—")
            else:
                sheet.write_number(r, c, value, fmt)
        sheet.write_string(r, 4, safe_cell(row["formula"]))
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 3, 12)
    sheet.set_column(4, 4, 80)

    table = book.add_worksheet(data["child_title"][:20])
    table.write_string(0, 0, safe_cell(data["child_title"]), bold)
    for c, (_, label) in enumerate(CHILD_COLUMNS, start=1):
        table.write_string(0, c, label, bold)
    for r, child in enumerate(data["children"], start=1):
        table.write_string(r, 0, safe_cell(child["name"]))
        for c, (key, _) in enumerate(CHILD_COLUMNS, start=1):
            value = child[key]
            if value is None:
                table.write_string(r, c, "—")
            else:
                table.write_number(r, c, value, pct if key.endswith("rate") else None)
    table.set_column(0, 0, 20)
    n = len(data["children"])
    if n:
        bars = book.add_chart({"type": "bar"})
        for col, name in ((1, "收件量"), (3, "办结量")):
            bars.add_series(
                {"name": name, "categories": [table.name, 1, 0, n, 0], "values": [table.name, 1, col, n, col]}
            )
        bars.set_title({"name": f"各{data['child_title']}收件量与办结量"})
        table.insert_chart(n + 3, 0, bars, {"x_scale": 1.4, "y_scale": 1.2})

    trend = book.add_worksheet("月度趋势")
    for c, head in enumerate(("月份", "收件量", "办结量", "按期办结率")):
        trend.write_string(0, c, head, bold)
    for r, m in enumerate(data["months"], start=1):
        trend.write_string(r, 0, safe_cell(m["name"]))
        trend.write_number(r, 1, m["received"])
        trend.write_number(r, 2, m["completed"])
        if m["on_time_rate"] is None:
            trend.write_string(r, 3, "—")
        else:
            trend.write_number(r, 3, m["on_time_rate"], pct)
    k = len(data["months"])
    if k:
        line = book.add_chart({"type": "line"})
        for col, name in ((1, "收件量"), (2, "办结量")):
            line.add_series(
                {"name": name, "categories": ["月度趋势", 1, 0, k, 0], "values": ["月度趋势", 1, col, k, col]}
            )
        line.set_title({"name": "本年各月收件量与办结量"})
        trend.insert_chart(k + 3, 0, line, {"x_scale": 1.4, "y_scale": 1.2})
    book.close()
    return out.getvalue()


# --- SVG charts for the PDF (drawn here: no browser in the request path) ------------------------------

PALETTE = ("#2f6fb0", "#d9822b", "#3a9a5b", "#b03a2e")


def svg_bars(labels: list[str], series: list[tuple[str, list[float]]], width=640, bar=14) -> str:
    """Horizontal grouped bars, one group per label."""
    left, top, gap = 130, 28, 10
    group = bar * len(series) + gap
    height = top + group * max(1, len(labels)) + 20
    peak = max([v for _, vals in series for v in vals if v] or [1])
    scale = (width - left - 60) / peak
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">'
    ]
    for i, (name, _) in enumerate(series):
        x = left + i * 110
        out.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{PALETTE[i % 4]}"/>')
        out.append(f'<text x="{x + 14}" y="15">{escape(name)}</text>')
    for g, label in enumerate(labels):
        y0 = top + g * group
        out.append(
            f'<text x="{left - 6}" y="{y0 + bar * len(series) / 2 + 4}" text-anchor="end">{escape(label)}</text>'
        )
        for i, (_, vals) in enumerate(series):
            v = vals[g] or 0
            w = max(0.0, v * scale)
            y = y0 + i * bar
            out.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 2}" fill="{PALETTE[i % 4]}"/>'
            )
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 4}">{v:g}</text>')
    out.append("</svg>")
    return "".join(out)


def svg_lines(labels: list[str], series: list[tuple[str, list[float]]], width=640, height=240) -> str:
    left, right, top, bottom = 44, 16, 28, 30
    peak = max([v for _, vals in series for v in vals if v] or [1])
    n = max(1, len(labels) - 1)
    x_of = lambda i: left + (width - left - right) * i / n  # noqa: E731
    y_of = lambda v: top + (height - top - bottom) * (1 - (v or 0) / peak)  # noqa: E731
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak:g}</text>',
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for i, label in enumerate(labels):
        out.append(
            f'<text x="{x_of(i):.1f}" y="{height - 12}" text-anchor="middle">{escape(label[-2:])}月</text>'
        )
    for s, (name, vals) in enumerate(series):
        color = PALETTE[s % 4]
        points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(vals))
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        out.append(f'<rect x="{left + s * 100}" y="6" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{left + s * 100 + 14}" y="15">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def report_pdf(data: dict) -> bytes:
    from django.conf import settings
    from weasyprint import HTML

    children = data["children"]
    bars = svg_bars(
        [c["name"] for c in children],
        [("收件量", [c["received"] for c in children]), ("办结量", [c["completed"] for c in children])],
    )
    lines = svg_lines(
        [m["name"] for m in data["months"]],
        [
            ("收件量", [m["received"] for m in data["months"]]),
            ("办结量", [m["completed"] for m in data["months"]]),
        ],
    )
    rows = [
        {**row, "now_s": figure(row["now"], row["unit"]), "before_s": figure(row["before"], row["unit"]),
         "year_s": figure(row["year"], row["unit"])}
        for row in data["rows"]
    ]  # fmt: skip
    kids = [{**c, "rate_s": figure(c["on_time_rate"], "%")} for c in children]
    html = render_to_string(
        "stats/report_pdf.html", {**data, "rows": rows, "kids": kids, "bars_svg": bars, "lines_svg": lines}
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# --- 办件登记台账 ---------------------------------------------------------------------------------------

LEDGER_HEAD = (
    "办件编号", "受理中心", "事项", "办件类型", "渠道", "申请人", "收件时间", "受理时间",
    "承诺办结日期", "办结时间", "状态", "办理结果", "是否按期",
)  # fmt: skip


def _local(moment):
    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def ledger_file(cases, title: str):
    """Every case of the queryset as one row, written row by row (constant memory) to a temporary file."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book = xlsxwriter.Workbook(
        handle, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("办件登记台账")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, safe_cell(title), bold)
    for c, head in enumerate(LEDGER_HEAD):
        sheet.write_string(1, c, head, bold)
    classes, channels = dict(CaseClass.choices), dict(Channel.choices)
    states, outcomes = dict(State.choices), dict(Outcome.choices)
    rows = cases.values_list(
        "number", "center__name", "item__name", "case_class", "channel", "applicant_name", "received_at",
        "accepted_at", "deadline", "completed_at", "state", "outcome", "completed_on_time",
    ).order_by("received_at", "id")  # fmt: skip
    r = 1
    for row in rows.iterator(chunk_size=2000):
        r += 1
        (
            number,
            center,
            item,
            klass,
            channel,
            name,
            received,
            accepted,
            deadline,
            completed,
            state,
            outcome,
            on_time,
        ) = row
        cells = (
            number, center, item, classes.get(klass, klass), channels.get(channel, channel), mask_name(name),
            _local(received), _local(accepted), deadline.isoformat() if deadline else "", _local(completed),
            states.get(state, state), outcomes.get(outcome, ""),
            "" if on_time is None else ("是" if on_time else "否"),
        )  # fmt: skip
        for c, value in enumerate(cells):
            sheet.write_string(r, c, safe_cell(value or ""))
    book.close()
    handle.seek(0)
    return handle


def ledger_cases(area, date_from, date_to, visible):
    """Cases received in the period at the area's centers (and visible to the user)."""
    since = dt.datetime.combine(date_from, dt.time.min, tzinfo=clock.SHANGHAI)
    until = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    return visible.filter(center_id__in=area.center_ids, received_at__gte=since, received_at__lt=until)
