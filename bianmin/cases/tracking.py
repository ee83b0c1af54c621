"""Public tracking by case number and query code: no account, no personal data, guessing throttled.

A wrong code and an unknown number fail the same way (404), and each failure is counted per (address,
number) with a ceiling per address, so a six-digit code cannot be walked and nobody locks out a number.
"""

import datetime as dt
import hmac

from bianmin.cases.lifecycle import ACTION_LABELS
from bianmin.cases.models import Case, Event, TrackFailure
from bianmin.core import clock
from bianmin.core.errors import NotFound, TooMany
from bianmin.core.throttle import wait_seconds, wait_text

ADDRESS_LIMIT = 10  # failures from one address against one case number …
ADDRESS_CEILING = 30  # … or from one address against any numbers …
WINDOW = dt.timedelta(minutes=15)  # … inside this window → 429
# Never per number alone: guesses from elsewhere must not lock a case number for its own applicant.
# Internal steps (reading personal data, scans, an approver asking the director for more time) stay off.
PUBLIC_ACTIONS = set(ACTION_LABELS) - {"reveal", "upload", "request_extension", "decline_extension"}


def find_tracked(number: str, code: str | None, address: str) -> Case:
    recent = TrackFailure.objects.filter(at__gte=clock.now() - WINDOW)
    wait = max(
        wait_seconds(recent.filter(address=address[:64], number=number[:40]), ADDRESS_LIMIT, WINDOW),
        wait_seconds(recent.filter(address=address[:64]), ADDRESS_CEILING, WINDOW),
    )
    if wait:
        raise TooMany(f"查询过于频繁，{wait_text(wait)}")
    case = Case.objects.select_related("item", "center").filter(number=number).first()
    # Compare in constant time, and the same answer for an unknown number and a wrong code.
    if case is None or not code or not hmac.compare_digest(case.query_code.encode(), str(code).encode()):
        TrackFailure.objects.create(address=address[:64], number=number[:40], at=clock.now())
        raise NotFound("办件编号或查询码不正确")
    return case


def timeline(case: Case) -> list[dict]:
    events = Event.objects.filter(case=case, action__in=PUBLIC_ACTIONS).order_by("at", "id")
    return [{"at": event.at, "label": ACTION_LABELS[event.action]} for event in events]
