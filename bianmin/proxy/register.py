"""代办登记台账: the agents' register for a period, per case and per village, and its Excel layout.

A case belongs to the period it was registered in; each row shows how far it got (handed over,
completed, delivered) and the working days each leg took, counted on the township's calendar as the
statutory limits are (行政许可法 Art. 82): a leg finished the same day took 0, Friday to Monday 1. The API, the page and the workbook all read
build_register(), so their totals cannot disagree.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Min, OuterRef, QuerySet, Subquery

from bianmin.cases.clock import current_calendar
from bianmin.cases.models import Case
from bianmin.core import clock
from bianmin.core.excel import safe_cell
from bianmin.proxy.models import Direction, HandoverCase
from bianmin.proxy.selectors import proxy_cases_visible_to
from bianmin.regions.models import Region, prefix_of
from bianmin.worktime import Calendar

ONE_DAY = dt.timedelta(days=1)

HEADERS = [
    "序号", "办件编号", "村（社区）", "代办员", "申请人", "办理事项", "上门", "登记时间", "交镇时间",
    "受理时间", "办结时间", "送达时间", "状态", "往返用时（工作日）",
]  # fmt: skip


def _workdays(calendar: Calendar, start, end) -> int | None:
    """Working days from one moment to a later one: those in (start's date, end's date], local time."""
    if not start or not end:
        return None
    first, last = (moment.astimezone(clock.SHANGHAI).date() for moment in (start, end))
    return calendar.workdays_between(first + ONE_DAY, last + ONE_DAY).days


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


@dataclass
class Register:
    date_from: dt.date
    date_to: dt.date
    rows: list[dict] = field(default_factory=list)
    villages: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def register_cases(user, *, agent: str | None, village: str | None, date_from, date_to) -> QuerySet[Case]:
    first_up = (
        HandoverCase.objects.filter(case=OuterRef("pk"), handover__direction=Direction.UP)
        .values("case")
        .annotate(at=Min("handover__created_at"))
        .values("at")
    )
    cases = proxy_cases_visible_to(user).filter(
        received_at__date__gte=date_from, received_at__date__lte=date_to
    )
    if agent:
        cases = cases.filter(submitted_by__username=agent)
    if village:
        region = Region.objects.filter(code=village).first()
        prefix = prefix_of(region.code, region.level) if region else village
        cases = cases.filter(village__code__startswith=prefix)
    return cases.annotate(handed_over_at=Subquery(first_up[:1])).order_by("received_at", "id")


def build_register(user, *, agent=None, village=None, date_from=None, date_to=None) -> Register:
    """The register for a period; every "days" figure is in working days (工作日)."""
    today = clock.today()
    calendars: dict[str, Calendar] = {}
    date_from = date_from or today.replace(day=1)
    date_to = date_to or today
    report = Register(date_from, date_to)
    for n, case in enumerate(
        register_cases(user, agent=agent, village=village, date_from=date_from, date_to=date_to), 1
    ):
        region = case.center.region_id
        calendar = calendars.get(region) or calendars.setdefault(region, current_calendar(region))
        report.rows.append(
            {
                "index": n,
                "number": case.number,
                "village": case.village.name if case.village else "",
                "village_code": case.village_id or "",
                "agent": case.submitted_by.display_name,
                "agent_username": case.submitted_by.username,
                "applicant": case.applicant_name,
                "item": case.item.name,
                "home_visit": case.proxy_home_visit,
                "state": case.state,
                "state_label": case.get_state_display(),
                "received_at": case.received_at,
                "handed_over_at": case.handed_over_at,
                "accepted_at": case.accepted_at,
                "completed_at": case.completed_at,
                "delivered_at": case.delivered_at,
                "intake_days": _workdays(calendar, case.received_at, case.accepted_at),
                "return_days": _workdays(calendar, case.completed_at, case.delivered_at),
                "days": _workdays(calendar, case.received_at, case.delivered_at),
            }
        )
    rows = report.rows
    report.totals = {
        "registered": len(rows),
        "home_visits": sum(r["home_visit"] for r in rows),
        "handed_over": sum(r["handed_over_at"] is not None for r in rows),
        "accepted": sum(r["accepted_at"] is not None for r in rows),
        "completed": sum(r["completed_at"] is not None for r in rows),
        "delivered": sum(r["delivered_at"] is not None for r in rows),
        "avg_intake_days": _mean(r["intake_days"] for r in rows),
        "avg_return_days": _mean(r["return_days"] for r in rows),
        "avg_days": _mean(r["days"] for r in rows),
    }
    by_village: dict[str, list[dict]] = {}
    for row in rows:
        by_village.setdefault(row["village_code"], []).append(row)
    overall = report.totals["avg_days"]
    for code, group in sorted(by_village.items()):
        avg_intake = _mean(r["intake_days"] for r in group)
        avg_return = _mean(r["return_days"] for r in group)
        avg_days = _mean(r["days"] for r in group)
        report.villages.append(
            {
                "code": code,
                "name": group[0]["village"],
                "count": len(group),
                "delivered": sum(r["delivered_at"] is not None for r in group),
                "avg_intake_days": avg_intake,
                "avg_return_days": avg_return,
                "avg_days": avg_days,
                # Slower than the period's average round trip by half again: worth a call to the village.
                "slow": bool(avg_days and overall and avg_days > overall * 1.5),
            }
        )
    return report


def _cell_time(value) -> str:
    return f"{value.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}" if value else ""


def _cells(values: list) -> list:
    # Names and items are typed by people: never a live formula, never a character that fails the ledger.
    return [safe_cell(v) for v in values]


def workbook(report: Register, title: str) -> bytes:
    """The layout a township files: title, period, one row per case, a totals row, then per village."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "代办登记台账"
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([f"统计期间：{report.date_from:%Y年%m月%d日}至{report.date_to:%Y年%m月%d日}"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    sheet.append(HEADERS)
    for row in report.rows:
        sheet.append(
            _cells([
                row["index"], row["number"], row["village"], row["agent"], row["applicant"] or "",
                row["item"],
                "是" if row["home_visit"] else "", _cell_time(row["received_at"]),
                _cell_time(row["handed_over_at"]), _cell_time(row["accepted_at"]),
                _cell_time(row["completed_at"]), _cell_time(row["delivered_at"]), row["state_label"],
                row["days"] if row["days"] is not None else "",
            ])
        )  # fmt: skip
    t = report.totals
    sheet.append(
        [
            "合计", f"登记{t['registered']}件", "", "", "", "", t["home_visits"], t["registered"],
            t["handed_over"], t["accepted"], t["completed"], t["delivered"], "",
            t["avg_days"] if t["avg_days"] is not None else "",
        ]
    )  # fmt: skip
    last = sheet.max_row
    for line in sheet.iter_rows(min_row=3, max_row=last):
        for cell in line:
            cell.border = box
    for cell in sheet[3] + sheet[last]:
        cell.font = Font(bold=True)
    widths = (6, 22, 12, 10, 10, 26, 6, 17, 17, 17, 17, 17, 10, 12)
    for letter, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"

    villages = book.create_sheet("分村统计")
    villages.append(
        [
            "村（社区）",
            "代办件数",
            "已送达",
            "平均受理用时（工作日）",
            "平均送达用时（工作日）",
            "平均往返用时（工作日）",
        ]  # fmt: skip
    )
    for v in report.villages:
        villages.append(
            _cells(
                [
                    v["name"],
                    v["count"],
                    v["delivered"],
                    v["avg_intake_days"],
                    v["avg_return_days"],
                    v["avg_days"],
                ]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
