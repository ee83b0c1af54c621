"""Reads that depend on who is asking: the one scoped selector every list, page and action goes through.

Each branch filters with plain columns or `pk__in` subqueries, never a join that multiplies rows, so the
queryset needs no DISTINCT and can be locked (select_for_update) and counted cheaply.
"""

from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet

from bianmin.accounts.scope import scope_of
from bianmin.cases.clock import county_thresholds
from bianmin.cases.models import FINISHED_STATES, Case, Document, State, Task
from bianmin.catalog.models import Item


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
            Q(item__lead_department_id__in=depts),
            Q(item_id__in=joint_items),
            Q(pk__in=Task.objects.filter(department_id__in=depts).values("case_id")),
            # County approvers: cases township approvers sent up to their department.
            Q(escalated_to_id__in=depts),
        ]
    if scope.has_role("agent"):
        parts.append(Q(submitted_by_id=user.pk))
    for prefix in scope.region_prefixes:
        # Supervisors see a subtree by the center's region; an agent's village matches `village`.
        parts += [Q(center__region__code__startswith=prefix), Q(village__code__startswith=prefix)]
    return reduce(or_, parts)


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
    # Each county has its own yellow threshold (warning_of reads the case's county), so the boundary
    # between yellow and green is drawn per county: one branch per county with its own threshold, and
    # one for every other county on the default. Typically one or two branches.
    own, default = county_thresholds()

    def band(threshold: int) -> Q:
        green_from = calendar.add_workdays(today, threshold + 1).date
        if warning == "yellow":
            return Q(deadline__gte=today, deadline__lt=green_from)
        return Q(deadline__gte=green_from)

    # TODO(county column): filter on Case.county (12-digit code) once the Case model has it.
    def in_county(code: str) -> Q:
        return Q(center__region__code__startswith=code[:6])

    q = band(default)
    for code in own:
        q &= ~in_county(code)
    for code, threshold in own.items():
        q |= in_county(code) & band(threshold)
    return open_q & q
