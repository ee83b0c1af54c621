"""How other apps react to a case action without the action calling them: three subscription points.

Every action (the table's, plus receive, upload and reveal) publishes one `Acted` (action, case, actor,
event) at three points:

- ``guard``: before anything is written, after scope, version, state and role were checked. A guard may
  refuse with the project's error (``Conflict`` …); nothing is written then. Pages ask the same guards to
  decide which steps to offer, so a step a guard would refuse is never shown.
- ``in_transaction``: after the state, the event and the documents were written, inside the action's
  transaction — for what must commit or roll back with it (custody moves, statistics rollups,
  rectification records).
- ``after_commit``: once the transaction committed — messages and background tasks. A failure here never
  undoes the action.

Subscribers register at import time of their app's ``apps.ready()``; ``cases`` imports none of them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

GUARD, IN_TRANSACTION, AFTER_COMMIT = "guard", "in_transaction", "after_commit"
POINTS = (GUARD, IN_TRANSACTION, AFTER_COMMIT)


@dataclass
class Acted:
    """What an action publishes: its name, the case (locked, as written), who acted and as what."""

    action: str
    case: object
    actor: object
    role: str
    event: object = None  # the timeline Event (None at the guard point: nothing written yet)
    data: dict = field(default_factory=dict)  # the action's input, as validated


@dataclass(frozen=True)
class Subscriber:
    point: str
    handler: Callable[[Acted], None]
    actions: frozenset[str] | None  # None: every action

    def wants(self, action: str) -> bool:
        return self.actions is None or action in self.actions


_subscribers: list[Subscriber] = []


def subscribe(point: str, actions: Iterable[str] | None = None):
    """Decorator: ``@subscribe(AFTER_COMMIT, ["accept"])`` runs the function after an accept commits."""
    if point not in POINTS:
        raise ValueError(f"unknown hook point {point!r}")

    def register(handler: Callable[[Acted], None]) -> Callable[[Acted], None]:
        entry = Subscriber(point, handler, frozenset(actions) if actions is not None else None)
        if entry not in _subscribers:
            _subscribers.append(entry)
        return handler

    return register


def subscribers(point: str, action: str) -> list[Subscriber]:
    return [s for s in _subscribers if s.point == point and s.wants(action)]


def publish(point: str, acted: Acted) -> None:
    """Run the subscribers of one point; after-commit ones are queued on the current transaction."""
    for entry in subscribers(point, acted.action):
        if point == AFTER_COMMIT:
            transaction.on_commit(lambda handler=entry.handler: handler(acted))
        else:
            entry.handler(acted)


def passes_guards(acted: Acted) -> bool:
    """Whether every guard lets the action through now (for pages deciding which steps to offer)."""
    from bianmin.core.errors import ApiError

    try:
        publish(GUARD, acted)
    except ApiError:
        return False
    return True
