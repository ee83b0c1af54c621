"""Reads that depend on who is asking: the one scoped selector every list, page and action goes through.

Each branch filters with plain columns or `pk__in` subqueries, never a join that multiplies rows, so the
queryset needs no DISTINCT and can be locked (select_for_update) and counted cheaply.
"""

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet

from bianmin.accounts import standins
from bianmin.accounts.scope import scope_of
from bianmin.cases.clock import county_thresholds
from bianmin.cases.models import FINISHED_STATES, Case, CaseMaterial, Document, State, Suspension, Task
from bianmin.catalog.models import Item
from bianmin.core import clock
from bianmin.regions.models import Center


def visibility_q(user) -> Q:
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    parts = [Q(pk__in=[])]
    if user is not None and user.is_authenticated:
        # A citizen's own online applications.
        parts.append(Q(applicant_user_id=user.pk))
    parts += _work_parts(scope)
    if scope.has_role("agent"):
        parts.append(Q(submitted_by_id=user.pk))
    for prefix in scope.region_prefixes:
        # Supervisors see a subtree by the center's region; an agent's village matches `village`.
        parts += [subtree_q(prefix), Q(village__code__startswith=prefix)]
    if scope.is_staff_member:
        # AB岗: a B backup sees the work of the A holders they back up (acting needs the holder away).
        for holder in standins.holders_backed_by(user):
            holder_scope = scope_of(holder)
            parts += _work_parts(holder_scope)
            if holder_scope.has_role("agent"):
                parts.append(Q(submitted_by_id=holder.pk))
    return reduce(or_, parts)


def _work_parts(scope) -> list[Q]:
    """The cases a scope's centers (clerks, directors) and departments (approvers) work on."""
    parts = []
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
    return parts


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
        .prefetch_related(
            "events__actor",
            Prefetch("materials", queryset=MATERIALS_IN_ORDER),
            "attachments",
            Prefetch("suspensions", queryset=Suspension.objects.order_by("started_on", "id")),
        )
        .order_by()
        .first()
    )


# A case's tasks and material rows in their own order. The models' default ordering starts with `case`,
# which for rows of one case only joins the case table back in to sort by it.
TASKS_IN_ORDER = Task.objects.select_related("department", "decided_by").order_by("department__code", "id")
MATERIALS_IN_ORDER = CaseMaterial.objects.select_related("material").order_by(
    "material__position", "material_id"
)


def with_details(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What every case row shows (item, center, tasks, documents) in a constant number of queries."""
    return queryset.select_related(
        "item", "center", "center__region", "item__lead_department"
    ).prefetch_related(
        Prefetch("tasks", queryset=TASKS_IN_ORDER),
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

    def in_county(code: str) -> Q:
        return Q(county=code)

    q = band(default)
    for code in own:
        q &= ~in_county(code)
    for code, threshold in own.items():
        q |= in_county(code) & band(threshold)
    return open_q & q


def filter_cases(
    cases: QuerySet[Case],
    *,
    today,
    calendar,
    q: str | None = None,
    state: str | None = None,
    case_class: str | None = None,
    warning: str | None = None,
    center: str | None = None,
    item: str | None = None,
    received_from=None,
    received_to=None,
    name: str | None = None,
    id_tail: str | None = None,
    phone_tail: str | None = None,
    number: str | None = None,
    item_name: str | None = None,
) -> QuerySet[Case]:
    """The list filters the API, the queue pages and the search share; dates are ranges an index can
    serve, and the ID and phone tails are stored columns (set at intake) indexed with the center."""
    if name := (name or "").strip():
        cases = cases.filter(applicant_name__contains=name)
    if id_tail := (id_tail or "").strip().upper():
        cases = cases.filter(applicant_id_tail=id_tail)
    if phone_tail := (phone_tail or "").strip():
        cases = cases.filter(applicant_phone_tail=phone_tail)
    if number := (number or "").strip():
        cases = cases.filter(number__icontains=number)
    if item_name := (item_name or "").strip():
        cases = cases.filter(Q(item__name__contains=item_name) | Q(item__code=item_name))
    if state:
        cases = cases.filter(state=state)
    if case_class:
        cases = cases.filter(case_class=case_class)
    if warning:
        cases = cases.filter(warning_q(warning, today, calendar))
    if center:
        cases = cases.filter(center__code=center)
    if item:
        cases = cases.filter(item__code=item)
    if q := (q or "").strip():
        cases = cases.filter(
            Q(number__icontains=q) | Q(applicant_name__icontains=q) | Q(applicant_id_number=q.upper())
        )
    if received_from and received_from > dt.date.min:
        # (Midnight of 0001-01-01 in Shanghai is before year 1 in UTC: no case is older anyway.)
        cases = cases.filter(received_at__gte=_start_of(received_from))
    if received_to and received_to < dt.date.max:
        cases = cases.filter(received_at__lt=_start_of(received_to + dt.timedelta(days=1)))
    return cases


def _start_of(day) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


def latest_documents(case: Case) -> list[Document]:
    """One document per kind, the latest issued (the PDF address is per kind), from the loaded rows."""
    latest: dict[str, Document] = {}
    for document in sorted(case.documents.all(), key=lambda d: (d.created_at, d.pk)):
        latest[document.kind] = document
    return list(latest.values())


def document_for(user, number: str, kind: str) -> Document | None:
    """The latest document of a kind on a case the caller may see, or None (callers answer 404)."""
    from bianmin.cases.documents import KINDS

    if kind not in KINDS:
        return None
    return (
        Document.objects.filter(
            case__in=cases_visible_to(user).filter(number=number[:40]).values("pk"), kind=kind
        )
        .order_by("-created_at", "-id")
        .first()
    )
