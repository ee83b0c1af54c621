"""Writes on work orders: `register_order` and `act` (the lifecycle table in lifecycle.py), each one transaction
that checks, changes, appends the timeline event and tells its subscribers (signals.order_acted)."""

import hashlib
import hmac
import json
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q

from bianmin.accounts.models import Post, Role, User
from bianmin.accounts.scope import agent_village, scope_of
from bianmin.cases.actions.files import SCAN
from bianmin.cases.actions.intake import number_prefix
from bianmin.cases.clock import current_calendar
from bianmin.cases.selectors import cases_visible_to
from bianmin.cases.validators import phone_error
from bianmin.core import clock
from bianmin.core.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, TooMany
from bianmin.core.schemas import _UNPRINTABLE
from bianmin.core.throttle import wait_seconds, wait_text
from bianmin.inquiries import lifecycle
from bianmin.inquiries.clock import deadlines, within
from bianmin.inquiries.models import (
    CONTENT_MAX,
    Channel,
    Kind,
    OrderAttachment,
    OrderCounter,
    OrderEvent,
    OrderKey,
    PublicAttempt,
    State,
    WorkOrder,
)
from bianmin.inquiries.selectors import is_director_of, orders_visible_to
from bianmin.inquiries.signals import order_acted
from bianmin.regions.models import Center, CenterLevel, Department

PUBLIC_LIMIT = 5  # registrations without an account from one address …
PUBLIC_WINDOW = 60 * 60  # … per hour (seconds)
MAX_FILES = 5


def _text(value, field: str, errors: dict, *, required: bool, limit: int, label: str) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if required and not value:
        errors[field] = f"请填写{label}"
    elif len(value) > limit:
        errors[field] = f"{label}不能超过 {limit} 个字符"
    elif _UNPRINTABLE.search(value):
        errors[field] = "含有不可见的控制字符或无效字符，请重新输入"
    return value


def _fingerprint(**request) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def throttle_public(address: str) -> None:
    """429 when this address registered too many orders without an account lately; else count this one."""
    import datetime as dt

    window = dt.timedelta(seconds=PUBLIC_WINDOW)
    recent = PublicAttempt.objects.filter(address=address[:64], at__gte=clock.now() - window)
    wait = wait_seconds(recent, PUBLIC_LIMIT, window)
    if wait:
        raise TooMany(f"提交过于频繁，{wait_text(wait)}")
    PublicAttempt.objects.create(address=address[:64], at=clock.now())


def _home_center(user, scope, center_code: str | None, errors: dict) -> Center | None:
    """The center an order is registered at: the caller's own, or (public, supervisors) the one named."""
    if center_code:
        center = Center.objects.filter(code=center_code[:20], is_active=True).select_related("region").first()
        if center is None or center.level not in (CenterLevel.TOWNSHIP, CenterLevel.COUNTY):
            errors["center"] = "未找到该乡镇（县）便民服务中心"
            return None
        if scope.is_staff_member and not scope.is_admin and Role.SUPERVISOR not in scope.roles:
            if center.pk not in scope.center_ids:
                errors["center"] = "只能登记到本人所在的中心"
                return None
        return center
    if scope.center_ids:
        return Center.objects.select_related("region").get(pk=min(scope.center_ids))
    if Role.AGENT in scope.roles:
        village = agent_village(user)
        station = (
            Center.objects.filter(region=village).select_related("parent__region").first()
            if village
            else None
        )
        if station and station.parent:
            return station.parent
    if scope.department_ids:
        dept = Department.objects.filter(pk__in=scope.department_ids, center__isnull=False).first()
        if dept:
            return Center.objects.select_related("region").get(pk=dept.center_id)
    errors["center"] = "请选择受理的便民服务中心"
    return None


def _next_number(center: Center, year: int) -> str:
    counter, _ = OrderCounter.objects.get_or_create(center=center, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"GD{number_prefix(center)}{year}{counter.last:05d}"


def record(order, actor, action: str, before: str, note: str = "", **data) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order, at=clock.now(), actor=actor if getattr(actor, "pk", None) else None, action=action,
        from_state=before, to_state=order.state, note=note[:2000], data=data,
    )  # fmt: skip


def check_uploads(files) -> list[tuple[bytes, str]]:
    """Every file's bytes and kind, or Invalid/TooLarge on `attachments` before anything is stored."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise Invalid("附件过多", fields={"attachments": f"最多 {MAX_FILES} 个附件"})
    read = []
    for upload in files:
        try:
            read.append(SCAN.read(upload))
        except (Invalid, TooLarge) as exc:  # the issue asks 422 on `attachments` for both
            raise Invalid(exc.message, fields={"attachments": exc.message}) from None
    return read


def _store(order, user, data: bytes, kind: str) -> OrderAttachment:
    attachment = OrderAttachment(
        order=order, token=secrets.token_hex(16), content_type=kind, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user if getattr(user, "pk", None) else None,
        uploaded_at=clock.now(),
    )  # fmt: skip
    attachment.file.save(f"x{attachment.extension}", ContentFile(data), save=False)
    attachment.save()
    return attachment


def register_order(
    user,
    *,
    kind: str,
    content: str,
    channel: str = Channel.WINDOW,
    urgent: bool = False,
    person: dict | None = None,
    anonymous: bool = False,
    case: str | None = None,
    center: str | None = None,
    item: str | None = None,
    concerned_user: str | None = None,
    concerned_department: str | None = None,
    files=None,
    idempotency_key: str | None = None,
    address: str = "",
    then=None,
) -> tuple[WorkOrder, bool]:
    """登记: a new work order (or, for a retried Idempotency-Key, the first one). Public when `user` is None.

    `then(order)` runs in the registration's transaction (the caller writes its answer there): if it fails,
    nothing of the order is kept."""
    scope = scope_of(user)
    public = not scope.is_staff_member
    person = person if isinstance(person, dict) else {}
    owner_key = f"user:{user.pk}" if getattr(user, "pk", None) else f"addr:{address[:64]}"
    # The whole body (the person's name and phone included): citizens behind one township NAT share an address,
    # so a retry gives back the first order only when every field is the same; anything else is a 409 that
    # says nothing of the first order.
    fingerprint = _fingerprint(kind=kind, content=content, channel=channel, urgent=urgent, person=person,
                               anonymous=anonymous, case=case, center=center, item=item,
                               concerned_user=concerned_user, concerned_department=concerned_department,
                               address=owner_key)  # fmt: skip
    if idempotency_key:
        if len(idempotency_key) > 100:
            raise Invalid("Idempotency-Key 过长", fields={"Idempotency-Key": "不超过100个字符"})
        earlier = (
            OrderKey.objects.filter(owner=owner_key, key=idempotency_key).select_related("order").first()
        )
        if earlier:
            return _replayed(earlier, fingerprint), False
    if public:
        throttle_public(address)
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "应为 consult、help、complaint、report 或 suggestion"
    if channel not in Channel.values:
        errors["channel"] = "应为 window、phone、agent、web、case 或 rating"
    if public:
        channel = Channel.WEB
    text = _text(content, "content", errors, required=True, limit=CONTENT_MAX, label="内容")
    anonymous = bool(anonymous)
    if anonymous and kind != Kind.REPORT:
        errors["anonymous"] = "只有举报可以匿名"
    name = (
        ""
        if anonymous
        else _text(person.get("name"), "person.name", errors, required=False, limit=40, label="姓名")
    )
    phone = (
        ""
        if anonymous
        else _text(person.get("phone"), "person.phone", errors, required=False, limit=20, label="电话")
    )
    if not anonymous:
        if not phone:
            errors.setdefault("person.phone", "请填写联系电话（匿名举报除外）")
        elif phone_error(phone):
            errors.setdefault("person.phone", phone_error(phone))
    home = _home_center(user, scope, center, errors)
    linked = None
    if case:
        if public or not isinstance(case, str):
            errors["case"] = "网上留言请在办件查询页面凭查询码反映办件问题"
        else:
            linked = cases_visible_to(user).select_related("lead_department").filter(number=case[:40]).first()
            if linked is None:
                errors["case"] = "未找到该办件"
    item_code = _text(item, "item", errors, required=False, limit=40, label="事项编码")
    concerned = None
    if concerned_user:
        concerned = scope.staff().filter(username=str(concerned_user)[:150]).first() if not public else None
        if concerned is None:
            errors["concerned_user"] = "未找到该工作人员"
    concerned_dept = None
    if concerned_department:
        if home is not None:
            # Only a department of the order's own center or one the registrar's scope covers: a township
            # cannot put a complaint on another township's departments (it would count in their figures).
            allowed = Q(center=home)
            if scope.is_staff_member:
                allowed |= Q(pk__in=scope.departments().values("pk"))
            concerned_dept = Department.objects.filter(allowed, code=str(concerned_department)[:24]).first()
        if concerned_dept is None:
            errors["concerned_department"] = "未找到该部门"
    if errors:
        raise Invalid("登记信息有误", fields=errors)
    uploads = check_uploads(files)
    if linked is not None and concerned_dept is None and kind == Kind.COMPLAINT:
        # A complaint about a case concerns the department that leads it unless the clerk says otherwise.
        concerned_dept = linked.lead_department
    try:
        with transaction.atomic():
            order = _create(
                user, home, kind, channel, bool(urgent), name, phone, anonymous, text, linked, item_code,
                concerned, concerned_dept,
            )  # fmt: skip
            for data, content_type in uploads:
                _store(order, user, data, content_type)
            if idempotency_key:
                OrderKey.objects.create(
                    owner=owner_key, key=idempotency_key, fingerprint=fingerprint, order=order,
                    created_at=clock.now(),
                )  # fmt: skip
            if then is not None:
                then(order)
            return order, True
    except IntegrityError:
        earlier = (
            OrderKey.objects.filter(owner=owner_key, key=idempotency_key or "")
            .select_related("order")
            .first()
        )
        if earlier:  # a concurrent twin: the same rule as a retry
            return _replayed(earlier, fingerprint), False
        raise


def _replayed(earlier: OrderKey, fingerprint: str) -> WorkOrder:
    """The first order of a retried key, only for the very same body; otherwise 409 revealing nothing of it."""
    if not hmac.compare_digest(earlier.fingerprint, fingerprint):
        raise Conflict("同一个 Idempotency-Key 已用于另一次提交，请换一个", code="idempotency_key_reused")
    return earlier.order


def _create(user, center, kind, channel, urgent, name, phone, anonymous, text, case, item_code, concerned,
            concerned_dept) -> WorkOrder:  # fmt: skip
    now = clock.now()
    Center.objects.select_for_update().filter(pk=center.pk).first()
    county = center.region_id[:6] + "000000"
    calendar = current_calendar(center.region_id)
    dispatch_due, due = deadlines(county, kind, urgent, now.date(), calendar)
    staff = getattr(user, "pk", None) is not None and scope_of(user).is_staff_member
    order = WorkOrder.objects.create(
        number=_next_number(center, now.year), query_code=f"{secrets.randbelow(10**6):06d}", kind=kind,
        urgent=urgent, channel=channel, state=State.REGISTERED, center=center, county=county,
        person_name=name, person_phone=phone, anonymous=anonymous, confidential=kind == Kind.REPORT,
        content=text, case=case, item_code=item_code, concerned_user=concerned,
        concerned_department=concerned_dept, owner=user if staff else None,
        registered_by=user if staff else None, registered_at=now, registered_on=now.date(),
        dispatch_due=dispatch_due, due=due,
    )  # fmt: skip
    event = record(order, user, "register", "", channel=channel)
    order_acted.send(sender=WorkOrder, order=order, action="register", actor=user, event=event)
    return order


# --- steps after registration ----------------------------------------------------------------------------


def _roles_of(user, order: WorkOrder) -> set[str]:
    scope = scope_of(user)
    roles = set()
    if scope.is_admin or order.center_id in scope.center_ids:
        roles.add(lifecycle.DISPATCHER)
    if is_director_of(user, order):
        roles.add(lifecycle.DIRECTOR)
    if order.department_id and (scope.is_admin or order.department_id in scope.department_ids):
        roles.add(lifecycle.DEPARTMENT)
    if order.owner_id and order.owner_id == user.pk and order.state == State.REGISTERED:
        roles.add(lifecycle.OWNER)
    return roles


def allowed_actions(user, order: WorkOrder) -> list[str]:
    roles = _roles_of(user, order)
    return [
        name for name, step in lifecycle.STEPS.items() if order.state in step.moves and roles & step.roles
    ]


def act(user, number: str, action: str, data: dict | None = None) -> WorkOrder:
    """Perform one step. Checks in order: not found (404) → stale version → wrong state (409) → not yours
    (403) → input (422); nothing is written unless all pass."""
    data = data if isinstance(data, dict) else {}
    step = lifecycle.STEPS.get(action)
    with transaction.atomic():
        order = (
            orders_visible_to(user).select_for_update(of=("self",)).filter(number=str(number)[:40]).first()
        )
        if order is None or step is None:
            raise NotFound("未找到该工单")
        version = data.get("version")
        if version is not None and version != order.version:
            raise Conflict("工单已被他人修改，请刷新后重试", code="stale_version")
        if order.state not in step.moves:
            raise Conflict(f"工单“{order.get_state_display()}”时不能{step.label}", code="wrong_state")
        if not _roles_of(user, order) & step.roles:
            raise Forbidden(f"无权{step.label}")
        before = order.state
        note, extra = HANDLERS[action](user, order, data)
        if step.moves[before]:
            order.state = step.moves[before]
        order.version += 1
        order.save()
        event = record(order, user, action, before, note, **extra)
        order_acted.send(sender=WorkOrder, order=order, action=action, actor=user, event=event)
    return order


def _required(data, field: str, label: str, limit: int) -> str:
    errors: dict[str, str] = {}
    value = _text(data.get(field), field, errors, required=True, limit=limit, label=label)
    if errors:
        raise Invalid("输入有误", fields=errors)
    return value


def _department(order: WorkOrder, code, *, county_only: bool = False) -> Department:
    if not isinstance(code, str) or not code:
        raise Invalid("请选择部门", fields={"department": "请选择承办部门"})
    county = order.county
    found = Department.objects.filter(code=code[:24]).select_related("region").first()
    ok = found is not None and (
        found.region_id == county
        if county_only
        else (found.center_id == order.center_id or found.region_id == county)
    )
    if not ok:
        raise Invalid("部门不在可派范围内", fields={"department": "应为本中心进驻的站所或本县县直部门"})
    return found


def _dispatch(user, order, data):
    dept = _department(order, data.get("department"))
    order.department, order.dispatched_at, order.owner = dept, clock.now(), None
    return "", {"department": dept.code, "department_name": dept.name}


def _accept(user, order, data):
    return "", {}


def _answer(user, order, data):
    text = _required(data, "text", "答复内容", CONTENT_MAX)
    upheld = data.get("upheld")
    if upheld is not None and not isinstance(upheld, bool):
        raise Invalid("输入有误", fields={"upheld": "应为是或否"})
    now = clock.now()
    order.answer_text, order.answered_at, order.answered_on, order.answered_by = text, now, now.date(), user
    order.upheld = upheld if order.kind in (Kind.COMPLAINT, Kind.REPORT) else None
    order.owner = None
    return "", {"upheld": order.upheld}


def _return(user, order, data):
    reason = _required(data, "reason", "退回理由", 200)
    if order.returned:
        raise Conflict("工单只能退回一次，请办理或申请上报", code="returned_once")
    dept = order.department
    order.department, order.returned = None, True
    return reason, {"department": dept.code if dept else ""}


def _escalate(user, order, data):
    if order.escalated:
        raise Conflict("工单已上报过县级部门", code="escalated_once")
    code = data.get("department")
    if not code:
        line = order.department.kind if order.department_id else ""
        found = Department.objects.filter(region_id=order.county, kind=line).first() if line else None
        if found is None:
            raise Invalid("请选择县级部门", fields={"department": "请选择上报的县直部门"})
        code = found.code
    dept = _department(order, code, county_only=True)
    order.department, order.escalated, order.dispatched_at, order.owner = dept, True, clock.now(), None
    return "", {"department": dept.code, "department_name": dept.name}


def _days(data) -> int:
    days = data.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 30:
        raise Invalid("输入有误", fields={"days": "延长天数应为 1–30 个工作日"})
    return days


def _apply_extension(order, days: int, reason: str) -> None:
    calendar = current_calendar(order.center.region_id)
    order.due = within(calendar, order.due, days)
    order.extension_days, order.extension_reason = days, reason
    order.extension_requested, order.extension_request_reason = 0, ""


def _extend(user, order, data):
    if order.extension_days:
        raise Conflict("工单已延长过一次", code="extended_once")
    if order.extension_requested and not is_director_of(user, order):
        raise Conflict("延期申请正等待中心负责人审批", code="extension_pending")
    days = _days(data)
    reason = _required(data, "reason", "延长理由", 200)
    if is_director_of(user, order):
        _apply_extension(order, days, reason)
        return reason, {"days": days, "approved": True, "due": order.due.isoformat()}
    order.extension_requested, order.extension_request_reason = days, reason
    return reason, {"days": days, "approved": False}


def _approve_extension(user, order, data):
    if not order.extension_requested:
        raise Conflict("没有待审批的延期申请", code="no_extension_request")
    days = order.extension_requested
    _apply_extension(order, days, order.extension_request_reason)
    return "", {"days": days, "due": order.due.isoformat()}


def _callback(user, order, data):
    reached = data.get("reached")
    if not isinstance(reached, bool):
        raise Invalid("输入有误", fields={"reached": "请说明是否联系上"})
    note = data.get("note") or ""
    errors: dict[str, str] = {}
    note = _text(note, "note", errors, required=False, limit=200, label="回访记录")
    if errors:
        raise Invalid("输入有误", fields=errors)
    if not order.person_phone:
        raise Conflict("匿名工单无法回访，可直接办结", code="no_phone")
    if not reached:
        order.callback_attempts += 1
        # Not reached: the state stays "answered" (the table moves it only when the person rated it).
        return note, {"reached": False}
    level = data.get("level")
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise Invalid("输入有误", fields={"level": "评价应为 1（非常满意）到 5（非常不满意）"})
    order.callback_attempts += 1
    order.called_back_at, order.callback_level = clock.now(), level
    order.state = State.CALLED_BACK
    return note, {"reached": True, "level": level}


def _close(user, order, data):
    if order.state == State.ANSWERED and order.person_phone and not order.callback_attempts:
        raise Conflict("请先回访再办结", code="callback_first")
    order.closed_at = clock.now()
    return "", {}


def _publish(user, order, data):
    if order.kind != Kind.CONSULT:
        raise Conflict("只有咨询类工单可以公开为常见问题", code="not_consult")
    public = data.get("public", True)
    if not isinstance(public, bool):
        raise Invalid("输入有误", fields={"public": "应为是或否"})
    if public:
        question = _required(data, "question", "问题（公开时请去掉个人信息）", 200)
        item = data.get("item") or order.item_code
        errors: dict[str, str] = {}
        item = _text(item, "item", errors, required=False, limit=40, label="事项编码")
        if errors:
            raise Invalid("输入有误", fields=errors)
        order.faq_question, order.item_code = question, item
    order.faq_public = public
    return "", {"public": public}


HANDLERS = {
    "dispatch": _dispatch,
    "accept": _accept,
    "answer": _answer,
    "return": _return,
    "escalate": _escalate,
    "extend": _extend,
    "approve_extension": _approve_extension,
    "callback": _callback,
    "close": _close,
    "publish": _publish,
}


def record_reveal(user, order: WorkOrder) -> None:
    """Reading the full name and phone is itself a step on the timeline (who looked, when)."""
    record(order, user, "reveal", order.state)


def attach(user, number: str, upload) -> OrderAttachment:
    """A photo or scan added to an order by the window or the handling department (same checks as cases)."""
    order = orders_visible_to(user).filter(number=str(number)[:40]).first()
    if order is None:
        raise NotFound("未找到该工单")
    if not _roles_of(user, order) & {lifecycle.DISPATCHER, lifecycle.DEPARTMENT, lifecycle.OWNER}:
        raise Forbidden("无权上传附件")
    data, kind = SCAN.read(upload)
    with transaction.atomic():
        attachment = _store(order, user, data, kind)
        record(order, user, "upload", order.state)
    return attachment


def people_of_department(department_id: int) -> list[int]:
    return list(
        Post.objects.filter(department_id=department_id, role=Role.APPROVER, is_active=True).values_list(
            "user_id", flat=True
        )
    )


def dispatchers_of(center_id: int) -> list[int]:
    return list(
        Post.objects.filter(center_id=center_id, role__in=[Role.CLERK, Role.DIRECTOR], is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


__all__ = ["register_order", "act", "allowed_actions", "User"]
