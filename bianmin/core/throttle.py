"""Sliding-window throttles over failure rows (failed logins, tracking guesses): is a limit reached, and
for how long, told in Chinese."""

import datetime as dt
import math

from django.db.models import QuerySet

from bianmin.core import clock


def wait_seconds(failures: QuerySet, limit: int, window: dt.timedelta) -> int:
    """0 when `failures` (rows with an `at`, already cut to the window) are under `limit`; else the seconds
    until enough of them leave the window to let one more try through."""
    count = failures.count()
    if count < limit:
        return 0
    # The throttle lifts when the (count - limit + 1)-th oldest failure leaves the window. Rows may vanish
    # between the count and this read (a success clears them): then read what is there, or let it pass.
    times = list(failures.order_by("at").values_list("at", flat=True)[: count - limit + 1])
    if len(times) < count - limit + 1:
        return 0
    pivot = times[-1]
    return max(1, math.ceil((pivot + window - clock.now()).total_seconds()))


def wait_text(seconds: int) -> str:
    """ "请 N 分钟后再试" (at least one minute, rounded up)."""
    return f"请 {max(1, math.ceil(seconds / 60))} 分钟后再试"
