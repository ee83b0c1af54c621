"""The window's decisions on an application: accept (受理), one-time supplement notice, supplement, refuse,
withdraw."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from bianmin.cases.actions.base import Acting, loaded
from bianmin.cases.actions.base import text as _text
from bianmin.cases.actions.files import signature_png, store_file
from bianmin.cases.actions.intake import check_materials
from bianmin.cases.actions.registry import ActionBody, declare
from bianmin.cases.clock import overdue_receipt, step_due_of
from bianmin.cases.lifecycle import APPLICANT
from bianmin.cases.models import Location, MaterialStatus, Outcome, State, Task
from bianmin.catalog.models import CaseClass
from bianmin.core.errors import Invalid
from bianmin.core.schemas import ACTION_REQUIRES, DbId, MaterialIn, Text


class AcceptIn(ActionBody):
    deferred: list[int] = Field([], max_length=100, title="容缺后补的材料")
    promise_date: dt.date | None = Field(None, title="承诺补齐日期")
    # 即办: accept and complete in one step (instant items only), issuing the result instead.
    complete: bool = Field(False, title="受理并办结（即办件）")
    result: Text = Field("", max_length=2000, title="办理结果说明")


class MissingIn(Schema):
    material: int | None = None
    reason: Text = Field("", max_length=300)


class RequestSupplementIn(ActionBody):
    missing: list[MissingIn] = Field([], max_length=100)
    due: dt.date | None = Field(None, title="补正期限（默认10个工作日）")


SUPPLEMENT_DAYS = 10  # working days the applicant is given to bring what is missing, unless the clerk says


class SupplementIn(ActionBody):
    materials: list[MaterialIn] = Field([], max_length=100)


class RefuseIn(ActionBody):
    reason: Text = Field("", max_length=2000, title="不予受理理由", json_schema_extra=ACTION_REQUIRES)


class WithdrawIn(ActionBody):
    reason: Text = Field("", max_length=2000, title="撤回原因", json_schema_extra=ACTION_REQUIRES)
    # The applicant's written request: a scan already uploaded to the case, or a signature-pad PNG.
    request_file: DbId | None = Field(None, title="书面撤回申请（已上传文件的编号）")
    signature: str | None = Field(None, max_length=600_000, title="申请人签名（PNG data URI）")


@declare("accept", label="受理", schema=AcceptIn, document="acceptance_notice", form="AcceptForm")
def accept(
    act: Acting, *, deferred=(), promise_date: dt.date | None = None, complete: bool = False, result: str = ""
) -> None:
    """受理: all required materials present, or the missing ones deferrable on a written promise (容缺).

    With `complete` an instant item (即办件) is accepted and completed (approved) in the same step: the
    applicant leaves with the result, so the completion notice is issued instead of the acceptance notice."""
    case, calendar = act.case, act.calendar
    if complete and case.item.frozen_case_class != CaseClass.INSTANT:
        raise Invalid("只有即办件可以受理并办结", fields={"complete": "该事项不是即办件，请先受理"})
    if complete and deferred:
        raise Invalid("容缺受理的办件不能当场办结", fields={"deferred": "当场办结须材料齐全"})
    rows = list(case.materials.all())
    by_material = {row.material_id: row for row in rows}
    deferred_ids = set(deferred or ())
    errors: dict[str, str] = {}
    if deferred_ids - by_material.keys():
        errors["deferred"] = "含有不是本事项的材料"
    missing, deferring = [], []
    for row in rows:
        if row.status == MaterialStatus.RECEIVED or not row.material.required:
            continue
        if row.material_id in deferred_ids:
            if row.material.deferrable:
                deferring.append(row)
            else:
                errors["deferred"] = f"“{row.material.name}”不可容缺"
        else:
            missing.append(row.material.name)
    if missing:
        errors["materials"] = "缺少必备材料：" + "、".join(missing)
    if deferring and (promise_date is None or promise_date <= act.today):
        errors["promise_date"] = "容缺受理须写明晚于今天的补齐日期"
    if errors:
        raise Invalid("不能受理", fields=errors)
    # Art. 32: left unanswered past five working days, it counts as accepted on the day it was received.
    late = overdue_receipt(case, act.today, calendar)
    start = case.pending_since if late else act.today
    deadline = calendar.add_workdays(start, case.item.promised_limit_days)
    case.accepted_at = act.now
    case.clock_started_on = start
    case.deadline, case.deadline_confirmed = deadline.date, deadline.confirmed
    case.case_class = case.item.frozen_case_class
    if deferring:
        case.promise_date = promise_date
        for row in deferring:
            row.status, row.promise_date = MaterialStatus.DEFERRED, promise_date
            row.save(update_fields=["status", "promise_date"])
        act.also_issue(
            "deferral_promise",
            materials=[row.material.name for row in deferring],
            promise_date=f"{promise_date:%Y年%m月%d日}",
        )
    if case.case_class == CaseClass.JOINT:
        step_due = step_due_of(case, start, deadline.date, calendar)
        tasks = Task.objects.bulk_create(
            Task(case=case, department=d, due=step_due) for d in case.item.joint_departments.all()
        )
        loaded(case, "tasks").extend(tasks)
    act.data = {
        "deadline": deadline.date.isoformat(),
        "deadline_confirmed": deadline.confirmed,
        "clock_started_on": start.isoformat(),
        "late": late,
        "deferred": sorted(row.material_id for row in deferring),
    }
    if complete:
        case.outcome, case.completed_at = Outcome.APPROVED, act.now
        case.result = _text(result)
        case.completed_on_time = True
        act.to_state = State.COMPLETED
        act.note = case.result
        act.data.update(complete=True, outcome=Outcome.APPROVED, on_time=True)
        act.document_kind = "completion_notice"
        act.document = {"outcome": case.get_outcome_display(), "result": case.result}


@declare(
    "request_supplement",
    label="一次性告知补正",
    schema=RequestSupplementIn,
    document="supplement_notice",
    form="RequestSupplementForm",
)
def request_supplement(act: Acting, *, missing: list[dict], due: dt.date | None = None) -> None:
    """一次性告知: every missing or defective material at once, each with its reason, in one notice that
    says by when and where to bring them."""
    case = act.case
    by_material = {row.material_id: row for row in case.materials.all()}
    errors: dict[str, str] = {}
    if due is not None and due <= act.today:
        errors["due"] = "补正期限应晚于今天"
    due = due or act.calendar.add_workdays(act.today, SUPPLEMENT_DAYS).date
    if not missing:
        errors["missing"] = "至少列出一项需补正的材料"
    listed = []
    for index, entry in enumerate(missing or []):
        row = by_material.get(entry.get("material"))
        if row is None:
            errors[f"missing.{index}.material"] = "不是本事项的材料"
        elif any(row is seen for seen, _ in listed):
            # Listed twice would mark a received paper missing and print it twice on the notice.
            errors[f"missing.{index}.material"] = "材料重复"
        elif not _text(entry.get("reason")):
            errors[f"missing.{index}.reason"] = "请写明需补正的原因"
        else:
            listed.append((row, _text(entry.get("reason"))[:300]))
    if errors:
        raise Invalid("补正告知有误", fields=errors)
    for row, reason in listed:
        row.status = (
            MaterialStatus.DEFECTIVE if row.status == MaterialStatus.RECEIVED else MaterialStatus.MISSING
        )
        row.reason = reason
        row.save(update_fields=["status", "reason"])
    case.supplement_requested_at = act.now
    items = [
        {
            "material": row.material.name,
            "standard": row.material.standard,
            "reason": r,
            "originals": row.material.originals,
            "copies": row.material.copies,
        }
        for row, r in listed
    ]
    act.note = "；".join(f"{i['material']}：{i['reason']}" for i in items)
    act.data = {"missing": items, "due": due.isoformat()}
    act.document = {"missing": items, "due": f"{due:%Y年%m月%d日}"}


@declare("supplement", label="补正材料", schema=SupplementIn, form="SupplementForm")
def supplement(act: Acting, *, materials: list[dict]) -> None:
    """补正: the applicant brings what was missing; the case waits for a decision again."""
    case = act.case
    errors: dict[str, str] = {}
    handed = check_materials(case.item, materials, errors)
    if not materials and not errors:
        errors["materials"] = "请列出补交的材料"
    if errors:
        raise Invalid("补正材料有误", fields=errors)
    for row in case.materials.all():
        if row.material_id not in handed:
            continue
        row.status, row.reason = MaterialStatus.RECEIVED, ""
        row.originals, row.copies = handed[row.material_id]["originals"], handed[row.material_id]["copies"]
        row.save(update_fields=["status", "reason", "originals", "copies"])
    case.pending_since = act.today
    act.data = {"materials": sorted(handed)}


@declare("refuse", label="不予受理", schema=RefuseIn, document="refusal_notice", irreversible=True)
def refuse(act: Acting, *, reason: str) -> None:
    """不予受理, with written reasons and the applicant's rights; the case becomes a returned case."""
    reason = _text(reason)
    if not reason:
        raise Invalid("不予受理须写明理由", fields={"reason": "请写明不予受理的理由"})
    act.case.reason, act.case.case_class = reason, CaseClass.RETURNED
    act.note = reason
    act.document = {"reason": reason}


@declare("withdraw", label="撤回申请", schema=WithdrawIn, irreversible=True, form="WithdrawForm")
def withdraw(act: Acting, *, reason: str = "", request_file: int | None = None, signature: str | None = None):
    """撤回: at the applicant's request, any time before completion — with the reason and, when staff
    record it, the applicant's written request (a scan of it, or the applicant's signature)."""
    case = act.case
    errors: dict[str, str] = {}
    if not _text(reason):
        errors["reason"] = "请写明撤回原因"
    attachment = None
    if request_file is not None:
        attachment = next((a for a in case.attachments.all() if a.pk == request_file), None)
        if attachment is None:
            errors["request_file"] = "不是本办件已上传的文件"
    elif not signature and act.role != APPLICANT:
        # The applicant's own account is its written request; at the window the paper must be kept.
        errors["request_file"] = "请上传申请人的书面撤回申请，或由申请人签名"
    png = None
    if signature and request_file is None and not errors:
        png = signature_png(signature)
    if errors:
        raise Invalid("撤回信息有误", fields=errors)
    if png is not None:
        attachment = store_file(case, act.user, png, "image/png", "撤回申请签名.png")
        loaded(case, "attachments").append(attachment)
    for suspension in case.suspensions.all():
        if suspension.ended_on is None:
            suspension.ended_on = act.today
            suspension.save(update_fields=["ended_on"])
    case.resume_to = ""
    if case.holder_kind == Location.COUNTY:
        case.holder_kind = (
            Location.TOWNSHIP
        )  # withdrawn at the county stage: the file returns to the township
    act.note = _text(reason)
    act.data = {
        "request_file": attachment.pk if attachment else None,
        "signed": png is not None,
    }
