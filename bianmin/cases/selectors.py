"""Reads that depend on who is asking: the one scoped selector every list, page and action goes through.

Each branch filters with plain columns or `pk__in` subqueries, never a join that multiplies rows, so the
queryset needs no DISTINCT and can be locked (select_for_update) and counted cheaply.
"""

from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet

from bianmin.accounts.scope import scope_of
from bianmin.cases.clock import yellow_threshold
from bianmin.cases.models import FINISHED_STATES, Case, Document, State, Task
from bianmin.catalog.models import Item
from bianmin.regions.models import Center


def visibility_q(user) -> Q:
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    parts = [Q(pk__in=[])]
    if user is not None and user.is_authenticated:
        # A citizen's own online applications.
        parts.append(Q(applicant_user_id=user.pk))
    if scope.center_ids:
        # Clerks and directors: everything their center handles.
        parts.append(Q(center_id__in=scope.center_ids))
    if scope.department_ids:
        depts = scope.department_ids
        joint_items = Item.joint_departments.through.objects.filter(department_id__in=depts).values("item_id")
        parts += [
            Q(lead_department_id__in=depts),
            Q(item_id__in=joint_items),
            Q(pk__in=Task.objects.filter(department_id__in=depts).values("case_id")),
            # County approvers: cases township approvers sent up to their department.
            Q(escalated_to_id__in=depts),
        ]
    if scope.has_role("agent"):
        parts.append(Q(submitted_by_id=user.pk))
    for prefix in scope.region_prefixes:
        # Supervisors see a subtree by the center's region; an agent's village matches `village`.
        parts += [subtree_q(prefix), Q(village__code__startswith=prefix)]
    return reduce(or_, parts)


def subtree_q(prefix: str) -> Q:
    """Cases handled by a center in the region subtree `prefix`, on the case's own indexed columns.

    A county (or wider) prefix is a plain comparison on `county`; a township or village prefix names the
    few centers there (a subquery on the small center table), so no LIKE join over the cases is needed.
    """
    if len(prefix) == 6:
        return Q(county=prefix + "000000")
    if len(prefix) < 6:
        # Codes are digits: the subtree is a range of county codes an index can walk.
        return Q(county__gte=prefix.ljust(12, "0"), county__lte=prefix.ljust(12, "9"))
    centers = Center.objects.filter(region__code__startswith=prefix).values("pk")
    return Q(county=prefix[:6] + "000000", center_id__in=centers)


def cases_visible_to(user) -> QuerySet[Case]:
    return Case.objects.filter(visibility_q(user))


def case_for(user, number: str) -> Case | None:
    """One visible case with what its page and JSON need, or None (callers answer 404)."""
    return (
        with_details(cases_visible_to(user).filter(number=number))
        .prefetch_related("events__actor", "materials__material", "attachments", "suspensions")
        .first()
    )


def with_details(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What every case row shows (item, center, tasks, documents) in a constant number of queries."""
    return queryset.select_related(
        "item", "center", "center__region", "item__lead_department"
    ).prefetch_related(
        Prefetch("tasks", queryset=Task.objects.select_related("department", "decided_by")),
        Prefetch("documents", queryset=Document.objects.only("id", "case_id", "kind", "title", "created_at")),
    )


def warning_q(warning: str, today, calendar) -> Q:
    """Cases whose light is `warning` today, as a filter; the API list and the queues share it."""
    # Mirrors worktime.warning_light so the filter and the light shown never disagree.
    open_q = ~Q(state__in=FINISHED_STATES | {State.SUSPENDED}) & Q(deadline__isnull=False)
    if warning == "none":
        return ~open_q
    if warning == "red":
        return open_q & Q(deadline__lt=today)
    green_from = calendar.add_workdays(today, yellow_threshold() + 1).date
    if warning == "yellow":
        return open_q & Q(deadline__gte=today, deadline__lt=green_from)
    return open_q & Q(deadline__gte=green_from)
