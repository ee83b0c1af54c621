"""Supervision writes: a supervisor's manual order, the recipient's answer (回告), accept / return, card
appeals and their decision. Each checks in one order — not visible (404) → wrong state (409) → not allowed
(403) → bad input (422) — before anything is written; the pages and the API call these same functions.
"""

import datetime as dt
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from bianmin.accounts.models import Post, Role, User
from bianmin.accounts.scope import scope_of
from bianmin.cases.actions.base import record_event
from bianmin.cases.actions.files import MAGIC
from bianmin.cases.models import Case, Task, TaskState
from bianmin.cases.selectors import cases_visible_to
from bianmin.core import clock
from bianmin.core.errors import Conflict, Forbidden, Invalid, NotFound
from bianmin.messaging.notices import notify
from bianmin.regions.services import supervision_settings
from bianmin.supervision import selectors
from bianmin.supervision.models import (
    MANUAL_SUBJECTS,
    WAITING_STATES,
    AnswerFile,
    Card,
    CardState,
    Entry,
    Order,
    OrderState,
)
from bianmin.supervision.sweep import DEFAULT_REQUIREMENT, Party, county_of, create_order, tell_order

MAX_TEXT = 2000
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
SUBJECT_RESOLVERS = {}


def register_subject(kind: str, fn) -> None:
    """Work orders / rectifications (other apps): fn(user, ref) → dict(label, link, party fields, region_code)
    for an item the user may see, else None. The lead wires them at merge (interfaces.md)."""
    SUBJECT_RESOLVERS[kind] = fn


def _text(value, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise Invalid("输入有误", fields={field: f"请填写{label}"})
    if len(text) > limit:
        raise Invalid("输入有误", fields={field: f"{label}不超过 {limit} 字"})
    return text


def _first_user(**where) -> int | None:
    return (
        Post.objects.filter(is_active=True, **where)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )


def _resolve_subject(user, kind: str, ref: str) -> dict:
    """What a manual order is about, through the caller's scope; anything not found is a 422 on subject.ref."""
    scope = scope_of(user)
    missing = Invalid("督办对象不存在或不在您的监察范围内", fields={"subject.ref": "未找到该督办对象"})
    if kind == "case":
        case = cases_visible_to(user).filter(number=ref[:40]).select_related("center").first()
        if case is None:
            raise missing
        pending = list(
            Task.objects.filter(case=case, state=TaskState.PENDING).values_list("department_id", flat=True)
        )
        dept = (
            case.escalated_to_id
            if case.state == "escalated"
            else (pending[0] if pending else case.lead_department_id)
        )
        return {"case": case, "label": f"办件{case.number}", "link": reverse("cases:case", args=[case.number]),
                "party": Party(dept, _first_user(role=Role.APPROVER, department_id=dept) if dept else None, case.center_id),
                "region_code": case.center.region_id}  # fmt: skip
    if kind == "center":
        center = scope.centers().filter(code=ref[:20]).first()
        if center is None:
            raise missing
        return {"case": None, "label": center.name, "link": "", "region_code": center.region_id,
                "party": Party(None, _first_user(role=Role.DIRECTOR, center=center), center.pk)}  # fmt: skip
    if kind == "department":
        dept = scope.departments().filter(code=ref[:24]).first()
        if dept is None:
            raise missing
        return {"case": None, "label": dept.name, "link": "", "region_code": dept.region_id,
                "party": Party(dept.pk, _first_user(role=Role.APPROVER, department=dept), dept.center_id)}  # fmt: skip
    if kind == "person":
        person = scope.staff().filter(username=ref[:150]).first()
        if person is None:
            raise missing
        post = Post.objects.filter(user=person, is_active=True).select_related("department", "center").first()
        region = ""
        if post is not None:
            region = (post.center.region_id if post.center_id else post.department.region_id if post.department_id
                      else post.region_id or "")  # fmt: skip
        return {"case": None, "label": person.display_name, "link": "", "region_code": region,
                "party": Party(post.department_id if post else None, person.pk, post.center_id if post else None)}  # fmt: skip
    resolver = SUBJECT_RESOLVERS.get(kind)
    found = resolver(user, ref) if resolver else None
    if not found:
        raise missing
    return found


@transaction.atomic
def issue_order(user, *, subject_kind, subject_ref, reason, requirement="", reply_due) -> Order:
    """A supervisor issues an order by hand (about a case, work order, rectification, center, department,
    person); the reply deadline must be a date from today on."""
    scope = scope_of(user)
    if not scope.has_role(Role.SUPERVISOR):
        raise Forbidden("只有效能监察人员可以下发督办单")
    errors = {}
    if subject_kind not in MANUAL_SUBJECTS:
        errors["subject.kind"] = "督办对象类别应为 " + "、".join(MANUAL_SUBJECTS)
    ref = (subject_ref or "").strip() if isinstance(subject_ref, str) else ""
    if not ref:
        errors["subject.ref"] = "请填写督办对象"
    if not isinstance(reply_due, dt.date):
        errors["reply_due"] = "请填写回告期限"
    elif reply_due < clock.today():
        errors["reply_due"] = "回告期限不能早于今天"
    elif reply_due > clock.today() + dt.timedelta(days=366):
        errors["reply_due"] = "回告期限不能超过一年"
    try:
        reason = _text(reason, "reason", "督办事由")
    except Invalid as exc:
        errors.update(exc.fields)
    try:
        requirement = _text(requirement, "requirement", "督办要求", required=False) or DEFAULT_REQUIREMENT
    except Invalid as exc:
        errors.update(exc.fields)
    if errors:
        raise Invalid("督办单填写有误", fields=errors)
    subject = _resolve_subject(user, subject_kind, ref)
    party = subject["party"]
    order = create_order(
        subject_kind=subject_kind, subject_ref=ref, case=subject["case"], label=subject["label"],
        link=subject.get("link", ""), party=party, region_code=subject["region_code"], reason=reason,
        requirement=requirement, reply_due=reply_due, by=user,
    )  # fmt: skip
    users = [party.person_id] if party.person_id else []
    if party.department_id:
        users += list(Post.objects.filter(role=Role.APPROVER, is_active=True, department_id=party.department_id)
                      .values_list("user_id", flat=True))  # fmt: skip
    if party.center_id:
        users += list(Post.objects.filter(role=Role.DIRECTOR, is_active=True, center_id=party.center_id)
                      .values_list("user_id", flat=True))  # fmt: skip
    tell_order(order, list(dict.fromkeys(users)), subject["case"])
    return order


def _locked_order(user, number: str) -> Order:
    order = (
        selectors.orders_visible_to(user)
        .filter(number=(number or "")[:20])
        .select_for_update(of=("self",))
        .select_related("case", "center", "department", "person")
        .first()
    )
    if order is None:
        raise NotFound("未找到该督办单", code="order_not_found")
    return order


def _case_event(order: Order, user, action: str, note: str) -> None:
    if order.case_id:
        case = Case.objects.get(pk=order.case_id)
        record_event(case, user, "supervisor" if action != "supervision_answer" else "", action, case.state,
                     case.state, note=note, data={"order": order.number})  # fmt: skip


def _check_files(files) -> list[tuple[bytes, str, str]]:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise Invalid("附件过多", fields={"files": f"最多 {MAX_FILES} 个附件"})
    out = []
    for upload in files:
        if upload.size > MAX_FILE_BYTES:
            raise Invalid("附件过大", fields={"files": "每个附件不超过 10 MB"})
        data = upload.read()
        kind = next((k for magic, k in MAGIC if data.startswith(magic)), None)
        if kind is None:
            raise Invalid("附件类型不支持", fields={"files": "附件只能是 JPG、PNG 或 PDF"})
        out.append((data, kind, (upload.name or "")[:100]))
    return out


@transaction.atomic
def answer_order(user, number: str, *, text, files=()) -> Order:
    """回告: the recipient says what was done (with attachments); the supervisor reviews it next."""
    order = _locked_order(user, number)
    if order.state not in WAITING_STATES:
        raise Conflict("该督办单当前不能回告", code="order_not_waiting")
    if not selectors.may_answer(user, order):
        raise Forbidden("只有督办单的责任人、责任部门或中心负责人可以回告")
    body = _text(text, "text", "回告内容")
    checked = _check_files(files)
    now = clock.now()
    first = order.answered_at is None
    order.state, order.answered_at = OrderState.ANSWERED, now
    if first:
        order.answered_on_time = now.date() <= order.reply_due
    order.save(update_fields=["state", "answered_at", "answered_on_time"])
    entry = Entry.objects.create(order=order, at=now, actor=user, actor_name=user.display_name, action="answered",
                                 text=body)  # fmt: skip
    for data, kind, name in checked:
        row = AnswerFile(
            entry=entry, token=secrets.token_hex(16), name=name, content_type=kind, size=len(data)
        )
        row.file.save(f"{row.token}{row.extension}", ContentFile(data), save=False)
        row.save()
    _case_event(order, user, "supervision_answer", f"督办单{order.number}回告：{body}"[:2000])
    link = reverse("supervision:order", args=[order.number])
    notify(_reviewers(order), "supervision_answer", f"督办单{order.number}已回告，请审核", body[:500], link,
           case=order.case)  # fmt: skip
    return order


def _reviewers(order: Order) -> list[int]:
    posts = Post.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related("region")
    users = [p.user_id for p in posts if p.region and order.region_code.startswith(p.region.prefix)]
    if order.issued_by_id:
        users.append(order.issued_by_id)
    return list(dict.fromkeys(users))


def _review(user, number: str) -> Order:
    order = _locked_order(user, number)
    if order.state != OrderState.ANSWERED:
        raise Conflict("只有已回告的督办单可以审核", code="order_not_answered")
    if not selectors.may_review(user, order):
        raise Forbidden("只有效能监察人员可以审核回告")
    return order


@transaction.atomic
def accept_answer(user, number: str) -> Order:
    order = _review(user, number)
    now = clock.now()
    order.state, order.closed_at = OrderState.CLOSED, now
    order.save(update_fields=["state", "closed_at"])
    Entry.objects.create(order=order, at=now, actor=user, actor_name=user.display_name, action="accepted")
    _case_event(order, user, "supervision_closed", f"督办单{order.number}回告审核通过，督办办结")
    return order


@transaction.atomic
def return_answer(user, number: str, *, reason) -> Order:
    """再督办: the answer is not enough; a new reply deadline (the county's working days from today)."""
    order = _review(user, number)
    why = _text(reason, "reason", "退回理由")
    now = clock.now()
    from bianmin.cases.clock import current_calendar
    from bianmin.regions.models import Region

    county = county_of(order.region_code)
    days = supervision_settings(county).reply_days
    order.reply_due = (
        current_calendar(Region.objects.filter(code=county).first()).add_workdays(now.date(), days).date
    )
    order.state, order.returns = OrderState.RETURNED, order.returns + 1
    order.save(update_fields=["state", "returns", "reply_due"])
    Entry.objects.create(order=order, at=now, actor=user, actor_name=user.display_name, action="returned",
                         text=f"{why}（新的回告期限：{order.reply_due:%Y-%m-%d}）")  # fmt: skip
    _case_event(order, user, "supervision_returned", f"督办单{order.number}退回再督办：{why}")
    users = [order.person_id] if order.person_id else []
    users += list(Post.objects.filter(role=Role.APPROVER, is_active=True, department_id=order.department_id)
                  .values_list("user_id", flat=True)) if order.department_id else []  # fmt: skip
    tell_order(order, list(dict.fromkeys(users)), order.case)
    return order


def _locked_card(user, card_id) -> Card:
    try:
        pk = int(card_id)
    except (TypeError, ValueError):
        pk = 0
    if not 0 < pk < 2**31:
        pk = 0
    card = selectors.cards_visible_to(user).filter(pk=pk).select_for_update(of=("self",)).first()
    if card is None:
        raise NotFound("未找到该红黄牌", code="card_not_found")
    return card


def appeal_deadline(card: Card) -> dt.date:
    from bianmin.cases.clock import current_calendar
    from bianmin.regions.models import Region

    county = county_of(card.region_code)
    days = supervision_settings(county).appeal_days
    return (
        current_calendar(Region.objects.filter(code=county).first()).add_workdays(card.issued_on, days).date
    )


@transaction.atomic
def appeal_card(user, card_id, *, reason) -> Card:
    """申诉: once, within the county's appeal period, by the carded person or their department/center."""
    card = _locked_card(user, card_id)
    if card.appealed_at is not None or card.state != CardState.STANDING:
        raise Conflict("每张红黄牌只能申诉一次", code="already_appealed")
    if clock.today() > appeal_deadline(card):
        raise Conflict(f"申诉期限（{appeal_deadline(card):%Y-%m-%d}）已过", code="appeal_too_late")
    if not selectors.may_appeal(user, card):
        raise Forbidden("只有被亮牌的人员或部门可以申诉")
    why = _text(reason, "reason", "申诉理由")
    card.state, card.appeal_reason, card.appealed_at, card.appealed_by = (
        CardState.APPEALED,
        why,
        clock.now(),
        user,
    )
    card.save(update_fields=["state", "appeal_reason", "appealed_at", "appealed_by"])
    posts = Post.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related("region")
    supervisors = [p.user_id for p in posts if p.region and card.region_code.startswith(p.region.prefix)]
    notify(supervisors, "card_appeal", f"{card.get_color_display()}申诉：{card.label}"[:200], why[:500],
           reverse("supervision:card", args=[card.pk]))  # fmt: skip
    return card


@transaction.atomic
def decide_appeal(user, card_id, *, decision, reason) -> Card:
    """The county supervisor upholds the card (it stays on the record) or withdraws it."""
    card = _locked_card(user, card_id)
    if card.state != CardState.APPEALED:
        raise Conflict("该红黄牌没有待处理的申诉", code="not_appealed")
    if not selectors.may_review(user, card):
        raise Forbidden("只有效能监察人员可以处理申诉")
    if decision not in (CardState.UPHELD, CardState.WITHDRAWN):
        raise Invalid("输入有误", fields={"decision": "处理结果应为 upheld（维持）或 withdrawn（撤销）"})
    why = _text(reason, "reason", "处理意见")
    card.state, card.decision, card.decided_at, card.decided_by = decision, why, clock.now(), user
    card.save(update_fields=["state", "decision", "decided_at", "decided_by"])
    users = [u for u in (card.person_id, card.appealed_by_id) if u]
    notify(list(dict.fromkeys(users)), "card_decided", f"申诉处理结果：{card.get_state_display()}"[:200], why[:500],
           reverse("supervision:card", args=[card.pk]))  # fmt: skip
    return card


def users_named(ids) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "name"))
