"""The departments' decisions: joint sign-off (会签), first review sent up (上报), and completion (办结)."""

from typing import Literal

from pydantic import Field

from bianmin.cases.actions.base import Acting
from bianmin.cases.actions.base import text as _text
from bianmin.cases.actions.registry import ActionBody, declare
from bianmin.cases.documents import denial_word
from bianmin.cases.lifecycle import APPROVER
from bianmin.cases.models import Location, Outcome, State, TaskState
from bianmin.catalog.models import CaseClass
from bianmin.core.errors import Conflict, Forbidden, Invalid
from bianmin.core.schemas import ACTION_REQUIRES, Text


class ApproveIn(ActionBody):
    department: str | None = Field(None, max_length=24, title="会签部门")
    opinion: Text = Field("", max_length=2000, title="会签意见")


class DenyIn(ActionBody):
    department: str | None = Field(None, max_length=24, title="会签部门")
    reason: Text = Field("", max_length=2000, title="不同意的理由", json_schema_extra=ACTION_REQUIRES)


class EscalateIn(ActionBody):
    opinion: Text = Field("", max_length=2000, title="初审意见", json_schema_extra=ACTION_REQUIRES)


class CompleteIn(ActionBody):
    outcome: Literal["approved", "denied"] | None = Field(None, title="办理结果")
    result: Text = Field("", max_length=2000, title="结果说明")
    reason: Text = Field("", max_length=2000, title="不予许可理由（不予许可时必填）")


def _pending_for_viewer(act: Acting) -> bool:
    """A joint case with a task still open for one of the viewer's departments (any, for an admin)."""
    if act.case.case_class != CaseClass.JOINT:
        return False
    pending = {t.department_id for t in act.case.tasks.all() if t.state == TaskState.PENDING}
    return bool(pending) and (act.scope.is_admin or bool(pending & act.scope.department_ids))


def _decide(act: Acting, decision: str, reason: str, department: str | None, opinion: str = "") -> None:
    """联办会签: one joint department's approver approves or denies that department's part."""
    case = act.case
    if case.case_class != CaseClass.JOINT:
        raise Conflict("不是联办件，无需会签", code="not_joint")
    tasks = sorted(case.tasks.all(), key=lambda t: t.department.code)
    if department:
        tasks = [t for t in tasks if t.department.code == department]
        if not tasks:
            raise Invalid("该办件没有此部门的会签任务", fields={"department": "不是该办件的会签部门"})
        if act.role == APPROVER and not any(t.department_id in act.scope.department_ids for t in tasks):
            # Another department's part: known to the caller (they see the case), but not theirs to decide.
            raise Forbidden("只能会签本部门的任务")
    if act.role == APPROVER:
        tasks = [t for t in tasks if t.department_id in act.scope.department_ids]
    task = next((t for t in tasks if t.state == TaskState.PENDING), None)
    if task is None:
        raise Conflict("本部门已会签", code="task_decided")
    if decision == "deny" and not _text(reason):
        raise Invalid("不同意须写明理由", fields={"reason": "请写明不同意的理由"})
    task.state = TaskState.APPROVED if decision == "approve" else TaskState.DENIED
    task.decided_by, task.decided_at, task.reason = act.user, act.now, _text(reason)
    task.opinion = _text(opinion)
    task.save()
    act.note = task.reason or task.opinion
    act.data = {"department": task.department.code}


@declare("approve", label="会签同意", schema=ApproveIn, offer=_pending_for_viewer, form="ApproveForm")
def approve(act: Acting, *, department: str | None = None, opinion: str = "") -> None:
    _decide(act, "approve", "", department, opinion)


@declare(
    "deny", label="会签不同意", schema=DenyIn, offer=_pending_for_viewer, irreversible=True, form="DenyForm"
)
def deny(act: Acting, *, reason: str = "", department: str | None = None) -> None:
    _decide(act, "deny", reason, department)


@declare(
    "escalate",
    label="初审上报",
    schema=EscalateIn,
    offer=lambda act: act.case.case_class == CaseClass.ESCALATED,
)
def escalate(act: Acting, *, opinion: str) -> None:
    """初审上报: the township lead department's opinion, and the case goes to the county department."""
    case = act.case
    if case.case_class != CaseClass.ESCALATED or not case.item.escalate_to_id:
        raise Conflict("不是上报件", code="not_escalated")
    if not _text(opinion):
        raise Invalid("上报须写明初审意见", fields={"opinion": "请写明初审意见"})
    case.opinion, case.escalated_to = _text(opinion), case.item.escalate_to
    case.holder_kind = Location.COUNTY
    act.note = case.opinion
    act.data = {"to": case.item.escalate_to.code}


class SendBackIn(ActionBody):
    reason: Text = Field(
        "", max_length=2000, title="退回理由（需乡镇补充初审的内容）", json_schema_extra=ACTION_REQUIRES
    )


@declare("send_back", label="退回乡镇补充初审", schema=SendBackIn, document="send_back_notice")
def send_back(act: Acting, *, reason: str) -> None:
    """退回补充初审: the county department returns an escalated case to the township for a fuller first
    review; the township's lead department reviews again and may escalate it again. The clock runs on."""
    case = act.case
    if not _text(reason):
        raise Invalid("退回须写明理由", fields={"reason": "请写明需要乡镇补充初审的内容"})
    act.note = _text(reason)
    case.holder_kind = Location.TOWNSHIP  # the file goes back down for the fuller first review
    county = case.escalated_to
    act.data = {"from": county.code if county else None}
    act.document = {
        "reason": act.note,
        "county_department": county.name if county else "",
        "opinion": case.opinion,
    }


def task_opinions(case) -> dict:
    """The joint departments' sign-off (会签) as the completion documents print it; {} for other cases."""
    return sign_off(case.tasks.all())


def sign_off(tasks) -> dict:
    """`task_opinions` for a list of tasks (the case generator passes the ones it planned)."""
    decided = [t for t in tasks if t.state != TaskState.PENDING]
    if not decided:
        return {}
    return {
        "tasks": [
            {
                "department": t.department.name,
                "state": t.get_state_display(),
                "opinion": t.opinion or t.reason,
                "at": f"{t.decided_at:%Y-%m-%d}" if t.decided_at else "",
            }
            for t in sorted(decided, key=lambda t: t.department.code)
        ]
    }


def _may_complete(act: Acting) -> bool:
    case = act.case
    if case.case_class == CaseClass.ESCALATED:
        return case.state == State.ESCALATED
    if case.case_class == CaseClass.JOINT:
        return all(t.state != TaskState.PENDING for t in case.tasks.all())
    return True


@declare(
    "complete",
    label="办结",
    schema=CompleteIn,
    document="completion_notice",
    offer=_may_complete,
    form="CompleteForm",
)
def complete(act: Acting, *, outcome: str | None = None, reason: str = "", result: str = "") -> None:
    """办结: approved or denied; joint cases need every task decided, escalated ones the county's decision."""
    case = act.case
    if case.case_class == CaseClass.ESCALATED and act.from_state != State.ESCALATED:
        raise Conflict("上报件须先由乡镇初审上报，再由县级部门办结", code="not_escalated_yet")
    if case.case_class == CaseClass.JOINT:
        tasks = list(case.tasks.all())
        states = [t.state for t in tasks]
        if TaskState.PENDING in states:
            raise Conflict("还有部门未会签，不能办结", code="tasks_pending")
        all_approved = all(s == TaskState.APPROVED for s in states)
        outcome = outcome or (Outcome.APPROVED if all_approved else Outcome.DENIED)
        if outcome == Outcome.APPROVED and not all_approved:
            raise Conflict("有部门不同意，不能准予", code="task_denied")
        if outcome == Outcome.DENIED and not _text(reason):
            reason = "；".join(t.reason for t in tasks if t.state == TaskState.DENIED and t.reason)
    if outcome not in Outcome.values:
        raise Invalid("请选择办理结果", fields={"outcome": "应为 approved 或 denied"})
    if outcome == Outcome.DENIED and not _text(reason):
        word = denial_word(case.item)
        raise Invalid(f"{word}须写明理由", fields={"reason": f"请写明{word}的理由"})
    case.outcome, case.completed_at = outcome, act.now
    case.result, case.reason = _text(result), _text(reason) if outcome == Outcome.DENIED else case.reason
    if outcome == Outcome.DENIED:
        case.case_class = CaseClass.RETURNED
    on_time = case.deadline is not None and act.today <= case.deadline
    case.completed_on_time = on_time
    if case.holder_kind == Location.COUNTY:
        case.holder_kind = Location.TOWNSHIP  # the county's decision comes back down with the papers
    act.note = _text(reason) or _text(result)
    act.data = {"outcome": outcome, "on_time": on_time}
    act.document = {"outcome": case.get_outcome_display(), "result": case.result, **task_opinions(case)}
    if outcome == Outcome.DENIED:
        act.also_issue("denial_decision", reason=case.reason)
