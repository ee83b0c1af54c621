"""How supervision (电子监察) sees rectifications: the sweep's open items and the subject of a manual order."""

from django.urls import reverse


def subject(user, ref: str) -> dict | None:
    """A rectification (by its id) as the subject of a supervisor's manual order, through their scope."""
    from bianmin.ratings.services import actor_ids, rectifications_visible_to
    from bianmin.supervision.sweep import Party

    if not (str(ref).isascii() and str(ref).isdigit()) or len(str(ref)) > 18:
        return None
    rect = (
        rectifications_visible_to(user)
        .select_related("case__item", "center", "rating")
        .filter(pk=int(ref))
        .first()
    )
    if rect is None:
        return None
    users = actor_ids(rect)
    return {
        "case": rect.case,
        "label": f"差评整改：{rect.case.item.name}（办件{rect.case.number}）",
        "link": reverse("ratings:rectification", args=[rect.pk]),
        "party": Party(rect.department_id, users[0] if users else None, rect.center_id),
        "region_code": rect.center.region_id,
    }


def register() -> None:
    from bianmin.ratings.supervised import open_items
    from bianmin.supervision import services, sweep

    sweep.register_source("rating", open_items)
    services.register_subject("rating", subject)
