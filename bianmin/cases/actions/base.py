"""The frame every case action runs in: one scoped locking read, the ordered checks, the event, the hooks.

`perform` is the only way a table action runs: find the case through the caller's scope and lock it in
one query (not visible → 404), check the optimistic `version` (stale → 409), look the (state, action)
pair up in the lifecycle table (→ 409), find the caller's role for this case (→ 403), ask the guards
other apps subscribed (→ their error), then run the action's own rules and writes (→ 422 / 409), move
the state, append the timeline event, issue the declared documents and publish to the hooks — in one
transaction. Nothing is written before every check passed.

The locking read also loads what the answer shows (item, center, custody, tasks, materials, documents,
events, scans); writes keep those loaded lists current, so the caller answers without reading again.
"""

import copy
import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch

from bianmin.accounts import standins
from bianmin.accounts.models import Role
from bianmin.accounts.scope import Scope, scope_of
from bianmin.cases import hooks, lifecycle
from bianmin.cases.chain import GENESIS
from bianmin.cases.clock import current_calendar
from bianmin.cases.documents import issue_document
from bianmin.cases.lifecycle import AGENT, APPLICANT, APPROVER, CLERK, DIRECTOR, PREVIOUS
from bianmin.cases.models import Case, Channel, Event, State, Suspension
from bianmin.cases.selectors import MATERIALS_IN_ORDER, TASKS_IN_ORDER, cases_visible_to
from bianmin.catalog.models import CaseClass
from bianmin.core import clock
from bianmin.core.errors import Conflict, Forbidden, NotFound

# What the locking read joins in (one row per case, so the lock stays on the case row alone) …
LOCK_RELATED = (
    "item",
    "item__lead_department",
    "item__escalate_to",
    "center",
    "center__region",
    "custody",
    "submitted_by",
    "escalated_to",
)


def answer_prefetches() -> tuple:
    """… and what it prefetches for the answer: the lists a case page and the case JSON show."""
    # Each list in its own order without the models' default `case` ordering, which would join the case
    # table back in (ORDER BY the case's received_at) for rows of one case.
    return (
        Prefetch("tasks", queryset=TASKS_IN_ORDER),
        Prefetch("materials", queryset=MATERIALS_IN_ORDER),
        "documents",
        "events",
        "attachments",
        Prefetch("suspensions", queryset=Suspension.objects.order_by("started_on", "id")),
    )


def text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


@dataclass
class Acting:
    """One action under way: the locked case, who acts as what, and what the action's rules decided."""

    case: Case
    user: object
    scope: Scope
    role: str
    action: str
    from_state: str
    to_state: str
    now: dt.datetime
    note: str = ""
    data: dict = field(default_factory=dict)
    # The declared document's extra data, and any further documents (kind, extra) the rules issue.
    document: dict = field(default_factory=dict)
    more_documents: list[tuple[str, dict]] = field(default_factory=list)
    # Set by the rules when the step issues another document than the declared one (受理并办结).
    document_kind: str | None = None
    event: Event | None = None
    # AB岗: the A holder this backup acts for (with the holder's scope and rights), or None.
    standin_for: object = None

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def calendar(self):
        return current_calendar(self.case.center.region)

    def also_issue(self, kind: str, **extra) -> None:
        self.more_documents.append((kind, extra))


def ref_number(ref) -> str:
    return ref.number if isinstance(ref, Case) else str(ref)


def lock(user, ref, *, for_answer: bool = True) -> Case:
    """The case through the caller's scope, locked, with what the answer needs: one query plus prefetches."""
    cases = (
        cases_visible_to(user)
        .filter(number=ref_number(ref)[:40])
        .order_by()  # one row by its unique number: no ORDER BY
        # of=("self",): lock the case row only, not the item and center joined in.
        .select_for_update(of=("self",))
        .select_related(*LOCK_RELATED)
    )
    if for_answer:
        cases = cases.prefetch_related(*answer_prefetches())
    found = list(cases[:1])
    if not found:
        raise NotFound("未找到该办件")
    case = found[0]
    if for_answer:
        # The timeline was read under the lock: its last event is the chain's head (no second read).
        events = loaded(case, "events")
        case._chain_head = max(events, key=lambda e: e.pk).hash if events else GENESIS
    case._as_locked = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}
    case._as_locked["answers"] = copy.deepcopy(case.answers)
    return case


def save_changes(case: Case) -> None:
    """Write the columns the action changed (compared with the row as locked), not all sixty."""
    before = getattr(case, "_as_locked", None)
    if before is None:
        case.save()
        return
    changed = [
        f.name
        for f in Case._meta.concrete_fields
        if not f.primary_key and getattr(case, f.attname) != before[f.attname]
    ]
    case.save(update_fields=changed)
    before.update({f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields})
    before["answers"] = copy.deepcopy(case.answers)


def release(case: Case) -> None:
    """The action's transaction is over: what it held about the locked row no longer holds."""
    case.__dict__.pop("_chain_head", None)
    case.__dict__.pop("_as_locked", None)


def approver_departments(scope: Scope, case: Case, action: str) -> set[int]:
    """The caller's departments that may act on this case for this action."""
    mine = set(scope.department_ids)
    if action in ("approve", "deny"):
        return mine & {t.department_id for t in case.tasks.all()}
    county_stage = case.state == State.ESCALATED or (
        case.state == State.SUSPENDED and case.resume_to == State.ESCALATED
    )
    if county_stage:
        return mine & {case.escalated_to_id}
    return mine & {case.item.lead_department_id}


def may_act_as(role: str, scope: Scope, user, case: Case, action: str) -> bool:
    if role == CLERK:
        if action == "complete" and case.case_class != CaseClass.INSTANT:
            return False  # the window completes instant cases only
        return Role.CLERK in scope.roles and case.center_id in scope.center_ids
    if role == DIRECTOR:
        return Role.DIRECTOR in scope.roles and case.center_id in scope.center_ids
    if role == APPROVER:
        return Role.APPROVER in scope.roles and bool(approver_departments(scope, case, action))
    if role == AGENT:
        if action == "deliver" and case.channel != Channel.PROXY:
            return False
        return Role.AGENT in scope.roles and case.submitted_by_id == user.pk
    if role == APPLICANT:
        return case.applicant_user_id is not None and case.applicant_user_id == user.pk
    return False


ROLE_ORDER = (CLERK, APPROVER, DIRECTOR, AGENT, APPLICANT)


def role_for(scope: Scope, user, case: Case, action: str, roles) -> str | None:
    """The first role the table allows that the caller holds for this very case (admin acts as admin)."""
    role = next((r for r in ROLE_ORDER if r in roles and may_act_as(r, scope, user, case, action)), None)
    if role is None and scope.is_admin:
        role = "admin"
    return role


def standin_role(user, case: Case, action: str, roles) -> tuple[str | None, object, Scope | None]:
    """AB岗: the role an A holder this user stands in for now (see accounts.standins) holds for this case.

    Asked only when the caller has no role of their own; returns (role, holder, holder's scope)."""
    for holder in standins.acting_for(user):
        holder_scope = scope_of(holder)
        role = next(
            (r for r in ROLE_ORDER if r in roles and may_act_as(r, holder_scope, holder, case, action)), None
        )
        if role is not None:
            return role, holder, holder_scope
    return None, None, None


def acting_role(scope: Scope, user, case: Case, action: str, roles) -> tuple[str | None, object, Scope]:
    """The caller's own role for the step, else a stand-in's (role, holder, the scope to act in)."""
    role = role_for(scope, user, case, action, roles)
    if role is not None:
        return role, None, scope
    role, holder, holder_scope = standin_role(user, case, action, roles)
    return role, holder, holder_scope or scope


def any_role(scope: Scope, case: Case, user) -> str:
    """The role under which the caller acts on a case outside the table (receive, reveal, upload)."""
    for role in (CLERK, DIRECTOR, APPROVER, AGENT):
        if role in scope.roles:
            return role
    if scope.is_admin:
        return "admin"
    if scope.roles:
        return sorted(scope.roles)[0]
    return APPLICANT


def begin(user, ref, action: str, version: int | None, label: str) -> Acting:
    """Find (404), lock, version (409), state (409) and role (403) — in that order, nothing written yet."""
    scope = scope_of(user)
    case = lock(user, ref)
    if version is not None and version != case.version:
        raise Conflict("办件已被他人修改，请刷新后重试", code="stale_version")
    step = lifecycle.transition(case.state, action)
    if step is None:
        raise Conflict(f"办件当前为“{case.get_state_display()}”，不能{label}", code="invalid_state")
    to_state, roles = step
    role, holder, scope = acting_role(scope, user, case, action, roles)
    if role is None:
        raise Forbidden(f"您无权对该办件执行“{label}”")
    if to_state == PREVIOUS:
        to_state = case.resume_to
    act = Acting(case, user, scope, role, action, case.state, to_state, clock.now())
    act.standin_for = holder
    return act


def record_event(case, user, role, action, from_state, to_state, note="", data=None) -> Event:
    """Append one timeline event, and keep the case's loaded timeline (if any) current."""
    event = Event.objects.create(
        case=case,
        at=clock.now(),
        actor=user if getattr(user, "pk", None) else None,
        actor_name=getattr(user, "display_name", "") or "",
        role=role,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
    loaded(case, "events").append(event)
    return event


def loaded(case: Case, name: str) -> list:
    """The case's prefetched list `name`, to append to after a write; a throwaway list when not loaded.

    The prefetch cache is a QuerySet whose results are in memory: appending there keeps `.all()` current
    while `.filter()` still reads the database."""
    cache = getattr(case, "_prefetched_objects_cache", None)
    if cache is None or name not in cache or cache[name]._result_cache is None:
        return []
    return cache[name]._result_cache


def preload(case: Case, **lists) -> None:
    """Mark a case's related lists as loaded with these rows (a new case: nothing to read back)."""
    cache = case.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in lists.items():
        queryset = getattr(case, name).all()
        queryset._result_cache, queryset._prefetch_done = list(rows), True
        cache[name] = queryset


def issue(case: Case, kind: str, **extra):
    document = issue_document(case, kind, **extra)
    loaded(case, "documents").append(document)
    return document


def publish(point: str, act: Acting, payload: dict) -> None:
    hooks.publish(point, hooks.Acted(act.action, act.case, act.user, act.role, act.event, payload))


def perform(action, user, ref, *, version=None, **payload) -> Case:
    """Run one declared action (see `bianmin.cases.actions.registry`) in one transaction."""
    act = None
    try:
        with transaction.atomic():
            act = begin(user, ref, action.name, version, action.label)
            publish(hooks.GUARD, act, payload)
            action.run(act, **payload)
            if act.standin_for is not None:
                # B岗代办: who acted is the event's actor; for whom, its data (the label says B岗代办).
                holder = act.standin_for
                act.data = {**act.data, "for": holder.username, "for_name": holder.display_name}
            case = act.case
            case.state = act.to_state
            case.version += 1
            save_changes(case)
            act.event = record_event(
                case, act.user, act.role, act.action, act.from_state, act.to_state, act.note, act.data
            )
            if act.document_kind or action.document:
                issue(case, act.document_kind or action.document, **act.document)
            for kind, extra in act.more_documents:
                issue(case, kind, **extra)
            publish(hooks.IN_TRANSACTION, act, payload)
            publish(hooks.AFTER_COMMIT, act, payload)
    finally:
        if act is not None:
            release(act.case)
    return case
