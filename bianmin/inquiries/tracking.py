"""Public follow-up of a work order by number and query code: a wrong code answers like an unknown number,
and guesses are throttled with the cases' tracking rows (per address and number, and per address)."""

import hmac

from bianmin.cases.models import TrackFailure
from bianmin.cases.tracking import ADDRESS_CEILING, ADDRESS_LIMIT, WINDOW
from bianmin.core import clock
from bianmin.core.errors import NotFound, TooMany
from bianmin.core.throttle import wait_seconds, wait_text
from bianmin.inquiries.models import WorkOrder


def find_tracked(number: str, code: str | None, address: str) -> WorkOrder:
    recent = TrackFailure.objects.filter(at__gte=clock.now() - WINDOW)
    wait = max(
        wait_seconds(recent.filter(address=address[:64], number=number[:40]), ADDRESS_LIMIT, WINDOW),
        wait_seconds(recent.filter(address=address[:64]), ADDRESS_CEILING, WINDOW),
    )
    if wait:
        raise TooMany(f"查询过于频繁，{wait_text(wait)}")
    order = WorkOrder.objects.select_related("center").filter(number=number).first()
    if order is None or not code or not hmac.compare_digest(order.query_code.encode(), str(code).encode()):
        TrackFailure.objects.create(address=address[:64], number=number[:40], at=clock.now())
        raise NotFound("工单编号或查询码不正确")
    return order
