"""Reads for the proxy service that depend on who asks: handovers, an agent's cases, the register.

Handovers follow the case rule: an agent sees their village's, a township clerk the ones at their
center, a supervisor the subtree by region code; everyone else nothing (the API answers 404).
"""

from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet

from bianmin.accounts.models import Post, Role, User
from bianmin.accounts.scope import (
    agent_village,  # noqa: F401  (re-exported for the proxy views)
    scope_of,
)
from bianmin.cases.custody import CUSTODY_RELATED
from bianmin.cases.models import Case, Channel
from bianmin.cases.selectors import cases_visible_to
from bianmin.proxy.models import Handover, HandoverCase
from bianmin.regions.models import Center, CenterLevel
from bianmin.regions.selectors import station_of, township_of  # noqa: F401


def handover_q(user) -> Q:
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    parts = [Q(pk__in=[])]
    if scope.has_role(Role.AGENT):
        parts += [Q(agent_id=user.pk), Q(from_user_id=user.pk), Q(to_user_id=user.pk)]
    if scope.center_ids:
        parts.append(Q(township_id__in=scope.center_ids))
    for prefix in scope.region_prefixes:
        # Supervisors see their subtree; an agent's prefix is their village.
        parts.append(Q(village__code__startswith=prefix))
    return reduce(or_, parts)


def handovers_visible_to(user) -> QuerySet[Handover]:
    return Handover.objects.filter(handover_q(user))


def with_entries(queryset: QuerySet[Handover]) -> QuerySet[Handover]:
    """What a handover row shows (ends, people, cases) in a constant number of queries."""
    entries = HandoverCase.objects.select_related(
        "case", "case__item", "case__center", "received_by"
    ).order_by("id")
    return queryset.select_related(
        "from_user", "to_user", "from_center", "to_center", "township", "village", "agent"
    ).prefetch_related(Prefetch("entries", queryset=entries))


def handover_for(user, handover_id: int) -> Handover | None:
    return with_entries(handovers_visible_to(user).filter(pk=handover_id)).first()


def proxy_cases_visible_to(user) -> QuerySet[Case]:
    """Proxy cases the caller may see, with what custody and the lists need."""
    return (
        cases_visible_to(user)
        .filter(channel=Channel.PROXY)
        .select_related("item", "center", "village", *CUSTODY_RELATED)
    )


def open_entry_case_ids(case_ids) -> set[int]:
    """Cases waiting in a handover that is still open (in transit or partly received)."""
    return set(
        HandoverCase.objects.filter(
            case_id__in=case_ids,
            state__in=("pending", "missing"),
            handover__state__in=("in_transit", "partly_received"),
        ).values_list("case_id", flat=True)
    )


def agents_of(township: Center) -> QuerySet[User]:
    """The agents of the villages whose station hands over to this township center."""
    villages = Center.objects.filter(parent=township, level=CenterLevel.VILLAGE).values("region_id")
    posts = Post.objects.filter(role=Role.AGENT, is_active=True).filter(
        Q(region_id__in=villages) | Q(region__parent_id=township.region_id)
    )
    return User.objects.filter(pk__in=posts.values("user_id")).order_by("username")
