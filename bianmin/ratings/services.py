"""Rating a case (every channel) and the rectification of a 差评, step by step.

Every write here holds the case row (select_for_update) and appends its event to the case's hash-chained
timeline with `record_event`; nothing is ever edited back or deleted. Input shapes are checked by the
schemas in `bianmin.ratings.schemas` (a 422 naming the field); the rules (stage happened, window open,
same stage twice, who may act, which step follows which) answer 409 / 403 / 404 here.
"""

import datetime as dt
import hashlib
import logging
import re
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from pydantic import ValidationError

from bianmin.accounts.models import Post, Role
from bianmin.accounts.scope import scope_of
from bianmin.cases.actions.base import record_event
from bianmin.cases.clock import current_calendar
from bianmin.cases.models import Case, Event, State
from bianmin.cases.selectors import cases_visible_to
from bianmin.core import clock
from bianmin.core.errors import Conflict, Forbidden, Invalid, NotFound, TooMany, validation_fields
from bianmin.core.throttle import wait_seconds, wait_text
from bianmin.ratings.models import (
    BAD_LEVELS,
    EVENT_LABELS,
    LEVELS,
    PadPrompt,
    Rating,
    RatingInvite,
    Rectification,
    RectState,
    Stage,
)
from bianmin.regions.models import CountySettings

log = logging.getLogger(__name__)

# Stuffing: so many ratings from one address in the window (the pad and staff-recorded ones excepted).
ADDRESS_LIMIT, ADDRESS_WINDOW = 20, dt.timedelta(minutes=15)
# A pad prompt older than this is no longer shown (the citizen has gone).
PAD_FRESH = dt.timedelta(minutes=20)


# --- county rules --------------------------------------------------------------------------------------


def county_rules(county_code: str) -> CountySettings:
    """The county's settings row, or the project defaults (an unsaved row)."""
    return CountySettings.objects.filter(county_id=county_code).first() or CountySettings()


def split_tags(text: str) -> list[str]:
    out = []
    for part in (text or "").replace(",", "、").replace("，", "、").replace("\n", "、").split("、"):
        part = part.strip()
        if part and part not in out:
            out.append(part[:20])
    return out


def tags_of(rules: CountySettings) -> tuple[list[str], list[str]]:
    return split_tags(rules.rating_tags_good), split_tags(rules.rating_tags_bad)


def mask_name(name: str) -> str:
    """王桂英 → 王*英, 王英 → 王*, a unit's name keeps its first and last characters."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name or "群众"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def public_text(text: str) -> str:
    """A citizen's comment as the public board shows it: ID numbers and mobile numbers masked."""
    from bianmin.messaging.services import without_id_numbers

    return MOBILE_IN_TEXT.sub(r"\1****\2", without_id_numbers(text or ""))


# --- stages --------------------------------------------------------------------------------------------

STAGE_ACTIONS = {Stage.INTAKE: ("accept",), Stage.COMPLETION: ("deliver", "complete")}


def staff_for_stage(case: Case, stage: str):
    """Who served the citizen in that stage: the clerk who accepted; who delivered (else who completed)."""
    for action in STAGE_ACTIONS.get(stage, ()):
        event = (
            Event.objects.filter(case=case, action=action, actor__isnull=False)
            .select_related("actor")
            .order_by("-id")
            .first()
        )
        if event is not None:
            return event.actor
    return None


def window_closes(case: Case, rules: CountySettings) -> dt.datetime | None:
    """The end of the rating window: N natural days after delivery; None while not delivered."""
    if case.delivered_at is None:
        return None
    return case.delivered_at + dt.timedelta(days=rules.rating_window_days)


def check_stage(case: Case, stage: str, rules: CountySettings, now: dt.datetime) -> None:
    """409 naming `stage` when the stage has not happened yet or the rating window has closed."""
    if stage == Stage.INTAKE:
        happened = case.accepted_at is not None or case.state == State.REFUSED
    else:
        happened = case.state == State.DELIVERED
    if not happened:
        raise Conflict(
            "该环节尚未完成，暂不能评价",
            code="stage_not_reached",
            fields={
                "stage": "办结送达后才能评价办理结果"
                if stage == Stage.COMPLETION
                else "受理后才能评价窗口服务"
            },
        )
    closes = window_closes(case, rules)
    if closes is not None and now > closes:
        raise Conflict(
            "评价期已过",
            code="rating_closed",
            fields={"stage": f"送达后{rules.rating_window_days}天内可以评价"},
        )


def open_stages(case: Case, now: dt.datetime | None = None) -> list[str]:
    """The stages the citizen can still rate now (not rated yet, happened, window open)."""
    now = now or clock.now()
    rules = county_rules(case.county)
    rated = set(Rating.objects.filter(case=case).values_list("stage", flat=True))
    out = []
    for stage in (Stage.INTAKE, Stage.COMPLETION):
        if stage in rated:
            continue
        try:
            check_stage(case, stage, rules, now)
        except Conflict:
            continue
        out.append(stage)
    return out


def parse_rating(data: dict):
    """The rating input as the schema reads it; a 422 naming the field otherwise."""
    from bianmin.ratings.schemas import RatingIn

    try:
        return RatingIn.model_validate(data)
    except ValidationError as exc:
        raise Invalid("输入有误", fields=validation_fields(exc.errors())) from exc


def check_throttle(address: str) -> None:
    if not address:
        return
    recent = Rating.objects.filter(
        address=address[:64], created_at__gte=clock.now() - ADDRESS_WINDOW
    ).annotate(at=F("created_at"))
    wait = wait_seconds(recent, ADDRESS_LIMIT, ADDRESS_WINDOW)
    if wait:
        raise TooMany(f"评价过于频繁，{wait_text(wait)}")


def handled_by(case: Case, user) -> bool:
    """Whether `user` took any step on the case (they may not record a rating of it for the citizen)."""
    return Event.objects.filter(case=case, actor_id=user.pk).exclude(action__in=list(EVENT_LABELS)).exists()


def rate(
    case: Case | str,
    *,
    stage: str,
    level: int,
    channel: str,
    tags=(),
    comment: str = "",
    recorded_by=None,
    rated_by=None,
    address: str = "",
) -> Rating:
    """Record one rating (input already validated by RatingIn); a 差评 opens its rectification."""
    number = case.number if isinstance(case, Case) else str(case)
    if channel in ("qr", "mobile", "pc", "sms", "online"):
        check_throttle(address)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("center__region", "item", "escalated_to", "lead_department")
            .filter(number=number[:40])
            .first()
        )
        if case is None:
            raise NotFound("办件编号或查询码不正确")
        rules = county_rules(case.county)
        if Rating.objects.filter(case=case, stage=stage).exists():
            raise Conflict(
                "该环节已经评价过了，每个环节只能评价一次", code="already_rated", fields={"stage": "已评价"}
            )
        now = clock.now()
        check_stage(case, stage, rules, now)
        good, bad = tags_of(rules)
        allowed = bad if level in BAD_LEVELS else good
        unknown = [t for t in tags if t not in good and t not in bad]
        if unknown:
            raise Invalid("输入有误", fields={"tags": f"没有这个标签：{unknown[0][:20]}"})
        tags = [t for t in dict.fromkeys(tags) if t in allowed]
        if recorded_by is not None and handled_by(case, recorded_by):
            raise Forbidden("不能代录自己经办办件的评价", code="own_case")
        staff = staff_for_stage(case, stage)
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    case=case, stage=stage, level=level, channel=channel, tags=tags, comment=comment.strip(),
                    staff=staff, center=case.center, department=case.escalated_to or case.lead_department,
                    recorded_by=recorded_by, rated_by=rated_by, address=(address or "")[:64], created_at=now,
                )  # fmt: skip
        except IntegrityError as exc:
            raise Conflict("该环节已经评价过了", code="already_rated", fields={"stage": "已评价"}) from exc
        actor = recorded_by or rated_by
        record_event(
            case, actor, "staff" if recorded_by else "applicant", "rate", case.state, case.state,
            f"{Stage(stage).label}：{LEVELS[level]}",
            {"rating": rating.pk, "stage": stage, "level": level, "channel": channel, "tags": tags},
        )  # fmt: skip
        if level in BAD_LEVELS:
            open_rectification(rating, rules, now)
    return rating


# --- the pad and the SMS invitation --------------------------------------------------------------------


def prompt_pad(actor, case: Case, stage: str) -> PadPrompt | None:
    """Put the case on the pad of the window `actor` sits at (nothing when they sit at none)."""
    from bianmin.devices.services import seat_of

    window = seat_of(actor)
    if window is None or window.center_id != case.center_id:
        return None
    with transaction.atomic(savepoint=False):  # in the action's transaction when there is one
        PadPrompt.objects.filter(window=window, done=False).update(done=True)  # the next case replaces it
        return PadPrompt.objects.create(
            window=window, case=case, stage=stage, staff=actor, created_at=clock.now()
        )


def pad_prompt(window) -> PadPrompt | None:
    return (
        PadPrompt.objects.select_related("case__item", "staff")
        .filter(window=window, done=False, created_at__gte=clock.now() - PAD_FRESH)
        .order_by("-created_at", "-id")
        .first()
    )


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def rating_link(raw: str) -> str:
    from django.conf import settings

    path = reverse("ratings:sms", args=[raw])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return base.rstrip("/") + path if base else path


def send_invitation(case: Case) -> RatingInvite | None:
    """After delivery: a one-time link (only its hash stored) by SMS, expiring with the rating window.

    `rating_invitation` is not urgent, so messaging holds it through quiet hours (21:00–08:00)."""
    from bianmin.messaging.services import send_message
    from bianmin.messaging.templates import render

    if not case.applicant_phone or case.delivered_at is None:
        return None
    rules = county_rules(case.county)
    raw = secrets.token_urlsafe(9)
    with transaction.atomic(savepoint=False):  # in the delivery's transaction (ratings.hooks)
        invite = RatingInvite.objects.create(
            case=case, stage=Stage.COMPLETION, token_hash=token_hash(raw), created_at=clock.now(),
            expires_at=window_closes(case, rules),
        )  # fmt: skip
        params = {"center": case.center.name, "number": case.number, "link": rating_link(raw)}
        text, urgent = render("rating_invitation", case.county, params)
        send_message(
            case.applicant_phone, "rating_invitation", text, {"case": case.number, "template": "rating_invitation"},
            # A case is delivered once: the key is new in this transaction (no savepoint needed).
            case=case, key=f"rating_invitation:{case.pk}", key_is_new=True, urgent=urgent,
        )  # fmt: skip
    return invite


def invite_for(raw: str) -> RatingInvite:
    """The unused, unexpired invitation holding `raw`; 404 otherwise (a used link is refused)."""
    if not raw or len(raw) > 64 or not raw.isascii():
        raise NotFound("评价链接无效")
    invite = (
        RatingInvite.objects.select_related("case__item", "case__center")
        .filter(token_hash=token_hash(raw))
        .first()
    )
    if invite is None:
        raise NotFound("评价链接无效")
    if invite.used_at is not None:
        raise Conflict("该评价链接已使用", code="token_used", fields={"token": "评价链接只能使用一次"})
    if invite.expires_at and clock.now() > invite.expires_at:
        raise Conflict("评价期已过", code="rating_closed", fields={"token": "评价链接已过期"})
    return invite


def rate_by_invite(raw: str, data: dict, address: str = "") -> Rating:
    with transaction.atomic():
        invite = invite_for(raw)
        locked = RatingInvite.objects.select_for_update().get(pk=invite.pk)
        if locked.used_at is not None:
            raise Conflict("该评价链接已使用", code="token_used", fields={"token": "评价链接只能使用一次"})
        body = parse_rating({**data, "stage": invite.stage, "channel": "sms"})
        rating = rate(invite.case, address=address, **body.model_dump())
        locked.used_at = clock.now()
        locked.save(update_fields=["used_at"])
    return rating


# --- rectification -------------------------------------------------------------------------------------


def open_rectification(rating: Rating, rules: CountySettings, now: dt.datetime) -> Rectification:
    case = rating.case
    calendar = current_calendar(case.center.region)
    today = now.date()
    rect = Rectification.objects.create(
        rating=rating, case=case, center=case.center, department=case.escalated_to, opened_at=now,
        contact_due=calendar.add_workdays(today, rules.rating_contact_days).date,
        due=calendar.add_workdays(today, rules.rectification_days).date,
    )  # fmt: skip
    record_event(
        case, None, "system", "rect_open", case.state, case.state,
        f"差评整改：{rect.contact_due:%m月%d日}前联系群众，{rect.due:%m月%d日}前整改完成",
        {"rectification": rect.pk, "contact_due": rect.contact_due.isoformat(), "due": rect.due.isoformat()},
    )  # fmt: skip
    transaction.on_commit(lambda: tell_actors(rect.pk, "收到差评，请及时联系群众核实"))
    return rect


def handler_ids(rect: Rectification) -> list[int]:
    """Who must fix it: the county department's approvers for a county-decided case, else the directors."""
    if rect.department_id:
        posts = Post.objects.filter(role=Role.APPROVER, department_id=rect.department_id, is_active=True)
    else:
        posts = Post.objects.filter(role=Role.DIRECTOR, center_id=rect.center_id, is_active=True)
    return sorted(set(posts.values_list("user_id", flat=True)))


def supervisor_ids(rect: Rectification) -> list[int]:
    code = rect.center.region_id
    posts = Post.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related("region")
    return sorted({p.user_id for p in posts if p.region_id and code.startswith(p.region.prefix)})


def actor_ids(rect: Rectification) -> list[int]:
    """Who must act now (the bell, the SMS, the supervision sweep)."""
    if rect.state == RectState.REVIEW or rect.extension_state == "requested":
        return supervisor_ids(rect)
    if rect.is_open:
        return handler_ids(rect)
    return []


def tell_actors(rect_id: int, title: str, sms: bool = True) -> None:
    """The bell for whoever must act; an SMS too when they have a phone (staff texts are not held)."""
    from bianmin.accounts.models import User
    from bianmin.messaging.notices import notify
    from bianmin.messaging.services import MAINLAND_MOBILE, send_message

    rect = Rectification.objects.select_related("center__region", "case__item").get(pk=rect_id)
    users = actor_ids(rect)
    if not users:
        return
    link = reverse("ratings:rectification", args=[rect.pk])
    body = f"{rect.case.item.name}（{rect.case.number}），整改期限{rect.due:%Y年%m月%d日}"
    notify(users, "rating_rectification", f"差评整改：{title}", body, link=link, case=rect.case)
    if not sms:
        return
    from bianmin.messaging.templates import render

    params = {"center": rect.center.name, "number": rect.case.number, "item": rect.case.item.name,
              "step": title, "due": f"{rect.due:%Y年%m月%d日}"}  # fmt: skip
    text, urgent = render("rating_rectification", rect.case.county, params)
    for user in User.objects.filter(pk__in=users).exclude(phone=""):
        if MAINLAND_MOBILE.match(user.phone):
            send_message(
                user.phone, "rating_rectification", text, {"rectification": rect.pk, "template": "rating_rectification"},
                case=rect.case, urgent=urgent,
            )  # fmt: skip


def rectifications_visible_to(user):
    scope = scope_of(user)
    if not scope.is_staff_member:
        return Rectification.objects.none()
    return Rectification.objects.filter(case__in=cases_visible_to(user).values("pk"))


def ratings_visible_to(user):
    scope = scope_of(user)
    if not scope.is_staff_member:
        return Rating.objects.none()
    return Rating.objects.filter(case__in=cases_visible_to(user).values("pk"))


def open_rectification_count(user) -> int:
    from bianmin.ratings.models import OPEN_STATES

    return rectifications_visible_to(user).filter(state__in=OPEN_STATES).count()


def is_handler(user, rect: Rectification) -> bool:
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if rect.department_id:
        return Role.APPROVER in scope.roles and rect.department_id in scope.department_ids
    return Role.DIRECTOR in scope.roles and rect.center_id in scope.center_ids


def is_supervisor(user, rect: Rectification) -> bool:
    scope = scope_of(user)
    if scope.is_admin:
        return True
    code = rect.center.region_id
    return Role.SUPERVISOR in scope.roles and any(code.startswith(p) for p in scope.region_prefixes)


# action → (label, the states it may start from, who: "handler" | "supervisor")
STEPS = {
    "verify": ("核实为有效差评", (RectState.PENDING,), "handler"),
    "appeal": ("申请认定无效差评", (RectState.PENDING, RectState.VALID), "handler"),
    "decide_appeal": ("审核无效差评申请", (RectState.REVIEW,), "supervisor"),
    "start": ("开始整改", (RectState.VALID,), "handler"),
    "rectify": ("整改完成", (RectState.RECTIFYING,), "handler"),
    "callback": ("回访", (RectState.RECTIFIED,), "handler"),
    "request_extension": ("申请延期", (RectState.VALID, RectState.RECTIFYING), "handler"),
    "approve_extension": ("同意延期", (RectState.VALID, RectState.RECTIFYING), "supervisor"),
    "decline_extension": ("不同意延期", (RectState.VALID, RectState.RECTIFYING), "supervisor"),
}
MAX_EXTENSION_DAYS = 10


def available_steps(user, rect: Rectification) -> list[str]:
    out = []
    for name, (_, states, who) in STEPS.items():
        if rect.state not in states:
            continue
        if name == "request_extension" and rect.extension_state:
            continue
        if name in ("approve_extension", "decline_extension") and rect.extension_state != "requested":
            continue
        if who == "handler" and not is_handler(user, rect):
            continue
        if who == "supervisor" and not (is_supervisor(user, rect) and rect.rating.staff_id != user.pk):
            continue
        out.append(name)
    return out


def _required(fields: dict, name: str, value, message: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not value:
        fields[name] = message
    return value


def perform_step(user, rect_id: int, action: str, data: dict) -> Rectification:
    """One rectification step: scope (404), state (409), role (403), input (422), then the writes."""
    from bianmin.ratings.schemas import STEP_SCHEMAS

    if action not in STEPS:
        raise NotFound("没有这个整改步骤")
    label, states, who = STEPS[action]
    try:
        body = STEP_SCHEMAS[action].model_validate(data or {})
    except ValidationError as exc:
        raise Invalid("输入有误", fields=validation_fields(exc.errors())) from exc
    with transaction.atomic():
        visible = rectifications_visible_to(user).filter(pk=rect_id).values_list("case_id", flat=True).first()
        if visible is None:
            raise NotFound("未找到该差评整改")
        case = Case.objects.select_for_update(of=("self",)).get(pk=visible)
        rect = (
            Rectification.objects.select_for_update(of=("self",))
            .select_related("rating", "center__region")
            .get(pk=rect_id)
        )
        if body.version is not None and body.version != rect.version:
            raise Conflict("整改记录已被他人修改，请刷新后重试", code="stale_version")
        if rect.state not in states:
            raise Conflict(f"整改当前为“{rect.get_state_display()}”，不能{label}", code="invalid_state")
        if action == "request_extension" and rect.extension_state:
            raise Conflict("整改期限只能延长一次", code="extension_used")
        if action in ("approve_extension", "decline_extension") and rect.extension_state != "requested":
            raise Conflict("没有待审批的延期申请", code="invalid_state")
        if who == "handler" and not is_handler(user, rect):
            raise Forbidden(f"您无权{label}")
        if who == "supervisor":
            if rect.rating.staff_id == user.pk:
                raise Forbidden("被评价人不能审核针对自己的差评")
            if not is_supervisor(user, rect):
                raise Forbidden(f"只有效能监察人员可以{label}")
        now = clock.now()
        fields: dict[str, str] = {}
        before = rect.state
        note, extra, tell = "", {}, ""
        if action == "verify":
            rect.verification = _required(fields, "verification", body.verification, "请填写核实情况")
            rect.contacted_at = now
            rect.state = RectState.VALID
            note, event = f"{body.reached_label}联系群众核实：{rect.verification}", "rect_verify"
        elif action == "appeal":
            rect.appeal_reason = _required(fields, "reason", body.reason, "请写明认定无效的理由")
            rect.contacted_at = rect.contacted_at or now
            rect.state = RectState.REVIEW
            note, event, tell = rect.appeal_reason, "rect_appeal", "申请认定无效差评，请审核"
        elif action == "decide_appeal":
            rect.decision_reason = _required(fields, "reason", body.reason, "请写明审核意见")
            rect.decided_by = user
            rect.state = RectState.INVALID if body.invalid else RectState.VALID
            if body.invalid:
                rect.closed_at = now
            note, event = rect.decision_reason, "rect_invalid" if body.invalid else "rect_revalid"
            tell = "" if body.invalid else "无效申请未获同意，请按期整改"
        elif action == "start":
            rect.plan = _required(fields, "plan", body.plan, "请填写整改措施")
            rect.state = RectState.RECTIFYING
            note, event = rect.plan, "rect_start"
        elif action == "rectify":
            rect.result = _required(fields, "result", body.result, "请填写整改结果")
            rect.rectified_at = now
            rect.state = RectState.RECTIFIED
            note, event = rect.result, "rect_done"
        elif action == "callback":
            if body.level is None:
                fields["level"] = "请记录群众的追评（1–5）"
            rect.callback_reached = body.reached
            rect.callback_note = (body.note or "").strip()
            rect.followup_level = body.level
            rect.callback_at = rect.closed_at = now
            rect.state = RectState.CALLED_BACK
            note = f"{body.reached_label}回访，追评：{LEVELS.get(body.level or 0, '')}"
            if rect.callback_note:
                note += f"；{rect.callback_note}"
            event, extra = "rect_callback", {"followup_level": body.level, "reached": body.reached}
        elif action == "request_extension":
            rect.extension_reason = _required(fields, "reason", body.reason, "请写明延期理由")
            if not body.days:
                fields["days"] = f"请填写延长的工作日数（1–{MAX_EXTENSION_DAYS}）"
            rect.extension_days = body.days or 0
            rect.extension_state = "requested"
            note, event, tell = (
                f"申请延长{body.days}个工作日：{rect.extension_reason}",
                "rect_ext_request",
                "申请延长整改期限，请审批",
            )
        elif action == "approve_extension":
            calendar = current_calendar(rect.center.region)
            rect.due = calendar.add_workdays(rect.due, rect.extension_days).date
            rect.extension_state = "approved"
            note, event, tell = f"整改期限延至{rect.due:%Y年%m月%d日}", "rect_ext_approve", "延期已获同意"
        else:  # decline_extension
            rect.extension_state = "declined"
            note, event, tell = (body.reason or "").strip(), "rect_ext_decline", "延期未获同意，请按期整改"
        if fields:
            raise Invalid("输入有误", fields=fields)
        rect.version += 1
        rect.save()
        record_event(
            case, user, "supervisor" if who == "supervisor" else "director", event, case.state, case.state,
            note[:2000], {"rectification": rect.pk, "from": before, "to": rect.state, **extra},
        )  # fmt: skip
        if tell:
            rect_id_ = rect.pk
            transaction.on_commit(lambda: tell_actors(rect_id_, tell, sms=False))
    return rect


def overdue(rect: Rectification, today: dt.date | None = None) -> bool:
    """Red: open and past the date the current step is due."""
    today = today or clock.today()
    return rect.is_open and rect.state != RectState.REVIEW and rect.current_due < today


def case_events(rect: Rectification):
    return Event.objects.filter(case_id=rect.case_id, action__in=list(EVENT_LABELS)).filter(
        Q(data__rectification=rect.pk) | Q(action="rate", data__rating=rect.rating_id)
    )
