"""Attendance for the staff assessment (issue 16): per person, from the roster, the sign-ins and the leaves.

A rostered day counts `present` when the person signed in that day, `late` when that sign-in came after the
center's start time plus its grace minutes, and `absent` when the day is over (before today) with neither a
sign-in nor a leave (请假) recorded for it. Days off the roster are not counted.
"""

import datetime as dt

from django.db.models import Q

from bianmin.core import clock
from bianmin.duty.models import Attendance, RosterEntry, Status, Whereabouts
from bianmin.duty.services import day_start


def attendance(user_ids, date_from: dt.date, date_to: dt.date) -> dict[int, dict]:
    """{user_id: {"days_on_roster", "present", "late", "absent"}} over the closed period; three queries."""
    ids = list(user_ids)
    out = {uid: {"days_on_roster": 0, "present": 0, "late": 0, "absent": 0} for uid in ids}
    if not ids or date_to < date_from:
        return out
    rostered = set(
        RosterEntry.objects.filter(user_id__in=ids, day__gte=date_from, day__lte=date_to).values_list(
            "user_id", "day"
        )
    )
    signed = dict(
        ((uid, day), late)
        for uid, day, late in Attendance.objects.filter(
            user_id__in=ids, day__gte=date_from, day__lte=date_to
        ).values_list("user_id", "day", "late")
    )
    leaves: dict[int, list[tuple[dt.date, dt.date]]] = {}
    period_start, period_end = day_start(date_from), day_start(date_to + dt.timedelta(days=1))
    rows = Whereabouts.objects.filter(user_id__in=ids, status=Status.LEAVE, set_at__lt=period_end).filter(
        Q(until__gte=period_start) | Q(until__isnull=True, set_at__gte=period_start)
    )
    for uid, set_at, until in rows.values_list("user_id", "set_at", "until"):
        first = set_at.astimezone(clock.SHANGHAI).date()
        last = until.astimezone(clock.SHANGHAI).date() if until else first
        leaves.setdefault(uid, []).append((first, last))
    today = clock.today()
    for uid, day in rostered:
        row = out[uid]
        row["days_on_roster"] += 1
        if (uid, day) in signed:
            row["present"] += 1
            row["late"] += int(signed[uid, day])
        elif day < today and not any(a <= day <= b for a, b in leaves.get(uid, ())):
            row["absent"] += 1
    return out
