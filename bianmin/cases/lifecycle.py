"""The case lifecycle as data: (state, action) → (next state, roles allowed), on one screen.

Every pair not in the table is refused with 409. The roles say who may act at all; the services then
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
    (S.COMPLETED,            "deliver"):            (S.DELIVERED,            frozenset({CLERK, AGENT})),
    **{(state, "withdraw"): (S.WITHDRAWN, frozenset({CLERK, APPLICANT})) for state in OPEN},
}
# fmt: on

ACTIONS = (
    "accept",
    "request_supplement",
    "supplement",
    "refuse",
    "suspend",
    "resume",
    "extend",
    "request_extension",
    "decline_extension",
    "approve",
    "deny",
    "escalate",
    "complete",
    "deliver",
    "withdraw",
)

ACTION_LABELS = {
    "receive": "收件",
    "accept": "受理",
    "request_supplement": "一次性告知补正",
    "supplement": "补正材料",
    "refuse": "不予受理",
    "suspend": "暂停计时",
    "resume": "恢复计时",
    "extend": "延长办理期限",
    "request_extension": "申请延期",
    "decline_extension": "驳回延期申请",
    "approve": "会签同意",
    "deny": "会签不同意",
    "escalate": "初审上报",
    "complete": "办结",
    "deliver": "送达",
    "withdraw": "撤回申请",
    "reveal": "查看完整证件号码",
    "upload": "上传扫描件",
}


def transition(state: str, action: str) -> tuple[str, frozenset[str]] | None:
    """The (next state, roles) for an action in a state, or None when the state does not allow it."""
    return TRANSITIONS.get((state, action))


def allowed_actions(state: str) -> list[str]:
    return [action for action in ACTIONS if (state, action) in TRANSITIONS]
