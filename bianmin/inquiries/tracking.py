"""Public follow-up of a work order by number and query code: a wrong code answers like an unknown number,
and guesses are throttled with the cases' tracking rows (per address and number, and per address)."""

from bianmin.cases.tracking import find_by_query_code
from bianmin.inquiries.models import WorkOrder


def find_tracked(number: str, code: str | None, address: str) -> WorkOrder:
    return find_by_query_code(
        WorkOrder.objects.select_related("center"), number, code, address, "工单编号或查询码不正确"
    )
