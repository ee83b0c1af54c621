"""The action registry: each case action declared once — label, input schema, document, confirmation, rules.

The lifecycle table (`bianmin/cases/lifecycle.py`) says which state allows which action and which roles
may take it; a declaration here says everything else about the action. The API (one endpoint per action,
each with its schema in the OpenAPI), the case page (its forms and labels) and the demo loader all
dispatch through `dispatch`, so fields and errors are mapped in one place: the schema.

Adding an action: a row in the table, one `@declare` in the topic module, and its test.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ninja import Schema
from pydantic import ValidationError

from bianmin.cases.actions.base import Acting, perform
from bianmin.core.errors import Invalid, validation_fields


class ActionBody(Schema):
    """What every action accepts: the version the caller saw (stale → 409)."""

    version: int | None = None


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    schema: type[ActionBody]
    run: Callable[..., None]
    topic: str
    # The document the action issues (printed right after it); None when it issues none.
    document: str | None = None
    # Irreversible steps ask "are you sure" on the page (refuse, deny, withdraw …).
    irreversible: bool = False
    # Whether the case's own data allows offering the step now (beyond state, role and guards).
    offer: Callable[[Acting], bool] | None = None
    # A presentation form in bianmin.cases.forms for inputs a generic form cannot show (material lists).
    form: str | None = None

    def __call__(self, user, ref, *, version=None, **payload):
        return perform(self, user, ref, version=version, **payload)


REGISTRY: dict[str, Action] = {}
# Labels of timeline events that are not table actions (receive, reveal, upload; other apps add theirs).
EVENT_LABELS: dict[str, str] = {}


def declare(
    name: str,
    *,
    label: str,
    schema: type[ActionBody] = ActionBody,
    document: str | None = None,
    irreversible: bool = False,
    offer: Callable[[Acting], bool] | None = None,
    form: str | None = None,
):
    """Decorator for an action's rules `run(act, **input)`; returns the callable service."""

    def wrap(run: Callable[..., None]) -> Action:
        if name in REGISTRY:
            raise ValueError(f"action {name!r} declared twice")
        topic = run.__module__.rsplit(".", 1)[-1]
        action = Action(name, label, schema, run, topic, document, irreversible, offer, form)
        REGISTRY[name] = action
        return action

    return wrap


def register_event_labels(labels: dict[str, str]) -> None:
    """Other apps name the timeline events they write (proxy: 代办员交件 …), once, from apps.ready()."""
    EVENT_LABELS.update(labels)


def label_of(action: str) -> str:
    if action in REGISTRY:
        return REGISTRY[action].label
    return EVENT_LABELS.get(action, action)


def event_label(event, *, standin: bool = True) -> str:
    """A timeline event's label: the action's, except an instant item accepted and completed at once;
    an act of a B backup for the A holder says so (B岗代办) unless `standin` is False."""
    data = event.data or {}
    label = "受理并办结" if event.action == "accept" and data.get("complete") else label_of(event.action)
    if standin and data.get("for"):
        from bianmin.accounts.standins import STANDIN_LABEL

        label = f"{label}（{STANDIN_LABEL}）"
    return label


def get(name: str) -> Action | None:
    return REGISTRY.get(name)


def validate(name: str, body: dict | ActionBody) -> ActionBody:
    """The action's input as its schema reads it; a type or bound error is a 422 naming the field."""
    action = REGISTRY[name]
    if isinstance(body, action.schema):
        return body
    try:
        return action.schema.model_validate(body or {})
    except ValidationError as exc:
        raise Invalid("输入有误", fields=validation_fields(exc.errors())) from exc


def dispatch(name: str, user, ref, body: dict | ActionBody):
    """Validate `body` with the action's schema, then perform it: what the API, pages and demo call."""
    data = validate(name, body)
    payload = data.model_dump(exclude={"version"})
    return REGISTRY[name](user, ref, version=data.version, **payload)


def available_actions(user, case) -> list[str]:
    """The steps this viewer may take on the case now: the table (state, role), the declaration's own
    rule (class, tasks, extension) and the guards other apps subscribed — the checks `perform` makes."""
    from bianmin.accounts.scope import scope_of
    from bianmin.cases import hooks, lifecycle
    from bianmin.cases.actions.base import acting_role
    from bianmin.core import clock

    scope, now = scope_of(user), clock.now()
    names = []
    for name in lifecycle.ACTIONS:
        step = lifecycle.transition(case.state, name)
        action = REGISTRY.get(name)
        if step is None or action is None:
            continue
        role, holder, acting_scope = acting_role(scope, user, case, name, step[1])
        if role is None:
            continue
        act = Acting(case, user, acting_scope, role, name, case.state, step[0], now)
        act.standin_for = holder
        if action.offer is not None and not action.offer(act):
            continue
        if not hooks.passes_guards(hooks.Acted(name, case, user, role)):
            continue
        names.append(name)
    return names
