"""What the agent's phone keeps for working with no signal: the changes feed behind
GET /api/v1/proxy/changes. Everything here goes through the agent's scoped selectors, so a phone can
only ever hold its own village's cases and handovers, and its own township's items.

The cursor is opaque to the phone: the last timeline event it has seen (every change to a case is an
event, nothing is deleted) and the time of the sync (items are re-published with a new time). A plain
ISO time is accepted too. Overlap is harmless: the phone stores by number and id, so a row sent twice
replaces itself."""

import base64
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Max, Prefetch

from bianmin.accounts.models import Role
from bianmin.accounts.scope import scope_of
from bianmin.cases.actions import event_label
from bianmin.cases.actions.intake import _choice_values
from bianmin.cases.custody import agent_holds, custody_of
from bianmin.cases.models import Event
from bianmin.catalog.models import Field, Material
from bianmin.catalog.selectors import published_items
from bianmin.core import clock
from bianmin.core.errors import Forbidden, Invalid
from bianmin.duty.models import WeeklyDuty
from bianmin.proxy import services
from bianmin.proxy.selectors import (
    agent_village,
    handovers_visible_to,
    open_entry_case_ids,
    proxy_cases_visible_to,
    station_of,
    township_of,
    with_entries,
)

MAX_CASES = 300
MAX_HANDOVERS = 50
MAX_EVENTS = 30  # the latest of each case's timeline: what the phone shows
BUCKET_LABELS = {
    "to_hand_over": "待交接",
    "at_township": "在镇里",
    "to_bring_back": "待带回",
    "delivered": "已送达",
    "closed": "已结束",
}


@dataclass(frozen=True)
class Cursor:
    event_id: int
    at: dt.datetime


def encode(cursor: Cursor) -> str:
    raw = json.dumps({"e": cursor.event_id, "t": cursor.at.isoformat()}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(value: str | None) -> Cursor | None:
    """The phone's `since`: our opaque cursor, or an ISO 8601 time; anything else is a 422 on `since`."""
    if not value:
        return None
    value = value.strip()[:200]
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        at = None
    if at is not None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=clock.SHANGHAI)
        _within_bounds(at)
        first = Event.objects.filter(at__gte=at).order_by("id").values_list("id", flat=True).first()
        return Cursor(event_id=(first - 1) if first else _last_event_id(), at=at)
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        cursor = Cursor(event_id=int(data["e"]), at=dt.datetime.fromisoformat(data["t"]))
    except (ValueError, TypeError, KeyError, json.JSONDecodeError, UnicodeDecodeError):
        raise Invalid("since 无效", fields={"since": "应为上次同步返回的 cursor，或 ISO 8601 时间"}) from None
    if cursor.event_id < 0 or cursor.event_id > 2**62 or cursor.at.tzinfo is None:
        raise Invalid("since 无效", fields={"since": "应为上次同步返回的 cursor，或 ISO 8601 时间"})
    _within_bounds(cursor.at)
    return cursor


# A phone's last sync lies in these years; far-off dates (0001-01-01, 9999-12-31 with an offset) would overflow
# when converted to UTC, so they are a 422 on `since`, checked on the wall time before any conversion.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _within_bounds(at: dt.datetime) -> None:
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise Invalid(
            "since 无效",
            fields={"since": f"时间应在 {FIRST_YEAR}-01-01 至 {LAST_YEAR + 1}-01-01 之间"},
        )


def _last_event_id() -> int:
    return Event.objects.aggregate(m=Max("id"))["m"] or 0


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def case_json(user, case, waiting: set[int]) -> dict:
    where = custody_of(case)
    bucket = services.bucket_of(case, waiting)
    events = list(case.events.all())[-MAX_EVENTS:]
    return {
        "number": case.number,
        "query_code": case.query_code,
        "item": {"code": case.item.code, "name": case.item.name},
        "applicant": case.applicant_name,
        "home_visit": case.proxy_home_visit,
        "mandate": case.proxy_mandate,
        "state": case.state,
        "state_label": case.get_state_display(),
        "bucket": bucket,
        "bucket_label": BUCKET_LABELS[bucket],
        "mine": bool(agent_holds(user, case)),
        "location": where["location_label"],
        "holder": where["holder"],
        "received_at": _iso(case.received_at),
        "deadline": _iso(case.deadline),
        "outcome": case.outcome or None,
        "version": case.version,
        "photos": len(case.attachments.all()),
        "events": [{"at": _iso(e.at), "label": event_label(e), "note": e.note} for e in events],
    }


def handover_json(h) -> dict:
    return {
        "id": h.pk,
        "direction": h.direction,
        "direction_label": h.get_direction_display(),
        "state": h.state,
        "state_label": h.get_state_display(),
        "created_at": _iso(h.created_at),
        "closed_at": _iso(h.closed_at),
        "cases": [
            {
                "number": e.case.number,
                "item": e.case.item.name,
                "applicant": e.case.applicant_name,
                "state": e.state,
                "state_label": e.get_state_display(),
                "note": e.note,
            }
            for e in h.entries.all()
        ],
    }


def item_json(item) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "version": item.version,
        "promised_limit_days": item.promised_limit_days,
        "materials": [
            {
                "id": m.pk,
                "name": m.name,
                "originals": m.originals,
                "copies": m.copies,
                "required": m.required,
                "deferrable": m.deferrable,
            }
            for m in item.materials.all()
        ],
        "fields": [
            {
                "code": f.code,
                "label": f.label,
                "datatype": f.datatype,
                "required": f.required,
                "choices": _choice_values(f.choices),
                "help_text": f.help_text,
            }
            for f in item.fields.all()
        ],
    }


def changes(user, since: Cursor | None) -> dict:
    """What changed for this agent since the cursor (everything when there is none)."""
    if Role.AGENT not in scope_of(user).roles:
        raise Forbidden("只有村级代办员使用离线代办")
    village = agent_village(user)
    township = village and township_of(village)
    station = village and station_of(village)
    # Read the cursor first: whatever commits while we read is sent again next time, never lost.
    cursor = Cursor(event_id=_last_event_id(), at=clock.now())
    cases = proxy_cases_visible_to(user)
    handovers = handovers_visible_to(user)
    if since is not None:
        changed = Event.objects.filter(id__gt=since.event_id).values("case_id")
        cases = cases.filter(pk__in=changed)
        handovers = handovers.filter(entries__case_id__in=changed).distinct()
    cases = list(
        cases.prefetch_related(
            Prefetch("events", queryset=Event.objects.order_by("at", "id")), "attachments"
        ).order_by("-received_at", "-id")[:MAX_CASES]
    )
    waiting = open_entry_case_ids([c.pk for c in cases])
    handovers = list(with_entries(handovers.order_by("-created_at", "-id"))[:MAX_HANDOVERS])
    offered = published_items(township.region if township else None).filter(proxy=True) if township else None
    items, item_codes = [], []
    if offered is not None:
        item_codes = list(offered.values_list("code", flat=True))
        fresh = offered if since is None else offered.filter(published_at__gt=since.at)
        items = list(
            fresh.prefetch_related(
                Prefetch("materials", queryset=Material.objects.order_by("position", "id")),
                Prefetch("fields", queryset=Field.objects.order_by("position", "id")),
            )
        )
    return {
        "cursor": encode(cursor),
        "full": since is None,
        "synced_at": _iso(cursor.at),
        "agent": {
            "username": user.username,
            "name": user.display_name,
            "village": {"code": village.code, "name": village.name} if village else None,
            "station": station.name if station else None,
            "township": {"code": township.code, "name": township.name} if township else None,
        },
        "cases": [case_json(user, c, waiting) for c in cases],
        "handovers": [handover_json(h) for h in handovers],
        "items": [item_json(i) for i in items],
        "item_codes": item_codes,
        "duty_days": [
            {
                "weekday": d.weekday,
                "weekday_label": d.get_weekday_display(),
                "hours": d.hours,
                "place": d.place,
            }
            for d in WeeklyDuty.objects.filter(user=user).order_by("weekday")
        ],
    }
