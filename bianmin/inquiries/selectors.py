"""Who sees which work orders, and whether they may see the person behind one (举报 confidentiality).

Every list, page, API answer and export asks here: out of scope is 404, and a confidential reporter is
shown only to the people who took the report in, never to the department or the person reported."""

from django.db.models import Q, QuerySet

from bianmin.accounts.models import Post, Role
from bianmin.accounts.scope import scope_of
from bianmin.inquiries.models import Kind, WorkOrder

HIDDEN = "（保密）"


def visibility_q(user) -> Q:
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    if not scope.is_staff_member:
        return Q(pk__in=[])
    q = Q(registered_by=user)
    if Role.SUPERVISOR in scope.roles:
        q |= scope.region_q("center__region__code")
    if scope.center_ids:
        q |= Q(center_id__in=scope.center_ids)
    if scope.department_ids:
        q |= Q(department_id__in=scope.department_ids)
    # A report about a person is never shown to that person.
    return q & ~Q(kind=Kind.REPORT, concerned_user=user)


def orders_visible_to(user) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(visibility_q(user)).select_related(
        "center", "department", "concerned_department", "concerned_user", "case"
    )


def order_for(user, number: str) -> WorkOrder | None:
    return orders_visible_to(user).filter(number=number[:40]).first()


def shows_person(order: WorkOrder, user) -> bool:
    """May `user` see who brought this order? Not for a confidential one unless they took it in."""
    if not order.confidential:
        return True
    if user is None or not user.is_authenticated:
        return (
            False  # no one signed in (the public answer to a 举报 sent online) sees a confidential reporter
        )
    scope = scope_of(user)
    if order.concerned_user_id and order.concerned_user_id == getattr(user, "pk", None):
        return False
    if scope.is_admin or Role.SUPERVISOR in scope.roles:
        return True
    if scope.department_ids:
        # Anyone in a department (the handling one, the one reported, any other) sees no reporter.
        return False
    if order.registered_by_id == user.pk:
        return True
    return order.center_id in scope.center_ids


def is_director_of(user, order: WorkOrder) -> bool:
    scope = scope_of(user)
    if scope.is_admin:
        return True
    return Post.objects.filter(
        user=user, role=Role.DIRECTOR, center_id=order.center_id, is_active=True
    ).exists()
