"""The one source of "now" for the whole code base (API.md: BIANMIN_NOW, honoured only with DEBUG on)."""

import datetime as dt
import os
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_pinned: dt.datetime | None = None


def _parse(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def now() -> dt.datetime:
    """The current time in Asia/Shanghai; pinned by tests, or by BIANMIN_NOW when DEBUG is on."""
    if _pinned is not None:
        return _pinned.astimezone(SHANGHAI)
    if settings.DEBUG and os.environ.get("BIANMIN_NOW"):
        return _parse(os.environ["BIANMIN_NOW"]).astimezone(SHANGHAI)
    return timezone.now().astimezone(SHANGHAI)


def today() -> dt.date:
    return now().date()


@contextmanager
def pinned(moment: dt.datetime | str):
    """Freeze now() for the duration of a block (tests, demos)."""
    global _pinned
    previous = _pinned
    _pinned = _parse(moment) if isinstance(moment, str) else moment
    try:
        yield _pinned
    finally:
        _pinned = previous
