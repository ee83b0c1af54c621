"""Work-order figures for statistics and staff assessment (interfaces.md §1): counts in a region's subtree
over a closed period, and per person. Rates are floats 0..1, None when nothing to divide by."""

import datetime as dt

from django.db.models import Count, F, Q

from bianmin.inquiries.models import OPEN_STATES, Kind, WorkOrder
from bianmin.regions.models import Region, prefix_of

SATISFIED = (1, 2, 3)  # 非常满意, 满意, 基本满意
AGAINST = (Kind.COMPLAINT, Kind.REPORT)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _numbers(orders, date_from: dt.date, date_to: dt.date) -> dict:
    received = Q(registered_on__gte=date_from, registered_on__lte=date_to)
    answered = Q(answered_on__gte=date_from, answered_on__lte=date_to)
    asked = answered & ~Q(person_phone="")
    not_answered_by_end = Q(answered_on__isnull=True) | Q(answered_on__gt=date_to)
    totals = orders.aggregate(
        received=Count("pk", filter=received),
        answered=Count("pk", filter=answered),
        answered_on_time=Count("pk", filter=answered & Q(answered_on__lte=F("due"))),
        overdue_open=Count("pk", filter=Q(registered_on__lte=date_to, due__lt=date_to) & not_answered_by_end),
        to_call=Count("pk", filter=asked),
        called=Count("pk", filter=asked & Q(called_back_at__isnull=False)),
        rated=Count("pk", filter=answered & Q(callback_level__isnull=False)),
        satisfied=Count("pk", filter=answered & Q(callback_level__in=SATISFIED)),
        complaints_upheld=Count("pk", filter=answered & Q(upheld=True, kind__in=AGAINST)),
    )
    by_kind = dict(orders.filter(received).values_list("kind").annotate(n=Count("pk")).order_by())
    return {
        "received": totals["received"],
        "answered": totals["answered"],
        "answered_on_time": totals["answered_on_time"],
        "on_time_rate": _rate(totals["answered_on_time"], totals["answered"]),
        "overdue_open": totals["overdue_open"],
        "callback_rate": _rate(totals["called"], totals["to_call"]),
        "satisfaction_rate": _rate(totals["satisfied"], totals["rated"]),
        "by_kind": {kind: by_kind.get(kind, 0) for kind in Kind.values},
        "complaints_upheld": totals["complaints_upheld"],
    }


def figures(region_code: str, date_from: dt.date, date_to: dt.date) -> dict:
    """The subtree's work orders; plus `complaints_against`: complaints and reports received in the period,
    by the department ({code: n}) and the person ({user id: n}) they concern."""
    region = Region.objects.filter(code=region_code).first()
    prefix = prefix_of(region.code, region.level) if region else region_code
    orders = WorkOrder.objects.filter(center__region__code__startswith=prefix)
    result = _numbers(orders, date_from, date_to)
    against = orders.filter(kind__in=AGAINST, registered_on__gte=date_from, registered_on__lte=date_to)
    result["complaints_against"] = {
        "departments": dict(
            against.filter(concerned_department__isnull=False)
            .values_list("concerned_department__code")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "people": dict(
            against.filter(concerned_user__isnull=False)
            .values_list("concerned_user")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    }
    return result


def person_figures(user_ids: list[int], date_from: dt.date, date_to: dt.date) -> dict[int, dict]:
    """Per person: `received`/`by_kind`/`complaints_upheld` count orders about them (the person concerned);
    `answered`, on time, callback and satisfaction count the orders they answered; `overdue_open` the
    orders they still own (首问负责) past their deadline."""
    result = {}
    for user_id in user_ids:
        about = _numbers(WorkOrder.objects.filter(concerned_user_id=user_id), date_from, date_to)
        answered = _numbers(WorkOrder.objects.filter(answered_by_id=user_id), date_from, date_to)
        owned = WorkOrder.objects.filter(owner_id=user_id, state__in=OPEN_STATES, due__lt=date_to).count()
        result[user_id] = {
            "received": about["received"],
            "by_kind": about["by_kind"],
            "complaints_upheld": about["complaints_upheld"],
            "answered": answered["answered"],
            "answered_on_time": answered["answered_on_time"],
            "on_time_rate": answered["on_time_rate"],
            "callback_rate": answered["callback_rate"],
            "satisfaction_rate": answered["satisfaction_rate"],
            "overdue_open": owned,
        }
    return result
