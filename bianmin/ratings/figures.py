"""Rating figures for a region's centers or for people, over a closed period (interfaces.md #1).

Ratings count by the day they were given; finished cases (for 主动评价率) by their completion day; a
rectification's outcome belongs to its rating's day. Denominators: satisfaction over all ratings;
rectification and callback over the 差评 not found invalid; follow-up satisfaction over the callbacks
that recorded a 追评. Rates are 0..1, None when the denominator is 0.
"""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q

from bianmin.cases.models import Case, State
from bianmin.core import clock
from bianmin.ratings.models import BAD_LEVELS, DONE_STATES, GOOD_LEVELS, Rating, RectState
from bianmin.regions.models import Center, Region

KEYS = (
    "count", "rated_share", "satisfaction_rate", "bad", "bad_rectified", "bad_rectified_on_time",
    "rectification_rate", "callback_rate", "followup_satisfaction_rate",
)  # fmt: skip


def _bounds(date_from: dt.date, date_to: dt.date):
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=clock.SHANGHAI)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    return start, end


def _rate(part: int, whole: int):
    return part / whole if whole else None


def _aggregate(ratings) -> dict:
    bad = Q(level__in=BAD_LEVELS)
    valid_bad = bad & ~Q(rectification__state=RectState.INVALID)
    done = valid_bad & Q(rectification__state__in=DONE_STATES)
    return ratings.aggregate(
        count=Count("id"),
        good=Count("id", filter=Q(level__in=GOOD_LEVELS)),
        bad=Count("id", filter=bad),
        valid_bad=Count("id", filter=valid_bad),
        bad_rectified=Count("id", filter=done),
        on_time=Count("id", filter=done & Q(rectification__rectified_at__date__lte=F("rectification__due"))),
        called_back=Count("id", filter=valid_bad & Q(rectification__state=RectState.CALLED_BACK)),
        followups=Count("id", filter=Q(rectification__followup_level__isnull=False)),
        followups_good=Count("id", filter=Q(rectification__followup_level__in=GOOD_LEVELS)),
        rated_cases=Count("case", distinct=True),
    )


def _shape(row: dict, finished: int, rated_finished: int) -> dict:
    return {
        "count": row["count"],
        "rated_share": _rate(rated_finished, finished),
        "satisfaction_rate": _rate(row["good"], row["count"]),
        "bad": row["bad"],
        "bad_rectified": row["bad_rectified"],
        "bad_rectified_on_time": row["on_time"],
        "rectification_rate": _rate(row["bad_rectified"], row["valid_bad"]),
        "callback_rate": _rate(row["called_back"], row["valid_bad"]),
        "followup_satisfaction_rate": _rate(row["followups_good"], row["followups"]),
    }


def _finished(start, end, *where, **match) -> tuple[int, int]:
    """(cases finished in [start, end) among `where`/`match`, those rated at least once) in one pass: the
    finished cases are read off the (center, completed_at) index and each probes its ratings by case,
    instead of a DISTINCT over a join."""
    cases = Case.objects.filter(
        *where,
        **match,
        state__in=[State.COMPLETED, State.DELIVERED],
        completed_at__gte=start,
        completed_at__lt=end,
    )
    row = cases.aggregate(
        finished=Count("id"),
        rated=Count("id", filter=Q(Exists(Rating.objects.filter(case_id=OuterRef("pk"))))),
    )
    return row["finished"], row["rated"]


def figures(region_code: str, date_from: dt.date, date_to: dt.date, *, rated_share: bool = True) -> dict:
    """The region's figures; `rated_share=False` leaves 主动评价率 out (None) and skips counting the
    period's finished cases, the one read here that grows with a county's completions."""
    region = Region.objects.filter(code=str(region_code)[:12]).first()
    if region is None:
        return _shape(_aggregate(Rating.objects.none()), 0, 0)
    start, end = _bounds(date_from, date_to)
    # The region's centers by id (a handful), so both reads use their (center, time) indexes instead of
    # joining every row to its center's region.
    centers = list(Center.objects.filter(region__code__startswith=region.prefix).values_list("id", flat=True))
    ratings = Rating.objects.filter(center_id__in=centers, created_at__gte=start, created_at__lt=end)
    if not rated_share:
        return _shape(_aggregate(ratings), 0, 0)
    return _shape(_aggregate(ratings), *_finished(start, end, center_id__in=centers))


def center_figures(center_id: int, date_from: dt.date, date_to: dt.date) -> dict:
    """The same figures for one center (the public board)."""
    start, end = _bounds(date_from, date_to)
    ratings = Rating.objects.filter(center_id=center_id, created_at__gte=start, created_at__lt=end)
    return _shape(_aggregate(ratings), *_finished(start, end, center_id=center_id))


def department_figures(department_id: int, date_from: dt.date, date_to: dt.date) -> dict:
    """The same figures for one department: the ratings of the cases it led or (county) decided."""
    start, end = _bounds(date_from, date_to)
    ratings = Rating.objects.filter(department_id=department_id, created_at__gte=start, created_at__lt=end)
    led = Q(escalated_to_id=department_id) | Q(escalated_to__isnull=True, lead_department_id=department_id)
    return _shape(_aggregate(ratings), *_finished(start, end, led))


def person_figures(user_ids: list[int], date_from: dt.date, date_to: dt.date) -> dict[int, dict]:
    """Per staff member: the ratings of the stages they handled (rated_share: None, not per person)."""
    start, end = _bounds(date_from, date_to)
    out = {}
    for user_id in user_ids:
        ratings = Rating.objects.filter(staff_id=user_id, created_at__gte=start, created_at__lt=end)
        out[user_id] = _shape(_aggregate(ratings), 0, 0)
    return out
