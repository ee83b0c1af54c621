"""Open rectifications with a deadline, for the supervision sweep (interfaces.md #2)."""

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from bianmin.ratings.models import OPEN_STATES, Rectification
from bianmin.ratings.services import actor_ids


def open_items(today: dt.date) -> Iterator[dict]:
    rows = (
        Rectification.objects.filter(state__in=OPEN_STATES)
        .select_related("center", "case__item", "rating")
        .order_by("pk")
    )
    for rect in rows.iterator(chunk_size=500):
        yield {
            "kind": "rating",
            "ref": str(rect.pk),
            "label": f"差评整改：{rect.case.item.name}（{rect.get_state_display()}）",
            "due": rect.current_due,
            "center_id": rect.center_id,
            "department_id": rect.department_id,
            "user_ids": actor_ids(rect),
            "region_code": rect.center.region_id,
            "link": reverse("ratings:rectification", args=[rect.pk]),
        }
