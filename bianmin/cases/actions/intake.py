"""收件: an application enters the system — at the window, from the village agent or online.

`receive_case` registers it (numbered, timeline started) and publishes "receive" to the hooks like every
action; `intake_case` is the window's one screen: receive, attach the scans, then decide — all or nothing.
"""

import datetime as dt
import hashlib
import json
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from pypinyin import Style, lazy_pinyin

from bianmin.accounts.models import Role
from bianmin.accounts.scope import Scope, agent_village, scope_of
from bianmin.cases import hooks
from bianmin.cases.actions import files, registry
from bianmin.cases.actions.base import any_role, preload, record_event, release
from bianmin.cases.chain import GENESIS
from bianmin.cases.models import (
    Attachment,
    Case,
    CaseCounter,
    CaseMaterial,
    Channel,
    IdempotencyKey,
    Location,
    MaterialStatus,
    NumberPrefix,
    State,
)
from bianmin.cases.validators import applicant_tails, check_applicant
from bianmin.catalog.models import FieldType, Item, ItemStatus
from bianmin.core import clock
from bianmin.core.errors import ApiError, Conflict, Forbidden, Invalid
from bianmin.regions.models import Center, CenterLevel
from bianmin.regions.selectors import township_of

ONLINE_LEVELS = (CenterLevel.TOWNSHIP, CenterLevel.COUNTY)
# The channel follows from who files: window staff these, an agent proxy, a citizen account online.
STAFF_CHANNELS = (Channel.WINDOW, Channel.PHONE, Channel.MOBILE)


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
        if channel not in STAFF_CHANNELS:
            raise Invalid(
                "窗口收件的渠道有误", fields={"channel": "窗口人员只能选择 window、phone 或 mobile"}
            )
        return center, None
    if "agent" in scope.roles:
        if channel != Channel.PROXY:
            raise Invalid("代办员收件的渠道应为 proxy", fields={"channel": "代办员只能以 proxy 渠道收件"})
        # The same village → township answer the handovers use, so a case goes where its papers will go.
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
    clean, wrong = check_applicant(applicant)
    errors.update({f"applicant.{key}": why for key, why in wrong.items()})
    return clean


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


def check_materials(
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


def number_prefix(center: Center) -> str:
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


_qn = connection.ops.quote_name
_COUNT_SQL = (
    f"INSERT INTO {_qn(CaseCounter._meta.db_table)} (center_id, day, last) VALUES (%s, %s, 1) "
    f"ON CONFLICT (center_id, day) DO UPDATE SET last = {_qn(CaseCounter._meta.db_table)}.last + 1 "
    f"RETURNING last, (SELECT prefix FROM {_qn(NumberPrefix._meta.db_table)} WHERE center_id = %s)"
)


def _next_number(center: Center, day: dt.date) -> str:
    """The next gapless number of the center's day, in one statement on SQLite and PostgreSQL.

    The upsert takes the day's counter row lock, so two intakes at one center count one after the other
    (the second waits for the first to commit or roll back: no gap, no duplicate); the center's prefix
    comes back with it (read, or fixed now at its first use)."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL, [center.pk, day, center.pk])
        last, prefix = cursor.fetchone()
    return f"{prefix or number_prefix(center)}-{day:%Y%m%d}-{last:04d}"


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
    if channel == Channel.ONLINE and not found.online:
        raise Invalid("该事项不能网上办理", fields={"item": "该事项未开通网上办理"})
    if channel == Channel.ONLINE and (home.level not in ONLINE_LEVELS or home.region_id != found.region_id):
        # A village station has no clerk who can accept; only the implementing center can.
        raise Invalid("网上申请应提交至实施该事项的中心", fields={"center": "该中心不受理此事项的网上申请"})
    errors: dict[str, str] = {}
    applicant_fields = _check_applicant(applicant or {}, errors)
    clean_answers = _check_answers(found, answers, errors)
    handed = check_materials(found, materials, errors)
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
    # A key first used on another kind of write (an action, a handover) keeps no case: never this one's.
    if earlier.fingerprint != fingerprint or earlier.case is None:
        raise Conflict("同一个 Idempotency-Key 已用于另一份申请", code="idempotency_key_reused")
    return earlier.case


def _create_case(user, center, village, item, channel, applicant, answers, handed, proxy, key, fingerprint):
    now = clock.now()
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
        # Read columns the lists filter on (kept by the actions from here on).
        county=center.region_id[:6] + "000000",
        lead_department_id=item.lead_department_id,
        holder_kind=Location.VILLAGE if channel == Channel.PROXY and village else Location.TOWNSHIP,
        **applicant_tails(applicant.get("applicant_id_number", ""), applicant.get("applicant_phone", "")),
        **applicant,
    )
    rows = CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=case,
            material=material,
            status=MaterialStatus.RECEIVED if material.pk in handed else MaterialStatus.MISSING,
            **handed.get(material.pk, {}),
        )
        for material in item.materials.all()
    )
    # The answer is built from these rows: a new case has no tasks, documents, scans or custody yet.
    preload(case, materials=rows, events=[], tasks=[], documents=[], attachments=[], suspensions=[])
    case._state.fields_cache["custody"] = None
    case._chain_head = GENESIS  # its timeline starts here (see Event.save)
    if key:
        IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint, case=case, created_at=now)
    role = any_role(scope_of(user), case, user)
    event = record_event(
        case,
        user,
        role,
        "receive",
        "",
        State.RECEIVED,
        data={"channel": channel, "item_version": item.version},
    )
    acted = hooks.Acted("receive", case, user, role, event, {"channel": channel})
    try:
        hooks.publish(hooks.IN_TRANSACTION, acted)
    finally:
        release(case)
    hooks.publish(hooks.AFTER_COMMIT, acted)
    return case


# --- one-screen intake -----------------------------------------------------------------------------

# accept_complete: 即办件 accepted and completed on the spot (the accept action with complete=True).
INTAKE_DECISIONS = ("register", "accept", "accept_complete", "request_supplement", "refuse")


def intake_case(
    user,
    *,
    decision: str = "register",
    scans: list[tuple[int, object]] = (),
    deferred=(),
    promise_date: dt.date | None = None,
    missing: list[dict] | None = None,
    reason: str = "",
    result: str = "",
    **receive,
) -> tuple[Case, bool]:
    """一窗受理 on one screen: receive, attach the scans, then accept / request supplement / refuse.

    All or nothing: if the decision is refused (a required material missing, no reason…) the case, its
    scans and its events are rolled back and the files written are removed, so the clerk fixes the form
    and submits again. A retried Idempotency-Key returns the first case untouched (created False).
    """
    if decision not in INTAKE_DECISIONS:
        raise Invalid("请选择受理、受理并办结、补正、不予受理或仅收件", fields={"decision": "无效的操作"})
    saved: list[Attachment] = []
    try:
        with transaction.atomic():
            case, created = receive_case(user, **receive)
            if not created:
                return case, False
            for material, upload in scans:
                try:
                    saved.append(files.attach_scan(user, case, upload, material=material))
                except ApiError as exc:
                    raise exc.__class__(
                        exc.message, fields={f"scans.{material}": exc.fields.get("file", exc.message)}
                    ) from exc
            bodies = {
                "accept": {"deferred": list(deferred or ()), "promise_date": promise_date},
                "accept_complete": {"complete": True, "result": result},
                "request_supplement": {"missing": missing or []},
                "refuse": {"reason": reason},
            }
            if decision in bodies:
                action = "accept" if decision == "accept_complete" else decision
                registry.dispatch(action, user, case, bodies[decision])
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    case.refresh_from_db()
    return case, True
