"""The work-order lifecycle on one screen: for each step, the states it may start from (→ the state it leads
to; None keeps the state) and who may take it. Every pair not listed is refused with 409."""

from dataclasses import dataclass

from bianmin.inquiries.models import State

DISPATCHER = "dispatcher"  # clerk or director of the order's center (派单员)
DIRECTOR = "director"  # director of the order's center
DEPARTMENT = "department"  # approver of the department the order is dispatched to
OWNER = "owner"  # 首问负责: the person who registered it, until it is dispatched

R, D, H, A, C, X = (State.REGISTERED, State.DISPATCHED, State.HANDLING, State.ANSWERED, State.CALLED_BACK,
                    State.CLOSED)  # fmt: skip


@dataclass(frozen=True)
class Step:
    label: str
    moves: dict
    roles: frozenset


STEPS = {
    "dispatch": Step("派单", {R: D}, frozenset({DISPATCHER})),
    "accept": Step("签收", {D: H}, frozenset({DEPARTMENT})),
    "answer": Step("答复", {R: A, D: A, H: A}, frozenset({DISPATCHER, OWNER, DEPARTMENT})),
    "return": Step("退回重派", {D: R, H: R}, frozenset({DEPARTMENT})),
    "escalate": Step("上报县级部门", {R: D, D: D, H: D}, frozenset({DISPATCHER})),
    "extend": Step("延期", {R: None, D: None, H: None}, frozenset({DEPARTMENT, DIRECTOR})),
    "approve_extension": Step("批准延期", {R: None, D: None, H: None}, frozenset({DIRECTOR})),
    "callback": Step("回访", {A: None}, frozenset({DISPATCHER})),
    "close": Step("办结", {A: X, C: X}, frozenset({DISPATCHER})),
    "publish": Step("公开为常见问题", {A: None, C: None, X: None}, frozenset({DISPATCHER})),
}

LABELS = {
    "register": "登记",
    "reveal": "查看完整联系方式（留痕）",
    "upload": "上传附件",
    **{name: step.label for name, step in STEPS.items()},
}
