"""The accountability ledgers (督办台账, 红黄牌台账) for a period and region, as rows and as Excel.

The desk's counts, the ledger pages and the workbooks all read these same querysets."""

import datetime as dt
import io

from openpyxl import Workbook

from bianmin.core.excel import safe_cell
from bianmin.supervision.models import Card, Order


def _in_region(qs, region_code: str):
    from bianmin.regions.models import Region

    if not region_code:
        return qs
    region = Region.objects.filter(code=region_code).first()
    return qs.filter(region_code__startswith=region.prefix) if region else qs.none()


def orders_in(base, date_from: dt.date, date_to: dt.date, region_code: str = ""):
    qs = base.filter(issued_at__date__gte=date_from, issued_at__date__lte=date_to)
    return (
        _in_region(qs, region_code)
        .select_related("department", "person", "center")
        .order_by("issued_at", "id")
    )


def cards_in(base, date_from: dt.date, date_to: dt.date, region_code: str = ""):
    qs = base.filter(issued_on__gte=date_from, issued_on__lte=date_to)
    return (
        _in_region(qs, region_code)
        .select_related("department", "person", "center", "order")
        .order_by("issued_on", "id")
    )


ORDER_HEAD = ["督办单号", "督办对象", "对象编号", "事由", "责任部门", "责任人", "下发日期", "回告期限", "回告日期",
              "按期回告", "状态", "亮牌", "层级", "退回次数"]  # fmt: skip
CARD_HEAD = ["日期", "颜色", "责任人", "责任部门", "中心", "事由", "督办单号", "状态", "申诉理由", "处理意见"]


def order_row(o: Order) -> list:
    on_time = {True: "是", False: "否", None: "—"}[o.answered_on_time]
    return [o.number, o.get_subject_kind_display(), o.subject_ref, o.reason, o.department.name if o.department else "",
            o.person.display_name if o.person else "", o.issued_at.date(), o.reply_due,
            o.answered_at.date() if o.answered_at else None, on_time, o.get_state_display(), o.get_card_display(),
            o.get_level_display(), o.returns]  # fmt: skip


def card_row(c: Card) -> list:
    return [c.issued_on, c.get_color_display(), c.person.display_name if c.person else "",
            c.department.name if c.department else "", c.center.name if c.center else "", c.label,
            c.order.number if c.order else "", c.get_state_display(), c.appeal_reason, c.decision]  # fmt: skip


def workbook(title: str, head: list[str], rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([safe_cell(h) for h in head])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
