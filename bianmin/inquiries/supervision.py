"""How supervision (电子监察) sees work orders: the sweep's open items and the subject of a manual order."""

from django.urls import reverse

from bianmin.accounts.models import Post, Role
from bianmin.inquiries.selectors import order_for


def subject(user, ref: str) -> dict | None:
    """A work order as the subject of a supervisor's manual order, through the supervisor's scope."""
    from bianmin.supervision.sweep import Party

    order = order_for(user, ref[:40])
    if order is None:
        return None
    department = order.department_id
    person = order.owner_id if order.department_id is None else None
    if department and person is None:
        person = (
            Post.objects.filter(is_active=True, role=Role.APPROVER, department_id=department)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .first()
        )
    return {
        "case": None,
        "label": f"工单{order.number}",
        "link": reverse("inquiries:order", args=[order.number]),
        "party": Party(department, person, order.center_id),
        "region_code": order.center.region_id,
    }


def register() -> None:
    from bianmin.inquiries.supervised import open_items
    from bianmin.supervision import services, sweep

    sweep.register_source("inquiry", open_items)
    services.register_subject("inquiry", subject)
