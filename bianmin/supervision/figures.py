"""Supervision figures for statistics and assessment (interfaces.md #1): orders and cards of a region's subtree
in a closed period, and the same per person."""

import datetime as dt

from django.db.models import Count, Q

from bianmin.regions.models import Region
from bianmin.supervision.models import WAITING_STATES, Card, CardColor, CardState, Order

KEYS = ("orders", "orders_answered_on_time", "orders_open", "yellow_cards", "red_cards")
# A card withdrawn on appeal is no longer on the record.
COUNTED = ~Q(state=CardState.WITHDRAWN)


def _prefix(region_code: str) -> str:
    region = Region.objects.filter(code=region_code).first()
    return region.prefix if region else region_code


def _orders(orders) -> dict:
    return orders.aggregate(
        orders=Count("id"),
        orders_answered_on_time=Count("id", filter=Q(answered_on_time=True)),
        orders_open=Count("id", filter=Q(state__in=WAITING_STATES)),
    )


def _cards(cards) -> dict:
    return cards.filter(COUNTED).aggregate(
        yellow_cards=Count("id", filter=Q(color=CardColor.YELLOW)),
        red_cards=Count("id", filter=Q(color=CardColor.RED)),
    )


def figures(region_code: str, date_from: dt.date, date_to: dt.date) -> dict:
    prefix = _prefix(region_code)
    orders = Order.objects.filter(
        region_code__startswith=prefix, issued_at__date__gte=date_from, issued_at__date__lte=date_to
    )
    cards = Card.objects.filter(
        region_code__startswith=prefix, issued_on__gte=date_from, issued_on__lte=date_to
    )
    return {**_orders(orders), **_cards(cards)}


def person_figures(user_ids: list[int], date_from: dt.date, date_to: dt.date) -> dict[int, dict]:
    """Per person: the orders addressed to them and the cards on them in the period."""
    out = {uid: dict.fromkeys(KEYS, 0) for uid in user_ids}
    orders = Order.objects.filter(
        person_id__in=user_ids, issued_at__date__gte=date_from, issued_at__date__lte=date_to
    )
    for row in orders.values("person_id").annotate(
        orders=Count("id"),
        orders_answered_on_time=Count("id", filter=Q(answered_on_time=True)),
        orders_open=Count("id", filter=Q(state__in=WAITING_STATES)),
    ):
        out[row.pop("person_id")].update(row)
    cards = Card.objects.filter(
        COUNTED, person_id__in=user_ids, issued_on__gte=date_from, issued_on__lte=date_to
    )
    for row in cards.values("person_id").annotate(
        yellow_cards=Count("id", filter=Q(color=CardColor.YELLOW)),
        red_cards=Count("id", filter=Q(color=CardColor.RED)),
    ):
        out[row.pop("person_id")].update(row)
    return out
