"""How supervision (电子监察) sees work orders: the sweep's open items and the subject of a manual order."""

from django.urls import reverse

from bianmin.accounts.models import Post, Role
from bianmin.inquiries.models import Kind, WorkOrder
from bianmin.inquiries.selectors import order_for


def subject(user, ref: str) -> dict | None:
    """A work order as the subject of a supervisor's manual order, through the supervisor's scope."""
    from bianmin.supervision.sweep import Party

    order = order_for(user, ref[:40])
    if order is None:
        return None
    department = order.department_id
    person = order.owner_id if order.department_id is None else None
    if person is not None and person in hidden_from(order.number):
        person = None
    if department and person is None:
        person = (
            Post.objects.filter(is_active=True, role=Role.APPROVER, department_id=department)
            .exclude(user_id__in=hidden_from(order.number))
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


def hidden_from(ref: str) -> set[int]:
    """The person a 举报 is about: never named, told or shown anything of it by supervision."""
    return set(
        WorkOrder.objects.filter(number=ref[:40], kind=Kind.REPORT, concerned_user__isnull=False).values_list(
            "concerned_user_id", flat=True
        )
    )


def concealed_refs(user):
    """The numbers of the 举报 about `user` (a subquery): supervision rows about them are not theirs to see."""
    return WorkOrder.objects.filter(kind=Kind.REPORT, concerned_user=user).values("number")


def register() -> None:
    from bianmin.inquiries.supervised import open_items
    from bianmin.supervision import selectors, services, sweep

    sweep.register_source("inquiry", open_items, hidden_from=hidden_from)
    services.register_subject("inquiry", subject)
    selectors.register_concealed("inquiry", concealed_refs)
