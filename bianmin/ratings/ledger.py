"""差评整改台账: the workbook a township files — one row per 差评, personal data masked, every text cell
through safe_cell."""

import datetime as dt
import io

from bianmin.core.excel import safe_cell
from bianmin.ratings.models import LEVELS, Reached
from bianmin.ratings.services import mask_name

HEADERS = [
    "序号", "办件编号", "事项名称", "中心", "评价时间", "评价环节", "评价渠道", "评价等级", "评价标签",
    "评价内容", "评价人", "被评价人", "整改状态", "联系期限", "整改期限", "核实情况", "整改措施",
    "整改结果", "整改完成时间", "按期整改", "回访方式", "追评", "审核意见",
]  # fmt: skip


def _at(value) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def rows_of(rects) -> list[list]:
    out = []
    for n, rect in enumerate(rects, start=1):
        rating = rect.rating
        on_time = ""
        if rect.rectified_at:
            on_time = "是" if rect.rectified_at.date() <= rect.due else "否"
        out.append([
            n, rect.case.number, rect.case.item.name, rect.center.name, _at(rating.created_at),
            rating.get_stage_display(), rating.get_channel_display(), LEVELS[rating.level],
            "、".join(rating.tags or []), rating.comment, mask_name(rect.case.applicant_name),
            rating.staff.display_name if rating.staff_id else "", rect.get_state_display(),
            rect.contact_due.isoformat(), rect.due.isoformat(), rect.verification or rect.appeal_reason,
            rect.plan, rect.result, _at(rect.rectified_at), on_time,
            Reached(rect.callback_reached).label if rect.callback_reached else "",
            LEVELS.get(rect.followup_level or 0, ""), rect.decision_reason,
        ])  # fmt: skip
    return out


def workbook(rects, date_from: dt.date, date_to: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rects = rects.select_related("case__item", "center", "rating__staff").order_by("opened_at", "id")
    book = Workbook()
    sheet = book.active
    sheet.title = "差评整改台账"
    sheet.append([safe_cell(f"差评整改台账（{date_from:%Y年%m月%d日}—{date_to:%Y年%m月%d日}）")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([safe_cell(h) for h in HEADERS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows_of(rects.iterator(chunk_size=500)):
        sheet.append([safe_cell(v) for v in row])
    widths = (6, 22, 20, 16, 16, 14, 12, 10, 16, 30, 10, 10, 10, 12, 12, 30, 30, 30, 16, 8, 8, 10, 24)
    for column, width in zip("ABCDEFGHIJKLMNOPQRSTUVW", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
