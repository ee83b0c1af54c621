"""Who sees which orders, cards and warnings: one scoped read each, used by the desk, the API and the ledger.

A supervisor sees their subtree (by the region code stored on each row); a department's approvers the
orders and cards on their department; a center's director those of the center; everyone what names them.
"""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from bianmin.accounts.models import Role
from bianmin.accounts.scope import scope_of
from bianmin.supervision.models import WAITING_STATES, Card, Order, Warning

# subject kind -> fn(user) -> the refs (a values_list or list) of subjects this user must never see through
# supervision: the work order of a 举报 about them. Registered by the app that owns the subject.
CONCEALED: dict[str, Callable] = {}


def register_concealed(kind: str, fn: Callable) -> None:
    CONCEALED[kind] = fn


def _concealed_q(user) -> Q:
    """Rows about a subject hidden from this user: excluded from everything they can see or answer."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    parts = [Q(subject_kind=kind, subject_ref__in=fn(user)) for kind, fn in CONCEALED.items()]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _q(user, *, person: str = "person_id") -> Q:
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    return _visible_q(user, scope, person) & ~_concealed_q(user)


def _visible_q(user, scope, person: str) -> Q:
    parts = [Q(pk__in=[])]
    if user is not None and user.is_authenticated:
        parts.append(Q(**{person: user.pk}))
    if scope.region_prefixes and scope.has_role(Role.SUPERVISOR):
        parts.append(scope.region_q("region_code"))
    if scope.department_ids:
        parts.append(Q(department_id__in=scope.department_ids))
    if Role.DIRECTOR in scope.roles and scope.center_ids:
        parts.append(Q(center_id__in=scope.center_ids))
    return reduce(or_, parts)


def orders_visible_to(user) -> QuerySet[Order]:
    return Order.objects.filter(_q(user))


def cards_visible_to(user) -> QuerySet[Card]:
    return Card.objects.filter(_q(user))


def warnings_visible_to(user) -> QuerySet[Warning]:
    return Warning.objects.filter(_q(user))


def queue_for(user) -> QuerySet[Order]:
    """督办 queue: orders waiting for this person's (or their department's / center's) answer."""
    scope = scope_of(user)
    parts = [Q(person_id=user.pk)]
    if scope.department_ids:
        parts.append(Q(department_id__in=scope.department_ids))
    if Role.DIRECTOR in scope.roles and scope.center_ids:
        parts.append(Q(center_id__in=scope.center_ids))
    return Order.objects.filter(reduce(or_, parts), state__in=WAITING_STATES).exclude(_concealed_q(user))


def _conceals(user, row) -> bool:
    if row.subject_kind not in CONCEALED:
        return False
    return type(row).objects.filter(pk=row.pk).filter(_concealed_q(user)).exists()


def may_answer(user, order: Order) -> bool:
    scope = scope_of(user)
    if _conceals(user, order):
        return False
    return (
        order.person_id == user.pk
        or (order.department_id is not None and order.department_id in scope.department_ids)
        or (
            Role.DIRECTOR in scope.roles
            and order.center_id is not None
            and order.center_id in scope.center_ids
        )
    )


def may_review(user, row) -> bool:
    """Supervisors of the row's subtree (and administrators) accept, return, and decide appeals."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    return Role.SUPERVISOR in scope.roles and any(
        row.region_code.startswith(p) for p in scope.region_prefixes
    )


def may_appeal(user, card: Card) -> bool:
    scope = scope_of(user)
    if _conceals(user, card):
        return False
    return (
        card.person_id == user.pk
        or (card.department_id is not None and card.department_id in scope.department_ids)
        or (
            Role.DIRECTOR in scope.roles and card.center_id is not None and card.center_id in scope.center_ids
        )
    )


def may_issue(user) -> bool:
    return scope_of(user).has_role(Role.SUPERVISOR)
