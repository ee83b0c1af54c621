"""Every write to a case, one verb per action: the API, the web pages and the commands all call these.

Each action runs in one transaction: find the case through the caller's scope (not visible → 404), lock
the row and check the optimistic `version` (stale → 409), look the (state, action) pair up in the
lifecycle table (not there → 409), check the caller's role for this case (→ 403), validate the input
(→ 422, nothing stored), then move the state, append the timeline event, move the clock, issue the
documents and queue the applicant's notification for after the commit.
"""

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from pypinyin import Style, lazy_pinyin

from bianmin.accounts.models import Role
from bianmin.accounts.scope import Scope, scope_of
from bianmin.cases import lifecycle
from bianmin.cases.clock import current_calendar, overdue_receipt
from bianmin.cases.documents import issue_document
from bianmin.cases.lifecycle import AGENT, APPLICANT, APPROVER, CLERK, DIRECTOR, PREVIOUS
from bianmin.cases.models import (
    ApplicantKind,
    Attachment,
    Case,
    CaseCounter,
    CaseMaterial,
    Channel,
    Event,
    IdempotencyKey,
    MaterialStatus,
    NumberPrefix,
    Outcome,
    State,
    Suspension,
    SuspensionKind,
    Task,
    TaskState,
)
from bianmin.cases.selectors import cases_visible_to
from bianmin.cases.validators import credit_code_error, id_number_error, phone_error
from bianmin.catalog.models import CaseClass, FieldType, Item, ItemStatus
from bianmin.core import clock
from bianmin.core.errors import ApiError, Conflict, Forbidden, Invalid, NotFound
from bianmin.regions.models import Center

MAX_SCAN_BYTES = 20 * 1024 * 1024
DELIVERY_METHODS = {"window": "窗口领取", "proxy": "代办员送达", "post": "邮寄", "electronic": "电子送达"}


class TooLarge(ApiError):
    status = 413
    code = "too_large"


# Invisible characters a paste can carry; they would break the Excel ledgers and the printed documents.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


# --- intake ----------------------------------------------------------------------------------------


def _intake_center(user, scope: Scope, center_code: str | None, channel: str):
    """The center that handles the case and the agent's village; raises 403/422 when the caller may not."""
    village = None
    if center_code:
        center = Center.objects.select_related("region").filter(code=center_code, is_active=True).first()
        if center is None:
            raise Invalid("受理中心不存在", fields={"center": "未找到该中心"})
    else:
        center = None
    if scope.has_role(Role.CLERK, Role.DIRECTOR) and (center is None or scope.acts_in_center(center)):
        if center is None:
            if len(scope.center_ids) != 1:
                raise Invalid("请指定受理中心", fields={"center": "请指定受理中心"})
            center = Center.objects.select_related("region").get(pk=next(iter(scope.center_ids)))
        return center, None
    if "agent" in scope.roles:
        # The same village → township answer the handovers use, so a case goes where its papers will go.
        from bianmin.proxy.selectors import agent_village, township_of

        village = agent_village(user)
        home = township_of(village) if village else None
        if home is None or (center is not None and center.pk != home.pk):
            raise Invalid("代办员只能向本乡镇中心递交", fields={"center": "不是本村所属的乡镇中心"})
        return Center.objects.select_related("region").get(pk=home.pk), village
    if not scope.is_staff_member:
        # A citizen account: online applications only, to a center it names.
        if channel != Channel.ONLINE:
            raise Invalid("网上申请的渠道应为 online", fields={"channel": "个人账号只能网上申请"})
        if center is None:
            raise Invalid("请指定受理中心", fields={"center": "请指定受理中心"})
        return center, None
    if scope.has_role(Role.CLERK, Role.DIRECTOR):
        raise Invalid("无权在该中心收件", fields={"center": "不是您所在的中心"})
    raise Forbidden("您的岗位不能收件")


def _check_applicant(applicant: dict, errors: dict) -> dict:
    kind = applicant.get("kind") or ApplicantKind.PERSON
    out = {"applicant_kind": kind, "applicant_name": _text(applicant.get("name"))}
    if kind not in ApplicantKind.values:
        errors["applicant.kind"] = "应为 person 或 organisation"
        return out
    if not out["applicant_name"]:
        errors["applicant.name"] = "请填写申请人名称"
    phone = _text(applicant.get("phone")).replace(" ", "")
    if why := phone_error(phone):
        errors["applicant.phone"] = why
    out["applicant_phone"] = phone
    out["applicant_address"] = _text(applicant.get("address"))[:200]
    if kind == ApplicantKind.PERSON:
        id_number = _text(applicant.get("id_number")).upper()
        if why := id_number_error(id_number):
            errors["applicant.id_number"] = why
        out["applicant_id_number"] = id_number
    else:
        code = _text(applicant.get("credit_code")).upper()
        if why := credit_code_error(code):
            errors["applicant.credit_code"] = why
        out["applicant_credit_code"] = code
        out["applicant_contact_name"] = _text(applicant.get("contact_name"))[:40]
        if not out["applicant_contact_name"]:
            errors["applicant.contact_name"] = "请填写联系人"
    if len(out["applicant_name"]) > 100:
        errors["applicant.name"] = "名称过长"
    for key in ("applicant_name", "applicant_address", "applicant_contact_name"):
        if CONTROL_CHARACTERS.search(out.get(key) or ""):
            errors[key.replace("applicant_", "applicant.")] = "含有不可见的控制字符，请重新输入"
    return out


def _choice_values(choices) -> list[str]:
    values = []
    for choice in choices or []:
        if isinstance(choice, dict):
            values.append(str(choice.get("value", choice.get("code", choice.get("label", "")))))
        else:
            values.append(str(choice))
    return values


def _check_answers(item: Item, answers: dict, errors: dict) -> dict:
    """Answers typed per the item's questions; unknown codes and missing required answers are errors."""
    fields = {f.code: f for f in item.fields.all()}
    clean = {}
    for code in answers:
        if code not in fields:
            errors[f"answers.{code}"] = "本事项没有这个问题"
    for code, field in fields.items():
        value = answers.get(code)
        key = f"answers.{code}"
        if value is None or value == "" or value == []:
            if field.required:
                errors[key] = f"请回答：{field.label}"
            continue
        allowed = _choice_values(field.choices)
        if field.datatype == FieldType.NUMBER:
            try:
                number = Decimal(str(value))
                if not number.is_finite() or abs(number) >= 10**15:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors[key] = "应为数字"
                continue
            clean[code] = int(number) if number == number.to_integral_value() else float(number)
        elif field.datatype == FieldType.DATE:
            try:
                clean[code] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                errors[key] = "应为日期 YYYY-MM-DD"
        elif field.datatype == FieldType.CHOICE:
            if str(value) not in allowed:
                errors[key] = "不是可选项之一"
            else:
                clean[code] = str(value)
        elif field.datatype == FieldType.MULTI_CHOICE:
            values = value if isinstance(value, list) else [value]
            if not all(str(v) in allowed for v in values):
                errors[key] = "含有不可选的选项"
            else:
                clean[code] = [str(v) for v in values]
        else:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                errors[key] = "应为文本"
            elif len(str(value)) > 1000:
                errors[key] = "内容过长"
            else:
                clean[code] = str(value).strip()
    return clean


def _check_materials(
    item: Item, materials: list[dict], errors: dict, field: str = "materials"
) -> dict[int, dict]:
    """{material id: {"originals", "copies"}} for materials handed in, each checked to be the item's."""
    own = {m.pk for m in item.materials.all()}
    handed = {}
    for index, entry in enumerate(materials or []):
        material_id = entry.get("material")
        if not isinstance(material_id, int) or isinstance(material_id, bool) or material_id not in own:
            errors[f"{field}.{index}.material"] = "不是本事项的材料"
            continue
        if material_id in handed:
            errors[f"{field}.{index}.material"] = "材料重复"
            continue
        originals, copies = entry.get("originals", 0) or 0, entry.get("copies", 0) or 0
        if not all(isinstance(n, int) and 0 <= n <= 99 for n in (originals, copies)):
            errors[f"{field}.{index}.copies"] = "份数应为 0–99"
            continue
        handed[material_id] = {"originals": originals, "copies": copies}
    return handed


def _number_prefix(center: Center) -> str:
    """FM for 法门镇: pinyin initials of the place name, made unique by a digit when two centers clash."""
    existing = NumberPrefix.objects.filter(center=center).first()
    if existing:
        return existing.prefix
    place = re.sub(r"(便民服务中心|便民服务站|政务服务中心|便民服务点)$", "", center.name)
    place = re.sub(r"(街道|镇|乡|县|区|村|社区)$", "", place) or place
    initials = "".join(p[0] for p in lazy_pinyin(place[:3], style=Style.FIRST_LETTER) if p).upper()
    initials = re.sub(r"[^A-Z]", "", initials)[:3] or "C"
    prefix, n = initials, 1
    while NumberPrefix.objects.filter(prefix=prefix).exists():
        n += 1
        prefix = f"{initials}{n}"
    NumberPrefix.objects.create(center=center, prefix=prefix)
    return prefix


def _next_number(center: Center, day: dt.date) -> str:
    """The next gapless number; the caller holds the center's row lock, so counters never race."""
    prefix = _number_prefix(center)
    counter, _ = CaseCounter.objects.get_or_create(center=center, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{day:%Y%m%d}-{counter.last:04d}"


def _fingerprint(**request) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def receive_case(
    user,
    *,
    item: str,
    applicant: dict,
    channel: str = Channel.WINDOW,
    center: str | None = None,
    answers: dict | None = None,
    materials: list[dict] | None = None,
    proxy: dict | None = None,
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """收件: register an application. Returns (case, created); a retried Idempotency-Key gives the first case."""
    answers, materials, proxy = answers or {}, materials or [], proxy or {}
    scope = scope_of(user)
    fingerprint = _fingerprint(
        item=item, applicant=applicant, channel=channel, center=center, answers=answers, materials=materials
    )
    if idempotency_key:
        earlier = IdempotencyKey.objects.filter(user=user, key=idempotency_key).select_related("case").first()
        if earlier:
            return _replay(earlier, fingerprint), False
    if channel not in Channel.values:
        raise Invalid("渠道无效", fields={"channel": "应为 window、online、proxy、phone 或 mobile"})
    home, village = _intake_center(user, scope, center, channel)
    found = (
        Item.objects.filter(code=item, status=ItemStatus.PUBLISHED)
        .select_related("region", "lead_department")
        .prefetch_related("materials", "fields", "joint_departments")
        .first()
    )
    if found is None:
        raise Invalid("事项不存在或未发布", fields={"item": "未找到已发布的该事项"})
    if not home.region_id.startswith(found.region.prefix):
        raise Invalid("本中心不受理该事项", fields={"item": "该事项不在本中心的受理范围内"})
    if channel == Channel.PROXY and not found.proxy:
        raise Invalid("该事项不提供全程代办", fields={"item": "该事项不能由代办员代办"})
    errors: dict[str, str] = {}
    applicant_fields = _check_applicant(applicant or {}, errors)
    clean_answers = _check_answers(found, answers, errors)
    handed = _check_materials(found, materials, errors)
    if errors:
        raise Invalid("收件信息有误", fields=errors)
    try:
        with transaction.atomic():
            return _create_case(
                user, home, village, found, channel, applicant_fields, clean_answers, handed, proxy,
                idempotency_key, fingerprint,
            ), True  # fmt: skip
    except IntegrityError:
        # Another request with the same Idempotency-Key won the race: answer with its case.
        earlier = IdempotencyKey.objects.filter(user=user, key=idempotency_key).select_related("case").first()
        if idempotency_key and earlier:
            return _replay(earlier, fingerprint), False
        raise


def _replay(earlier: IdempotencyKey, fingerprint: str) -> Case:
    if earlier.fingerprint != fingerprint:
        raise Conflict("同一个 Idempotency-Key 已用于另一份申请", code="idempotency_key_reused")
    return earlier.case


def _create_case(user, center, village, item, channel, applicant, answers, handed, proxy, key, fingerprint):
    now = clock.now()
    # Lock the center row: numbering is serial per center, on SQLite and PostgreSQL alike.
    Center.objects.select_for_update().filter(pk=center.pk).first()
    case = Case.objects.create(
        number=_next_number(center, now.date()),
        query_code=f"{secrets.randbelow(10**6):06d}",
        item=item,
        center=center,
        village=village,
        channel=channel,
        proxy_home_visit=bool(proxy.get("home_visit")),
        proxy_mandate=bool(proxy.get("mandate")),
        applicant_user=user if not scope_of(user).is_staff_member else None,
        submitted_by=user,
        state=State.RECEIVED,
        # The class the item gives; (re)set at acceptance, and "returned" on refusal or denial.
        case_class=item.case_class,
        received_at=now,
        pending_since=now.date(),
        answers=answers,
        county=center.region_id[:6] + "000000",
        lead_department_id=item.lead_department_id,
        holder_kind="village" if channel == Channel.PROXY and village else "township",
        **applicant,
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=case,
            material=material,
            status=MaterialStatus.RECEIVED if material.pk in handed else MaterialStatus.MISSING,
            **handed.get(material.pk, {}),
        )
        for material in item.materials.all()
    )
    if key:
        IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint, case=case, created_at=now)
    role = _any_role(scope_of(user), case, user)
    _event(
        case,
        user,
        role,
        "receive",
        "",
        State.RECEIVED,
        data={"channel": channel, "item_version": item.version},
    )
    _notify(case, "receive", f"您申请的“{item.name}”已收件，办件编号{case.number}，查询码{case.query_code}。")
    return case


# --- the action frame ------------------------------------------------------------------------------


@dataclass
class Acting:
    case: Case
    user: object
    scope: Scope
    role: str
    action: str
    from_state: str
    to_state: str
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return self.now.date()


def _ref_number(ref) -> str:
    return ref.number if isinstance(ref, Case) else str(ref)


def _lock(user, ref) -> Case:
    pk = cases_visible_to(user).filter(number=_ref_number(ref)).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound("未找到该办件")
    # of=("self",): lock the case row only, not the item and center joined in.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "center", "center__region", "item__lead_department", "item__escalate_to")
        .get(pk=pk)
    )


def _approver_departments(scope: Scope, case: Case, action: str) -> set[int]:
    """The caller's departments that may act on this case for this action."""
    mine = set(scope.department_ids)
    if action in ("approve", "deny"):
        return mine & set(case.tasks.values_list("department_id", flat=True))
    county_stage = case.state == State.ESCALATED or (
        case.state == State.SUSPENDED and case.resume_to == State.ESCALATED
    )
    if county_stage:
        return mine & {case.escalated_to_id}
    return mine & {case.item.lead_department_id}


def _may_act_as(role: str, scope: Scope, user, case: Case, action: str) -> bool:
    if role == CLERK:
        if action == "complete" and case.case_class != CaseClass.INSTANT:
            return False  # the window completes instant cases only
        return Role.CLERK in scope.roles and case.center_id in scope.center_ids
    if role == DIRECTOR:
        return Role.DIRECTOR in scope.roles and case.center_id in scope.center_ids
    if role == APPROVER:
        return Role.APPROVER in scope.roles and bool(_approver_departments(scope, case, action))
    if role == AGENT:
        if action == "deliver" and case.channel != Channel.PROXY:
            return False
        return Role.AGENT in scope.roles and case.submitted_by_id == user.pk
    if role == APPLICANT:
        return case.applicant_user_id is not None and case.applicant_user_id == user.pk
    return False


ROLE_ORDER = (CLERK, APPROVER, DIRECTOR, AGENT, APPLICANT)


def _any_role(scope: Scope, case: Case, user) -> str:
    """The role under which the caller acts on a case outside the table (receive, reveal, upload)."""
    for role in (CLERK, DIRECTOR, APPROVER, AGENT):
        if role in scope.roles:
            return role
    if scope.is_admin:
        return "admin"
    if scope.roles:
        return sorted(scope.roles)[0]
    return APPLICANT


# The township's decisions on what it received: for a proxy case, only once its papers are there.
PAPER_DECISIONS = ("accept", "request_supplement", "refuse")


def _begin(user, ref, action: str, version: int | None) -> Acting:
    """Find (404), lock, version (409), state (409) and role (403) — in that order, nothing written yet."""
    scope = scope_of(user)
    case = _lock(user, ref)
    if version is not None and version != case.version:
        raise Conflict("办件已被他人修改，请刷新后重试", code="stale_version")
    step = lifecycle.transition(case.state, action)
    if step is None:
        raise Conflict(
            f"办件当前为“{case.get_state_display()}”，不能{lifecycle.ACTION_LABELS[action]}",
            code="invalid_state",
        )
    to_state, roles = step
    role = next((r for r in ROLE_ORDER if r in roles and _may_act_as(r, scope, user, case, action)), None)
    if role is None and scope.is_admin:
        role = "admin"
    if role is None:
        raise Forbidden(f"您无权对该办件执行“{lifecycle.ACTION_LABELS[action]}”")
    if action in PAPER_DECISIONS and case.channel == Channel.PROXY:
        from bianmin.proxy.custody import ensure_papers_at_township

        ensure_papers_at_township(case, lifecycle.ACTION_LABELS[action])
    if to_state == PREVIOUS:
        to_state = case.resume_to
    return Acting(case, user, scope, role, action, case.state, to_state, clock.now())


def _event(case, user, role, action, from_state, to_state, note="", data=None) -> Event:
    return Event.objects.create(
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


def _finish(act: Acting, note: str = "", data: dict | None = None) -> Case:
    case = act.case
    case.state = act.to_state
    case.version += 1
    case.save()
    _event(case, act.user, act.role, act.action, act.from_state, act.to_state, note, data)
    return case


def _notify(case: Case, kind: str, text: str) -> None:
    from bianmin.cases.tasks import send_notification

    case_id, phone, center = case.pk, case.applicant_phone, case.center.name
    transaction.on_commit(lambda: send_notification(case_id, kind, phone, f"【{center}】{text}"))


def _calendar(case: Case):
    return current_calendar(case.center.region)


def _deadline_text(case: Case) -> str:
    return f"{case.deadline:%Y年%m月%d日}" if case.deadline else ""


# --- the actions -----------------------------------------------------------------------------------


@transaction.atomic
def accept_case(user, ref, *, version=None, deferred=(), promise_date: dt.date | None = None) -> Case:
    """受理: all required materials present, or the missing ones deferrable on a written promise (容缺)."""
    act = _begin(user, ref, "accept", version)
    case, calendar = act.case, _calendar(act.case)
    rows = list(case.materials.select_related("material"))
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
    case.case_class = case.item.case_class
    if deferring:
        case.promise_date = promise_date
        for row in deferring:
            row.status, row.promise_date = MaterialStatus.DEFERRED, promise_date
            row.save(update_fields=["status", "promise_date"])
    if case.case_class == CaseClass.JOINT:
        Task.objects.bulk_create(Task(case=case, department=d) for d in case.item.joint_departments.all())
    _finish(
        act,
        data={
            "deadline": deadline.date.isoformat(),
            "deadline_confirmed": deadline.confirmed,
            "clock_started_on": start.isoformat(),
            "late": late,
            "deferred": sorted(row.material_id for row in deferring),
        },
    )
    issue_document(case, "acceptance_notice")
    if deferring:
        issue_document(
            case,
            "deferral_promise",
            materials=[row.material.name for row in deferring],
            promise_date=f"{promise_date:%Y年%m月%d日}",
        )
    _notify(case, "accept", f"您的办件{case.number}已受理，承诺于{_deadline_text(case)}前办结。")
    return case


@transaction.atomic
def request_supplement(user, ref, *, version=None, missing: list[dict]) -> Case:
    """一次性告知: every missing or defective material at once, each with its reason, in one notice."""
    act = _begin(user, ref, "request_supplement", version)
    case = act.case
    by_material = {row.material_id: row for row in case.materials.select_related("material")}
    errors: dict[str, str] = {}
    if not missing:
        errors["missing"] = "至少列出一项需补正的材料"
    listed = []
    for index, entry in enumerate(missing or []):
        row = by_material.get(entry.get("material"))
        if row is None:
            errors[f"missing.{index}.material"] = "不是本事项的材料"
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
        {"material": row.material.name, "standard": row.material.standard, "reason": r} for row, r in listed
    ]
    _finish(act, note="；".join(f"{i['material']}：{i['reason']}" for i in items), data={"missing": items})
    issue_document(case, "supplement_notice", missing=items)
    _notify(case, "request_supplement", f"您的办件{case.number}需补正{len(items)}项材料，详见一次性告知书。")
    return case


@transaction.atomic
def supplement_case(user, ref, *, version=None, materials: list[dict]) -> Case:
    """补正: the applicant brings what was missing; the case waits for a decision again."""
    act = _begin(user, ref, "supplement", version)
    case = act.case
    errors: dict[str, str] = {}
    handed = _check_materials(case.item, materials, errors)
    if not materials and not errors:
        errors["materials"] = "请列出补交的材料"
    if errors:
        raise Invalid("补正材料有误", fields=errors)
    for row in case.materials.filter(material_id__in=handed):
        row.status, row.reason = MaterialStatus.RECEIVED, ""
        row.originals, row.copies = handed[row.material_id]["originals"], handed[row.material_id]["copies"]
        row.save(update_fields=["status", "reason", "originals", "copies"])
    case.pending_since = act.today
    _finish(act, data={"materials": sorted(handed)})
    return case


@transaction.atomic
def refuse_case(user, ref, *, version=None, reason: str) -> Case:
    """不予受理, with written reasons and the applicant's rights; the case becomes a returned case."""
    act = _begin(user, ref, "refuse", version)
    reason = _text(reason)
    if not reason:
        raise Invalid("不予受理须写明理由", fields={"reason": "请写明不予受理的理由"})
    case = act.case
    case.reason, case.case_class = reason, CaseClass.RETURNED
    _finish(act, note=reason)
    issue_document(case, "refusal_notice", reason=reason)
    _notify(case, "refuse", f"您的办件{case.number}不予受理，理由及救济途径详见不予受理通知书。")
    return case


@transaction.atomic
def suspend_case(user, ref, *, version=None, kind: str, reason: str) -> Case:
    """特别程序: hearing, testing, appraisal… stop the clock; the applicant is told in writing."""
    act = _begin(user, ref, "suspend", version)
    errors = {}
    if kind not in SuspensionKind.values:
        errors["kind"] = "应为 hearing、inspection、testing、appraisal、expert_review 或 publicity"
    if not _text(reason):
        errors["reason"] = "请写明暂停计时的理由"
    if errors:
        raise Invalid("暂停计时信息有误", fields=errors)
    case = act.case
    suspension = Suspension.objects.create(case=case, kind=kind, reason=_text(reason), started_on=act.today)
    case.resume_to = act.from_state
    _finish(act, note=_text(reason), data={"kind": kind, "started_on": act.today.isoformat()})
    issue_document(
        case, "suspension_notice", suspension_kind=suspension.get_kind_display(), reason=suspension.reason,
        started_on=act.today.isoformat(),
    )  # fmt: skip
    _notify(case, "suspend", f"您的办件{case.number}进入{suspension.get_kind_display()}程序，暂停计时。")
    return case


@transaction.atomic
def resume_case(user, ref, *, version=None) -> Case:
    """恢复计时: the deadline moves by the working days from the suspension (counted) to today (not)."""
    act = _begin(user, ref, "resume", version)
    case, calendar = act.case, _calendar(act.case)
    suspension = case.suspensions.filter(ended_on=None).order_by("-started_on", "-id").first()
    paused = calendar.workdays_between(suspension.started_on, act.today) if suspension else None
    days = paused.days if paused else 0
    if suspension:
        suspension.ended_on, suspension.workdays = act.today, days
        suspension.save(update_fields=["ended_on", "workdays"])
    if case.deadline:
        moved = calendar.add_workdays(case.deadline, days)
        case.deadline = moved.date
        case.deadline_confirmed = (
            case.deadline_confirmed and moved.confirmed and (paused is None or paused.confirmed)
        )
    case.paused_days += days
    case.resume_to = ""
    _finish(act, data={"paused_days": days, "deadline": case.deadline.isoformat() if case.deadline else None})
    _notify(case, "resume", f"您的办件{case.number}恢复计时，办结期限顺延至{_deadline_text(case)}。")
    return case


@transaction.atomic
def extend_case(user, ref, *, version=None, days: int | None, reason: str) -> Case:
    """延长: the director's decision, once per case, within the extension the law allows the item."""
    act = _begin(user, ref, "extend", version)
    case = act.case
    _check_extension(case, days, reason, missing_reason="请写明延长理由", summary="延长信息有误")
    moved = _calendar(case).add_workdays(case.deadline, days)
    previous = case.deadline
    case.deadline, case.deadline_confirmed = moved.date, case.deadline_confirmed and moved.confirmed
    case.extension_days, case.extension_reason = days, _text(reason)[:500]
    case.pending_extension = False
    _finish(
        act,
        note=case.extension_reason,
        data={"days": days, "from": previous.isoformat(), "to": moved.date.isoformat()},
    )
    issue_document(
        case, "extension_notice", days=days, reason=case.extension_reason, previous=previous.isoformat()
    )
    _notify(case, "extend", f"您的办件{case.number}办理期限延长{days}个工作日，至{_deadline_text(case)}。")
    return case


def _check_extension(case: Case, days, reason: str, *, missing_reason: str, summary: str) -> None:
    """Once per case (409), within the extension the law allows the item, with a reason (422)."""
    if case.extension_days:
        raise Conflict("该办件已延长过一次", code="already_extended")
    allowed = case.item.extension_days
    errors = {}
    if allowed == 0:
        errors["days"] = "该事项依法不能延长"
    elif not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= allowed:
        errors["days"] = f"延长天数应为 1–{allowed} 个工作日"
    if not _text(reason):
        errors["reason"] = missing_reason
    if errors:
        raise Invalid(summary, fields=errors)


EXTENSION_STEPS = ("request_extension", "decline_extension")


def pending_extension_request(case: Case) -> Event | None:
    """The approver's request the director has neither granted (extended) nor declined yet."""
    if case.extension_days:
        return None
    last = case.events.filter(action__in=EXTENSION_STEPS).order_by("-at", "-id").first()
    return last if last is not None and last.action == "request_extension" else None


@transaction.atomic
def request_extension(user, ref, *, version=None, days: int | None, reason: str) -> Case:
    """申请延期: the approver asks the director for more time; only an event, the director then extends."""
    act = _begin(user, ref, "request_extension", version)
    case = act.case
    if not case.extension_days and pending_extension_request(case):
        raise Conflict("已提交延期申请，等待中心负责人审批", code="extension_requested")
    _check_extension(case, days, reason, missing_reason="请写明申请延期的理由", summary="延期申请有误")
    case.pending_extension = True
    return _finish(act, note=_text(reason)[:500], data={"days": days})


@transaction.atomic
def decline_extension(user, ref, *, version=None, reason: str) -> Case:
    """驳回延期申请: the director says no, with a reason the approver reads; the deadline stays."""
    act = _begin(user, ref, "decline_extension", version)
    request = pending_extension_request(act.case)
    if request is None:
        raise Conflict("没有待审批的延期申请", code="no_extension_request")
    if not _text(reason):
        raise Invalid("请写明驳回理由", fields={"reason": "请写明驳回理由"})
    act.case.pending_extension = False
    return _finish(
        act, note=_text(reason)[:500], data={"request": request.pk, "days": request.data.get("days")}
    )


@transaction.atomic
def decide_task(
    user, ref, *, decision: str, version=None, reason: str = "", department: str | None = None
) -> Case:
    """联办会签: one joint department's approver approves or denies that department's part."""
    if decision not in ("approve", "deny"):
        raise Invalid("会签意见无效", fields={"decision": "应为 approve 或 deny"})
    act = _begin(user, ref, decision, version)
    case = act.case
    if case.case_class != CaseClass.JOINT:
        raise Conflict("不是联办件，无需会签", code="not_joint")
    tasks = case.tasks.select_related("department").order_by("department__code")
    if act.role == APPROVER:
        tasks = tasks.filter(department_id__in=act.scope.department_ids)
    if department:
        tasks = tasks.filter(department__code=department)
    task = tasks.filter(state=TaskState.PENDING).first()
    if task is None:
        raise Conflict("本部门已会签", code="task_decided")
    if decision == "deny" and not _text(reason):
        raise Invalid("不同意须写明理由", fields={"reason": "请写明不同意的理由"})
    task.state = TaskState.APPROVED if decision == "approve" else TaskState.DENIED
    task.decided_by, task.decided_at, task.reason = user, act.now, _text(reason)
    task.save()
    return _finish(act, note=task.reason, data={"department": task.department.code})


def approve_task(user, ref, *, version=None, department=None) -> Case:
    return decide_task(user, ref, decision="approve", version=version, department=department)


def deny_task(user, ref, *, version=None, reason="", department=None) -> Case:
    return decide_task(user, ref, decision="deny", version=version, reason=reason, department=department)


@transaction.atomic
def escalate_case(user, ref, *, version=None, opinion: str) -> Case:
    """初审上报: the township lead department's opinion, and the case goes to the county department."""
    act = _begin(user, ref, "escalate", version)
    case = act.case
    if case.case_class != CaseClass.ESCALATED or not case.item.escalate_to_id:
        raise Conflict("不是上报件", code="not_escalated")
    if not _text(opinion):
        raise Invalid("上报须写明初审意见", fields={"opinion": "请写明初审意见"})
    case.opinion, case.escalated_to = _text(opinion), case.item.escalate_to
    case.holder_kind = "county"
    return _finish(act, note=case.opinion, data={"to": case.item.escalate_to.code})


@transaction.atomic
def complete_case(
    user, ref, *, version=None, outcome: str | None = None, reason: str = "", result: str = ""
) -> Case:
    """办结: approved or denied; joint cases need every task decided, escalated ones the county's decision."""
    act = _begin(user, ref, "complete", version)
    case = act.case
    if case.case_class == CaseClass.ESCALATED and act.from_state != State.ESCALATED:
        raise Conflict("上报件须先由乡镇初审上报，再由县级部门办结", code="not_escalated_yet")
    if case.case_class == CaseClass.JOINT:
        states = list(case.tasks.values_list("state", flat=True))
        if TaskState.PENDING in states:
            raise Conflict("还有部门未会签，不能办结", code="tasks_pending")
        all_approved = all(s == TaskState.APPROVED for s in states)
        outcome = outcome or (Outcome.APPROVED if all_approved else Outcome.DENIED)
        if outcome == Outcome.APPROVED and not all_approved:
            raise Conflict("有部门不同意，不能准予", code="task_denied")
        if outcome == Outcome.DENIED and not _text(reason):
            reason = "；".join(t.reason for t in case.tasks.filter(state=TaskState.DENIED) if t.reason)
    if outcome not in Outcome.values:
        raise Invalid("请选择办理结果", fields={"outcome": "应为 approved 或 denied"})
    if outcome == Outcome.DENIED and not _text(reason):
        raise Invalid("不予许可须写明理由", fields={"reason": "请写明不予许可的理由"})
    case.outcome, case.completed_at = outcome, act.now
    case.result, case.reason = _text(result), _text(reason) if outcome == Outcome.DENIED else case.reason
    if outcome == Outcome.DENIED:
        case.case_class = CaseClass.RETURNED
    on_time = case.deadline is not None and act.today <= case.deadline
    case.completed_on_time = on_time
    if case.holder_kind == "county":
        case.holder_kind = "township"  # the county's decision comes back down with the papers
    _finish(act, note=_text(reason) or _text(result), data={"outcome": outcome, "on_time": on_time})
    issue_document(case, "completion_notice", outcome=case.get_outcome_display(), result=case.result)
    if outcome == Outcome.DENIED:
        issue_document(case, "denial_decision", reason=case.reason)
    _notify(
        case, "complete", f"您的办件{case.number}已办结（{case.get_outcome_display()}），请按约定方式领取。"
    )
    return case


@transaction.atomic
def deliver_case(
    user, ref, *, version=None, method: str = "window", receiver: str = "", signature: str = ""
) -> Case:
    """送达: the result reaches the applicant; the delivery receipt (送达回证) is issued.

    `signature` is the receiver's signature (a PNG data URI) when signed on the agent's phone.
    """
    act = _begin(user, ref, "deliver", version)
    method = method or ("proxy" if act.role == AGENT else "window")
    if method not in DELIVERY_METHODS:
        raise Invalid("送达方式无效", fields={"method": "应为 window、proxy、post 或 electronic"})
    case = act.case
    from bianmin.proxy import custody

    if act.role == AGENT:
        # An agent can only hand over a result the return handover has put in their hands (409).
        custody.ensure_agent_holds(user, case)
    else:
        custody.ensure_result_at_window(case)
    case.delivered_at = act.now
    receiver = _text(receiver)[:100] or case.applicant_name
    _finish(
        act,
        note=f"{DELIVERY_METHODS[method]}，签收人：{receiver}",
        data={"method": method, "receiver": receiver},
    )
    if act.role != AGENT:
        custody.delivered_at_window(case, receiver)
    issue_document(
        case, "delivery_receipt", method=DELIVERY_METHODS[method], receiver=receiver, signature=signature
    )
    return case


@transaction.atomic
def withdraw_case(user, ref, *, version=None, reason: str = "") -> Case:
    """撤回: at the applicant's request, any time before completion."""
    act = _begin(user, ref, "withdraw", version)
    case = act.case
    open_suspension = case.suspensions.filter(ended_on=None).first()
    if open_suspension:
        open_suspension.ended_on = act.today
        open_suspension.save(update_fields=["ended_on"])
    case.resume_to = ""
    if case.holder_kind == "county":
        case.holder_kind = "township"  # withdrawn at the county stage: the file returns to the township
    _finish(act, note=_text(reason))
    _notify(case, "withdraw", f"您的办件{case.number}已撤回。")
    return case


def class_allows(case: Case, action: str) -> bool:
    """The class-specific rules, so pages offer only what the services would accept."""
    if action in ("approve", "deny"):
        return case.case_class == CaseClass.JOINT
    if action == "escalate":
        return case.case_class == CaseClass.ESCALATED
    if action == "complete" and case.case_class == CaseClass.ESCALATED:
        return case.state == State.ESCALATED
    if action in ("extend", *EXTENSION_STEPS):
        return case.item.extension_days > 0 and not case.extension_days
    return True


def available_actions(user, case: Case) -> list[str]:
    """The actions this viewer may take on the case now: state (table), role and class."""
    scope = scope_of(user)
    names = []
    for action in lifecycle.ACTIONS:
        step = lifecycle.transition(case.state, action)
        if not step or not class_allows(case, action):
            continue
        if scope.is_admin or any(_may_act_as(role, scope, user, case, action) for role in step[1]):
            if _worth_offering(scope, user, case, action):
                names.append(action)
    return names


def _worth_offering(scope: Scope, user, case: Case, action: str) -> bool:
    """Steps the table allows but the case's own data rules out right now (the service would answer 409)."""
    if case.channel == Channel.PROXY and action in (*PAPER_DECISIONS, "deliver"):
        from bianmin.proxy import custody

        if action == "deliver":
            mine = custody.agent_holds(user, case) and Role.AGENT in scope.roles
            return bool(mine or (scope.center_ids and custody.papers_at_township(case)))
        return custody.papers_at_township(case)
    if action in ("approve", "deny"):
        pending = {t.department_id for t in case.tasks.all() if t.state == TaskState.PENDING}
        return bool(pending) and (scope.is_admin or bool(pending & scope.department_ids))
    if action == "complete" and case.case_class == CaseClass.JOINT:
        return all(t.state != TaskState.PENDING for t in case.tasks.all())
    if action == "request_extension":
        return not case.pending_extension
    if action == "decline_extension":
        return case.pending_extension
    return True


# One entry per API action: the API maps a JSON body onto these keyword arguments.
ACTION_SERVICES = {
    "accept": accept_case,
    "request_supplement": request_supplement,
    "supplement": supplement_case,
    "refuse": refuse_case,
    "suspend": suspend_case,
    "resume": resume_case,
    "extend": extend_case,
    "request_extension": request_extension,
    "decline_extension": decline_extension,
    "approve": approve_task,
    "deny": deny_task,
    "escalate": escalate_case,
    "complete": complete_case,
    "deliver": deliver_case,
    "withdraw": withdraw_case,
}


# --- reading personal data, scans ------------------------------------------------------------------


@transaction.atomic
def reveal_applicant(user, ref) -> dict:
    """The unmasked ID number and phone; the reading itself goes on the timeline."""
    case = cases_visible_to(user).filter(number=_ref_number(ref)).first()
    if case is None:
        raise NotFound("未找到该办件")
    scope = scope_of(user)
    _event(case, user, _any_role(scope, case, user), "reveal", case.state, case.state)
    return {
        "id_number": case.applicant_id_number,
        "phone": case.applicant_phone,
        "credit_code": case.applicant_credit_code,
    }


MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


@transaction.atomic
def attach_scan(user, ref, upload, *, material: int | None = None) -> Attachment:
    """A scan of a material (JPEG, PNG or PDF by content, ≤ 20 MB), kept outside public media."""
    from django.core.files.base import ContentFile

    case = _lock(user, ref)
    scope = scope_of(user)
    may = scope.is_admin or any(
        _may_act_as(r, scope, user, case, "upload") for r in (CLERK, DIRECTOR, AGENT, APPLICANT)
    )
    if not may:
        raise Forbidden("您无权为该办件上传扫描件")
    if upload.size > MAX_SCAN_BYTES:
        raise TooLarge("文件超过 20 MB", fields={"file": "文件不能超过 20 MB"})
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise TooLarge("文件超过 20 MB", fields={"file": "文件不能超过 20 MB"})
    content_type = sniff(data[:16])
    if content_type is None:
        raise Invalid("只接受 JPEG、PNG 图片或 PDF", fields={"file": "文件内容不是 JPEG、PNG 或 PDF"})
    row = None
    if material is not None:
        row = case.materials.filter(material_id=material).first()
        if row is None:
            raise Invalid("不是本事项的材料", fields={"material": "不是本事项的材料"})
    attachment = Attachment(
        case=case,
        case_material=row,
        token=secrets.token_hex(16),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=(getattr(upload, "name", "") or "")[:200],
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    attachment.file.save(f"{attachment.token}{attachment.extension}", ContentFile(data), save=False)
    attachment.save()
    _event(
        case, user, _any_role(scope, case, user), "upload", case.state, case.state,
        data={"attachment": attachment.pk, "material": material, "content_type": content_type},
    )  # fmt: skip
    return attachment


def scan_for(user, ref, attachment_id: int) -> Attachment:
    case = cases_visible_to(user).filter(number=_ref_number(ref)).first()
    attachment = case and case.attachments.filter(pk=attachment_id).first()
    if not attachment:
        raise NotFound("未找到该文件")
    return attachment


# --- one-screen intake -----------------------------------------------------------------------------

INTAKE_DECISIONS = ("register", "accept", "request_supplement", "refuse")


def intake_case(
    user,
    *,
    decision: str = "register",
    scans: list[tuple[int, object]] = (),
    deferred=(),
    promise_date: dt.date | None = None,
    missing: list[dict] | None = None,
    reason: str = "",
    **receive,
) -> tuple[Case, bool]:
    """一窗受理 on one screen: receive, attach the scans, then accept / request supplement / refuse.

    All or nothing: if the decision is refused (a required material missing, no reason…) the case, its
    scans and its events are rolled back and the files written are removed, so the clerk fixes the form
    and submits again. A retried Idempotency-Key returns the first case untouched (created False).
    """
    if decision not in INTAKE_DECISIONS:
        raise Invalid("请选择受理、补正、不予受理或仅收件", fields={"decision": "无效的操作"})
    saved: list[Attachment] = []
    try:
        with transaction.atomic():
            case, created = receive_case(user, **receive)
            if not created:
                return case, False
            for material, upload in scans:
                try:
                    saved.append(attach_scan(user, case, upload, material=material))
                except ApiError as exc:
                    raise exc.__class__(
                        exc.message, fields={f"scans.{material}": exc.fields.get("file", exc.message)}
                    ) from exc
            if decision == "accept":
                accept_case(user, case, deferred=deferred, promise_date=promise_date)
            elif decision == "request_supplement":
                request_supplement(user, case, missing=missing or [])
            elif decision == "refuse":
                refuse_case(user, case, reason=reason)
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    case.refresh_from_db()
    return case, True
