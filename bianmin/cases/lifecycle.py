"""The case lifecycle as data: (state, action) → (next state, roles allowed), on one screen.

Every pair not in the table is refused with 409. What each action needs and does is declared once in
`bianmin/cases/actions/` (label, input schema, document, rules); this table only says when and by whom. The roles say who may act at all; the services then
check the finer rule for each role (the clerk of *this* center, the approver of *this* department,
the agent who registered *this* case). "applicant" is the citizen account that applied online.
"""

from bianmin.cases.models import State as S

CLERK, DIRECTOR, APPROVER, AGENT, APPLICANT = "clerk", "director", "approver", "agent", "applicant"
PREVIOUS = "previous"  # resume returns to the state the case was suspended from

OPEN = (S.RECEIVED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.SUSPENDED, S.ESCALATED)

# fmt: off
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (S.RECEIVED,             "accept"):             (S.ACCEPTED,             frozenset({CLERK})),
    (S.RECEIVED,             "request_supplement"): (S.SUPPLEMENT_REQUESTED, frozenset({CLERK})),
    (S.RECEIVED,             "refuse"):             (S.REFUSED,              frozenset({CLERK})),
    (S.SUPPLEMENT_REQUESTED, "supplement"):         (S.RECEIVED,             frozenset({CLERK, AGENT, APPLICANT})),
    (S.SUPPLEMENT_REQUESTED, "refuse"):             (S.REFUSED,              frozenset({CLERK})),
    (S.ACCEPTED,             "suspend"):            (S.SUSPENDED,            frozenset({APPROVER, DIRECTOR})),
    (S.ESCALATED,            "suspend"):            (S.SUSPENDED,            frozenset({APPROVER, DIRECTOR})),
    (S.SUSPENDED,            "resume"):             (PREVIOUS,               frozenset({APPROVER, DIRECTOR})),
    (S.ACCEPTED,             "extend"):             (S.ACCEPTED,             frozenset({DIRECTOR})),
    (S.ESCALATED,            "extend"):             (S.ESCALATED,            frozenset({DIRECTOR})),
    (S.ACCEPTED,             "request_extension"):  (S.ACCEPTED,             frozenset({APPROVER})),
    (S.ESCALATED,            "request_extension"):  (S.ESCALATED,            frozenset({APPROVER})),
    (S.ACCEPTED,             "decline_extension"):  (S.ACCEPTED,             frozenset({DIRECTOR})),
    (S.ESCALATED,            "decline_extension"):  (S.ESCALATED,            frozenset({DIRECTOR})),
    (S.ACCEPTED,             "approve"):            (S.ACCEPTED,             frozenset({APPROVER})),
    (S.ACCEPTED,             "deny"):               (S.ACCEPTED,             frozenset({APPROVER})),
    (S.ACCEPTED,             "escalate"):           (S.ESCALATED,            frozenset({APPROVER})),
    (S.ACCEPTED,             "complete"):           (S.COMPLETED,            frozenset({APPROVER, CLERK})),
    (S.ESCALATED,            "complete"):           (S.COMPLETED,            frozenset({APPROVER})),
    (S.ESCALATED,            "send_back"):          (S.ACCEPTED,             frozenset({APPROVER})),
    (S.COMPLETED,            "deliver"):            (S.DELIVERED,            frozenset({CLERK, AGENT})),
    **{(state, "withdraw"): (S.WITHDRAWN, frozenset({CLERK, APPLICANT})) for state in OPEN},
}
# fmt: on

# Every table action, in the order the table names them (the case page offers them in this order). Each
# is declared once, with its label, input and document, in bianmin/cases/actions (a test checks both
# name the same actions).
ACTIONS = tuple(dict.fromkeys(action for _, action in TRANSITIONS))


def transition(state: str, action: str) -> tuple[str, frozenset[str]] | None:
    """The (next state, roles) for an action in a state, or None when the state does not allow it."""
    return TRANSITIONS.get((state, action))


def allowed_actions(state: str) -> list[str]:
    return [action for action in ACTIONS if (state, action) in TRANSITIONS]
