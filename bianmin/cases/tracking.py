"""Public tracking by case number and query code: no account, no personal data, guessing throttled.

A wrong code and an unknown number fail the same way (404), and each failure is counted, per address
and per number, so a six-digit code cannot be walked.
"""

import datetime as dt
import hmac

from bianmin.cases.actions import label_of
from bianmin.cases.models import Case, Event, TrackFailure
from bianmin.core import clock
from bianmin.core.errors import NotFound, TooMany

ADDRESS_LIMIT = 10  # failures from one address …
NUMBER_LIMIT = 20  # … or against one case number …
WINDOW = dt.timedelta(minutes=15)  # … inside this window → 429
# Internal steps (reading personal data, scans, an approver asking the director for more time) stay off.
INTERNAL_ACTIONS = frozenset({"reveal", "upload", "request_extension", "decline_extension"})


def find_tracked(number: str, code: str | None, address: str) -> Case:
    since = clock.now() - WINDOW
    recent = TrackFailure.objects.filter(at__gte=since)
    if (address and recent.filter(address=address).count() >= ADDRESS_LIMIT) or recent.filter(
        number=number[:40]
    ).count() >= NUMBER_LIMIT:
        raise TooMany("查询过于频繁，请稍后再试")
    case = Case.objects.select_related("item", "center").filter(number=number).first()
    # Compare in constant time, and the same answer for an unknown number and a wrong code.
    if case is None or not code or not hmac.compare_digest(case.query_code.encode(), str(code).encode()):
        TrackFailure.objects.create(address=address[:64], number=number[:40], at=clock.now())
        raise NotFound("办件编号或查询码不正确")
    return case


def timeline(case: Case) -> list[dict]:
    events = Event.objects.filter(case=case).exclude(action__in=INTERNAL_ACTIONS).order_by("at", "id")
    return [{"at": event.at, "label": label_of(event.action)} for event in events]
