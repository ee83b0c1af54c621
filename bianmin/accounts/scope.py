"""The one scoped selector: which regions, centers, departments and people a user may see and act in.

Every list, API endpoint, export and dashboard asks this module; no view filters by role on its own.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import OuterRef, Q, QuerySet

from bianmin.accounts import standins
from bianmin.accounts.models import Post, Role, User
from bianmin.regions.models import Center, Department, Region, prefix_of


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    # Region subtrees seen in full (supervisors; an agent's village).
    region_prefixes: tuple[str, ...] = ()
    # Centers a clerk or director works in.
    center_ids: frozenset[int] = frozenset()
    # Departments an approver works in.
    department_ids: frozenset[int] = frozenset()
    # Region subtrees of the centers and departments above, for reading what sits around them.
    work_prefixes: tuple[str, ...] = field(default=())
    # Region subtrees of the clerk's or director's centers alone: the villages whose agents they work with.
    center_prefixes: tuple[str, ...] = field(default=())
    # AB岗: whether the user is the B backup of some A holder (see accounts.standins).
    is_backup: bool = False

    @property
    def is_staff_member(self) -> bool:
        return self.is_admin or bool(self.roles)

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or any(r in self.roles for r in roles)

    # --- building blocks for other selectors -------------------------------------------------------
    def region_q(self, path: str) -> Q:
        """A filter on a region-code path (e.g. "center__region__code") for the supervised subtrees."""
        if self.is_admin:
            return Q()
        prefixes = self.region_prefixes
        if not prefixes:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{path}__startswith": p}) for p in prefixes))

    def _work_q(self, path: str) -> Q:
        prefixes = self.region_prefixes + self.work_prefixes
        if not prefixes:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{path}__startswith": p}) for p in prefixes))

    # --- what the user may see --------------------------------------------------------------------
    def regions(self) -> QuerySet[Region]:
        if self.is_admin:
            return Region.objects.all()
        return Region.objects.filter(self._work_q("code"))

    def centers(self) -> QuerySet[Center]:
        """Centers whose work the user sees: supervised subtrees, own centers and the stations below them."""
        if self.is_admin:
            return Center.objects.all()
        q = self.region_q("region__code") | Q(pk__in=self.center_ids) | Q(parent__in=self.center_ids)
        if self.department_ids:
            q |= Q(departments__in=self.department_ids)
        return Center.objects.filter(q).distinct()

    def departments(self) -> QuerySet[Department]:
        if self.is_admin:
            return Department.objects.all()
        q = self.region_q("region__code") | Q(pk__in=self.department_ids)
        if self.center_ids:
            q |= Q(center__in=self.center_ids)
        return Department.objects.filter(q)

    def staff(self) -> QuerySet[User]:
        """People holding an active post inside what this user sees.

        A supervisor: everyone posted in their subtree. A clerk or director: the people of their centers,
        of the departments there, and the agents of the villages around the center (they exchange handovers).
        An approver: the people of their own departments and of the centers those departments sit in — no
        agents, who work with the window, not with the departments. An agent: only themselves.
        """
        if self.is_admin:
            return User.objects.filter(posts__is_active=True).distinct()
        if not self.is_staff_member:
            return User.objects.none()
        if self.roles == {Role.AGENT}:
            return User.objects.filter(pk=self.user_id)
        posts = Post.objects.filter(is_active=True).filter(
            self.region_q("region__code")
            | Q(center__in=self.centers())
            | Q(department__in=self.departments())
            | (Q(role=Role.AGENT) & self._agent_region_q())
        )
        return User.objects.filter(pk__in=posts.values("user_id"))

    def _agent_region_q(self) -> Q:
        # A township clerk or director sees the agents of the villages around their center.
        prefixes = self.center_prefixes
        if not prefixes:
            return Q(pk__in=[])
        return reduce(or_, (Q(region__code__startswith=p) for p in prefixes))

    # --- what the user may act in -----------------------------------------------------------------
    def acts_in_center(self, center: Center) -> bool:
        return self.is_admin or center.pk in self.center_ids

    def acts_in_department(self, department: Department) -> bool:
        return self.is_admin or department.pk in self.department_ids

    def sees_region_code(self, code: str) -> bool:
        return self.is_admin or any(code.startswith(p) for p in self.region_prefixes + self.work_prefixes)


ANONYMOUS = Scope(user_id=None)


def scope_of(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_bianmin_scope", None)
    if cached is not None:
        return cached
    posts = Post.objects.filter(user=user, is_active=True).select_related(
        "region", "center__region", "department__region"
    )
    backs_up = standins.backup_expression(OuterRef("user_id"))
    if backs_up is not None:
        posts = posts.annotate(backs_up=backs_up)
    posts = list(posts)
    roles = frozenset(p.role for p in posts)
    is_admin = user.is_superuser or Role.ADMIN in roles
    region_prefixes, work_prefixes, center_prefixes, centers, departments = [], [], [], set(), set()
    for post in posts:
        if post.role in (Role.SUPERVISOR, Role.AGENT) and post.region:
            region_prefixes.append(post.region.prefix)
        elif post.role in (Role.CLERK, Role.DIRECTOR) and post.center:
            centers.add(post.center_id)
            work_prefixes.append(post.center.region.prefix)
            center_prefixes.append(post.center.region.prefix)
        elif post.role == Role.APPROVER and post.department:
            departments.add(post.department_id)
            work_prefixes.append(prefix_of(post.department.region.code, post.department.region.level))
    scope = Scope(
        user_id=user.pk,
        is_admin=is_admin,
        roles=roles,
        region_prefixes=tuple(sorted(set(region_prefixes))),
        center_ids=frozenset(centers),
        department_ids=frozenset(departments),
        work_prefixes=tuple(sorted(set(work_prefixes))),
        center_prefixes=tuple(sorted(set(center_prefixes))),
        is_backup=any(getattr(p, "backs_up", False) for p in posts),
    )
    user._bianmin_scope = scope
    return scope


def agent_village(user) -> Region | None:
    """The village an agent serves (their active agent post's region), or None."""
    post = Post.objects.filter(user=user, role=Role.AGENT, is_active=True).select_related("region").first()
    return post.region if post else None
