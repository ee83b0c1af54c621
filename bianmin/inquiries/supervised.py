"""Open work orders with a deadline, for the supervision sweep (interfaces.md §2), streamed."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse

from bianmin.accounts.models import Post, Role
from bianmin.inquiries.models import OPEN_STATES, Kind, State, WorkOrder


def open_items(today: dt.date) -> Iterator[dict]:
    """One dict per open order: who must act now (the window before dispatch, the department after)."""
    window, department = defaultdict(list), defaultdict(list)
    posts = Post.objects.filter(is_active=True, role__in=[Role.CLERK, Role.DIRECTOR, Role.APPROVER])
    for user_id, role, center_id, department_id in posts.values_list(
        "user_id", "role", "center_id", "department_id"
    ):
        if role == Role.APPROVER and department_id:
            department[department_id].append(user_id)
        elif center_id:
            window[center_id].append(user_id)
    orders = (
        WorkOrder.objects.filter(state__in=OPEN_STATES)
        .select_related("center")
        .only(
            "number",
            "kind",
            "state",
            "due",
            "dispatch_due",
            "returned",
            "center_id",
            "center__region_id",
            "department_id",
            "owner_id",
            "concerned_user_id",
        )  # fmt: skip
        .order_by("pk")
    )
    for order in orders.iterator(chunk_size=500):
        waiting = order.state == State.REGISTERED
        # A 举报 about a person never reaches that person (the rule of notices._not_concerned).
        hidden = {order.concerned_user_id} if order.kind == Kind.REPORT and order.concerned_user_id else set()
        if waiting:
            # 首问负责: the one who registered it answers for it until it is dispatched.
            person = order.owner_id if order.owner_id not in hidden else None
            users = [person] if person else sorted(set(window.get(order.center_id, [])) - hidden)
        else:
            person = None  # dispatched: the department answers
            users = sorted(set(department.get(order.department_id, [])) - hidden)
        yield {
            "kind": "inquiry",
            "ref": order.number,
            "label": f"{order.get_kind_display()}工单 {order.number}（{order.get_state_display()}）",
            "due": order.dispatch_due if waiting and not order.returned else order.due,
            "center_id": order.center_id,
            "department_id": order.department_id,
            "user_ids": users,
            "person_id": person,
            "hidden_user_ids": sorted(hidden),
            "region_code": order.center.region_id,
            "link": reverse("inquiries:order", args=[order.number]),
        }
