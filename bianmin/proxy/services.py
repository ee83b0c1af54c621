"""Every write of the proxy service, one verb each: record_mandate, create_handover, receive_handover,
deliver_to_villager, attach_photo, send_query_code.

Each runs in one transaction, finds cases through the caller's scope (not visible → 404), locks them in
primary-key order (so two bundles never deadlock), checks every case before writing any (one bad case →
409 and nothing changes), then moves custody and appends a timeline event to every case it touched.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from django.core.files.base import ContentFile
from django.db import transaction

from bianmin.accounts.models import Role, User
from bianmin.accounts.scope import scope_of
from bianmin.cases import custody
from bianmin.cases import services as case_services
from bianmin.cases.actions.files import PHOTO, signature_png
from bianmin.cases.documents import issue_document
from bianmin.cases.models import Case, Channel, Event, Location, MaterialStatus, State
from bianmin.cases.selectors import cases_visible_to
from bianmin.cases.validators import MOBILE, id_number_error, mask_phone, phone_error
from bianmin.core import clock
from bianmin.core.errors import Conflict, Forbidden, Invalid, NotFound, TooMany
from bianmin.core.throttle import wait_seconds, wait_text
from bianmin.messaging.templates import render
from bianmin.proxy.models import (
    OPEN_HANDOVER_STATES,
    DeliveryReceipt,
    Direction,
    Handover,
    HandoverCase,
    HandoverCaseState,
    HandoverState,
    Mandate,
    MandateMethod,
)
from bianmin.proxy.selectors import agent_village, open_entry_case_ids, station_of, township_of
from bianmin.proxy.signals import handover_sent

MAX_BUNDLE = 100
CODE_TTL_SECONDS = 10 * 60
CODE_ATTEMPTS = 5
CODE_RESENDS = 3  # codes per case …
CODE_RESEND_WINDOW = dt.timedelta(hours=1)  # … in this window
# Cases an agent may carry up: new applications, and ones the township asked to supplement.
READY_TO_GO_UP = (State.RECEIVED, State.SUPPLEMENT_REQUESTED)
# Nothing is left for the agent to be entrusted with: the result reached the villager, or there is none.
FINISHED = (State.DELIVERED, State.REFUSED, State.WITHDRAWN)


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _event(case, user, role, action, note="", data=None) -> Event:
    # Hand-offs move papers, not the case's state: from and to are the same state.
    return Event.objects.create(
        case=case, at=clock.now(), actor=user, actor_name=user.display_name, role=role, action=action,
        from_state=case.state, to_state=case.state, note=note, data=data or {},
    )  # fmt: skip


def _papers(case: Case) -> list[dict]:
    """The papers travelling with a case: the materials received, with their counts."""
    return [
        {"material": row.material.name, "originals": row.originals, "copies": row.copies}
        for row in case.materials.all()
        if row.status == MaterialStatus.RECEIVED
    ]


def papers_text(papers: list[dict]) -> str:
    if not papers:
        return "无随附材料"
    parts = []
    for p in papers:
        counts = "、".join(
            s for s in (f"原件{p['originals']}份" if p["originals"] else "", f"复印件{p['copies']}份" if p["copies"] else "") if s
        )  # fmt: skip
        parts.append(f"{p['material']}（{counts}）" if counts else p["material"])
    return "；".join(parts)


def _numbers(numbers) -> list[str]:
    if not isinstance(numbers, list | tuple) or not all(isinstance(n, str) for n in numbers):
        raise Invalid("办件编号应为字符串列表", fields={"cases": "应为办件编号列表"})
    unique = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not unique:
        raise Invalid("交接单至少要有一件办件", fields={"cases": "请至少选择一件办件"})
    if len(unique) > MAX_BUNDLE:
        raise Invalid("一次交接的办件过多", fields={"cases": f"一次最多 {MAX_BUNDLE} 件"})
    return unique


def _lock_cases(user, numbers: list[str]) -> list[Case]:
    """The bundle's cases, visible to the caller (else 404), locked in primary-key order."""
    found = dict(cases_visible_to(user).filter(number__in=numbers).values_list("number", "pk"))
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise NotFound("未找到办件：" + "、".join(unknown[:5]), fields={"cases": "含有未找到的办件"})
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=found.values())
        .select_related("item", "center", "village", *custody.CUSTODY_RELATED)
        .prefetch_related("materials__material")
        .order_by("pk")
    )
    order = {n: i for i, n in enumerate(numbers)}
    return sorted(cases, key=lambda c: order[c.number])


def _refuse_bundle(problems: dict[str, str]) -> None:
    if problems:
        raise Conflict(
            "交接单中有办件不能交接，整单未提交：" + "；".join(f"{n}{why}" for n, why in problems.items()),
            code="handover_refused",
            fields=problems,
        )


# --- handovers ---------------------------------------------------------------------------------------


@transaction.atomic
def create_handover(user, direction: str, numbers, agent: str | None = None, *, signature=None) -> Handover:
    """交接单: up — an agent carries cases to the township; down — a clerk gives results to the agent.

    `signature` is the handing-over side's finger signature (the pages always ask for it; None = not
    signed on a phone, e.g. an API client that prints the sheet for ink signatures)."""
    if direction not in Direction.values:
        raise Invalid("交接方向无效", fields={"direction": "应为 up 或 down"})
    numbers = _numbers(numbers)
    if direction == Direction.UP:
        handover = _hand_up(user, numbers, signature)
    else:
        handover = _hand_down(user, numbers, agent, signature)
    handover_sent.send(sender=Handover, handover=handover)
    return handover


def _optional_signature(signature) -> bytes | None:
    return None if signature is None else parse_signature(signature)


def _sign(handover: Handover, end: str, png: bytes | None) -> None:
    """Store one end's signature ("from" or "to") on the handover; the first signature of an end stays."""
    if png is None or getattr(handover, f"{end}_signature"):
        return
    getattr(handover, f"{end}_signature").save(
        f"handover-{end}-{secrets.token_hex(8)}.png", ContentFile(png), save=False
    )
    setattr(handover, f"{end}_signed_at", clock.now())
    handover.save(update_fields=[f"{end}_signature", f"{end}_signed_at"])


def _hand_up(user, numbers: list[str], signature=None) -> Handover:
    scope = scope_of(user)
    village = agent_village(user) if Role.AGENT in scope.roles else None
    township = village and township_of(village)
    if township is None:
        raise Forbidden("只有代办员可以向镇中心交件")
    cases = _lock_cases(user, numbers)
    waiting = open_entry_case_ids([c.pk for c in cases])
    problems = {}
    for case in cases:
        if case.pk in waiting:
            problems[case.number] = "已在另一张未签收的交接单中"
        elif not custody.agent_holds(user, case):
            problems[case.number] = "不在您手中"
        elif case.state not in READY_TO_GO_UP:
            problems[case.number] = f"当前为“{case.get_state_display()}”，无需交镇中心"
    _refuse_bundle(problems)
    # The agent carries a villager's papers only on the villager's word: no signed mandate, no handover.
    unsigned = [case.number for case in cases if not case.proxy_mandate]
    if unsigned:
        raise Conflict(
            "以下办件尚未签代办委托书，不能交镇中心：" + "、".join(unsigned) + "。请先请村民签署委托书。",
            code="mandate_missing",
            fields={n: "未签代办委托书" for n in unsigned},
        )
    png = _optional_signature(signature)
    now = clock.now()
    handover = Handover.objects.create(
        direction=Direction.UP, from_user=user, from_center=station_of(village), to_center=township,
        township=township, village=village, agent=user, created_at=now,
    )  # fmt: skip
    _sign(handover, "from", png)
    label = f"{user.display_name}（代办员）送往{township.name}途中"
    for case in cases:
        papers = _papers(case)
        HandoverCase.objects.create(handover=handover, case=case, papers=papers)
        custody.move(case, Location.IN_TRANSIT, user=user, label=label)
        _event(
            case, user, "agent", "handover_up",
            note=f"{user.display_name}将办件交往{township.name}（交接单 No.{handover.pk}），随附：{papers_text(papers)}",
            data={"handover": handover.pk, "direction": "up", "from": user.display_name, "to": township.name,
                  "papers": papers},
        )  # fmt: skip
    _issue_sheets(handover, cases)
    return handover


def _hand_down(user, numbers: list[str], agent: str | None, signature=None) -> Handover:
    scope = scope_of(user)
    if not scope.center_ids or not scope.has_role(Role.CLERK, Role.DIRECTOR):
        raise Forbidden("只有镇中心窗口人员可以把结果交代办员带回")
    if not _text(agent):
        raise Invalid("请指定带回结果的代办员", fields={"agent": "请填写代办员用户名"})
    agent_user = User.objects.filter(username=_text(agent), is_active=True).first()
    village = agent_user and agent_village(agent_user)
    township = village and township_of(village)
    if township is None:
        raise Invalid("代办员不存在", fields={"agent": "不是在岗的村级代办员"})
    if township.pk not in scope.center_ids and not scope.is_admin:
        raise Invalid("该代办员不属于本中心", fields={"agent": "该代办员所在村不向本中心交件"})
    cases = _lock_cases(user, numbers)
    waiting = open_entry_case_ids([c.pk for c in cases])
    problems = {}
    for case in cases:
        where = custody.custody_of(case)["location"]
        if case.pk in waiting:
            problems[case.number] = "已在另一张未签收的交接单中"
        elif case.channel != Channel.PROXY:
            problems[case.number] = "不是代办件"
        elif case.state != State.COMPLETED:
            problems[case.number] = f"当前为“{case.get_state_display()}”，尚未办结"
        elif case.village_id != village.pk:
            problems[case.number] = f"不是{village.name}的办件"
        elif where != Location.TOWNSHIP or case.center_id != township.pk:
            problems[case.number] = "不在本中心"
    _refuse_bundle(problems)
    png = _optional_signature(signature)
    handover = Handover.objects.create(
        direction=Direction.DOWN, from_user=user, from_center=township, to_user=agent_user,
        to_center=station_of(village), township=township, village=village, agent=agent_user,
        created_at=clock.now(),
    )  # fmt: skip
    _sign(handover, "from", png)
    label = f"{township.name}交{agent_user.display_name}（代办员）带回途中"
    for case in cases:
        papers = _result_papers(case)
        HandoverCase.objects.create(handover=handover, case=case, papers=papers)
        custody.move(case, Location.IN_TRANSIT, user=agent_user, label=label)
        _event(
            case, user, "clerk", "handover_down",
            note=(f"{user.display_name}（{township.name}）将办理结果交{agent_user.display_name}带回"
                  f"（交接单 No.{handover.pk}），随附：{papers_text(papers)}"),
            data={"handover": handover.pk, "direction": "down", "from": user.display_name,
                  "to": agent_user.display_name, "papers": papers},
        )  # fmt: skip
    _issue_sheets(handover, cases)
    return handover


def _result_papers(case: Case) -> list[dict]:
    """Going down, the papers are the result documents issued on the case (办结通知, 决定书 …)."""
    kinds = {"completion_notice", "denial_decision"}
    titles = list(dict.fromkeys(d.title for d in case.documents.all() if d.kind in kinds))
    return [{"material": title, "originals": 1, "copies": 0} for title in titles]


def _issue_sheets(handover: Handover, cases: list[Case]) -> None:
    """代办交接单 on each case: the snapshot of the whole bundle, so each case's file shows its sheet."""
    listed = [{"number": c.number, "item": c.item.name, "applicant": c.applicant_name} for c in cases]
    for case in cases:
        issue_document(case, "handover_sheet", **sheet_facts(handover), cases=listed)


def sheet_facts(handover: Handover) -> dict:
    return {
        "handover": handover.pk,
        "direction": handover.get_direction_display(),
        "from_name": _end(handover.from_user, handover.from_center),
        "to_name": _end(handover.to_user, handover.to_center),
        "handed_at": f"{handover.created_at.astimezone(clock.SHANGHAI):%Y年%m月%d日 %H:%M}",
    }


def _end(user, center) -> str:
    if user and center:
        return f"{user.display_name}（{center.name}）"
    return user.display_name if user else (center.name if center else "")


@transaction.atomic
def receive_handover(
    user, handover_id: int, *, received=(), notes=None, missing=(), signature=None
) -> Handover:
    """签收: the receiving side takes the cases that arrived, noting missing papers; the rest stay open.

    `signature`: the receiver's finger signature; the first one given is kept on the handover."""
    from bianmin.proxy.selectors import handovers_visible_to

    notes = notes or {}
    if not isinstance(notes, dict):
        raise Invalid("备注格式有误", fields={"notes": "应为 {办件编号: 说明}"})
    handover = (
        handovers_visible_to(user)
        .select_for_update(of=("self",))
        .select_related("to_center", "from_user", "township", "village", "agent", "to_user")
        .filter(pk=handover_id)
        .first()
    )
    if handover is None:
        raise NotFound("未找到该交接单")
    scope = scope_of(user)
    if handover.direction == Direction.UP:
        may = Role.CLERK in scope.roles or Role.DIRECTOR in scope.roles
        may = may and handover.to_center_id in scope.center_ids
    else:
        may = handover.to_user_id == user.pk
    if not (may or scope.is_admin):
        raise Forbidden("只有接收方可以签收该交接单")
    if handover.state not in OPEN_HANDOVER_STATES:
        raise Conflict("该交接单已全部签收", code="handover_closed")
    received, missing = list(dict.fromkeys(received or ())), list(dict.fromkeys(missing or ()))
    if not received and not missing:
        raise Invalid("请选择签收的办件", fields={"received": "至少签收或标记一件办件"})
    entries = {
        e.case.number: e
        for e in handover.entries.select_related("case").select_for_update(of=("self",)).order_by("case_id")
    }
    errors = {}
    for number in [*received, *missing, *notes]:
        if number not in entries:
            errors[f"cases.{number}"] = "不在本交接单中"
        elif len(_text(notes.get(number))) > 300:
            errors[f"notes.{number}"] = "说明不超过300字"
    for number in set(received) & set(missing):
        errors[f"cases.{number}"] = "不能既签收又标记未收到"
    if errors:
        raise Invalid("签收信息有误", fields=errors)
    done = [n for n in received + missing if entries[n].state == HandoverCaseState.RECEIVED]
    if done:
        raise Conflict(
            "已签收过：" + "、".join(done), code="already_received", fields={n: "已签收" for n in done}
        )
    png = _optional_signature(signature)
    now = clock.now()
    _sign(handover, "to", png)
    cases = {
        c.pk: c
        for c in Case.objects.select_for_update(of=("self",))
        .filter(pk__in=[entries[n].case_id for n in received + missing])
        .order_by("pk")
    }
    receiver = _end(user, handover.to_center) if handover.direction == Direction.UP else user.display_name
    role = "clerk" if handover.direction == Direction.UP else "agent"
    for number in received:
        entry, case = entries[number], cases[entries[number].case_id]
        note = _text(notes.get(number))[:300]
        entry.state, entry.note, entry.received_at, entry.received_by = (
            HandoverCaseState.RECEIVED, note, now, user
        )  # fmt: skip
        entry.save()
        if handover.direction == Direction.UP:
            custody.move(
                case, Location.TOWNSHIP, user=user, center=handover.to_center,
                label=f"{handover.to_center.name}（{user.display_name}签收）",
            )  # fmt: skip
        else:
            custody.move(
                case, Location.VILLAGE, user=user, center=handover.to_center,
                label=f"{user.display_name}（代办员，{handover.village.name}）",
            )  # fmt: skip
        _event(
            case, user, role, "handover_receive",
            note=(f"{receiver}签收{handover.from_user.display_name}交来的办件（交接单 No.{handover.pk}）"
                  + (f"；缺件：{note}" if note else "")),
            data={"handover": handover.pk, "direction": handover.direction,
                  "from": handover.from_user.display_name, "to": receiver, "missing_papers": note},
        )  # fmt: skip
    for number in missing:
        entry, case = entries[number], cases[entries[number].case_id]
        note = _text(notes.get(number))[:300] or "未随交接单送到"
        entry.state, entry.note = HandoverCaseState.MISSING, note
        entry.save(update_fields=["state", "note"])
        _event(
            case, user, role, "handover_missing",
            note=f"{receiver}未收到该办件（交接单 No.{handover.pk}）：{note}",
            data={"handover": handover.pk, "direction": handover.direction, "note": note},
        )  # fmt: skip
    states = {e.state for e in entries.values()}
    if states == {HandoverCaseState.RECEIVED}:
        handover.state, handover.closed_at = HandoverState.RECEIVED, now
    elif HandoverCaseState.RECEIVED in states:
        handover.state = HandoverState.PARTLY_RECEIVED
    handover.save(update_fields=["state", "closed_at"])
    return handover


# --- signatures, mandate, delivery ---------------------------------------------------------------------


# One signature check for the case's written withdrawal request and the proxy's pads (cases owns it).
parse_signature = signature_png


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _agent_case(user, number: str) -> Case:
    """A proxy case the calling agent may act on (their own or their village's), locked."""
    pk = cases_visible_to(user).filter(number=number).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound("未找到该办件")
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "center", "village", *custody.CUSTODY_RELATED)
        .get(pk=pk)
    )
    if Role.AGENT not in scope_of(user).roles:
        raise Forbidden("只有代办员可以办理")
    if case.channel != Channel.PROXY:
        raise Conflict("不是代办件", code="not_proxy")
    return case


def _code_hash(mandate_case_id: int, code: str) -> str:
    return hashlib.sha256(f"{mandate_case_id}:{code}".encode()).hexdigest()


@transaction.atomic
def record_mandate(
    user, number: str, *, villager_name: str, villager_id_number: str, entrusted: str,
    method: str = MandateMethod.SIGNATURE, signature=None, phone: str = "",
) -> Mandate:  # fmt: skip
    """代办委托书: signed with a finger now, or confirmed by the SMS code sent here (confirm_mandate)."""
    case = _agent_case(user, number)
    existing = Mandate.objects.filter(case=case).first()
    if existing and existing.signed_at:
        raise Conflict("该办件已签署代办委托书", code="mandate_signed")
    if case.state in FINISHED:
        raise Conflict(f"该办件已{case.get_state_display()}，无需再签代办委托书", code="case_finished")
    errors = {}
    name, id_number = _text(villager_name)[:100], _text(villager_id_number).upper()
    if not name:
        errors["villager_name"] = "请填写委托人姓名"
    if why := id_number_error(id_number):
        errors["villager_id_number"] = why
    if not _text(entrusted):
        errors["entrusted"] = "请写明委托办理的事项"
    if method not in MandateMethod.values:
        errors["method"] = "应为 signature 或 sms"
    png = None
    phone = _text(phone).replace(" ", "") or case.applicant_phone
    if method == MandateMethod.SIGNATURE:
        try:
            png = parse_signature(signature)
        except Invalid as exc:
            errors.update(exc.fields)
    elif method == MandateMethod.SMS and (why := phone_error(phone)):
        errors["phone"] = why
    elif method == MandateMethod.SMS and phone != case.applicant_phone:
        # The code proves the applicant's consent only when it reaches the phone recorded for them.
        errors["phone"] = "验证码只发送至申请人登记的手机号"
    if errors:
        raise Invalid("委托信息有误", fields=errors)
    mandate = existing or Mandate(case=case, agent=user, created_at=clock.now())
    mandate.villager_name, mandate.villager_id_number = name, id_number
    mandate.entrusted, mandate.method, mandate.agent = _text(entrusted)[:2000], method, user
    if png is not None:
        mandate.signature.save(f"mandate-{secrets.token_hex(8)}.png", ContentFile(png), save=False)
        mandate.save()
        _signed(user, case, mandate, data_uri(png))
        return mandate
    # Each code allows CODE_ATTEMPTS guesses; resending resets them, so resends are limited too — else an
    # agent could keep asking for codes and guessing until one matched, forging the villager's consent.
    recent = case.events.filter(action="mandate_code_sent", at__gte=clock.now() - CODE_RESEND_WINDOW)
    if (wait := wait_seconds(recent, CODE_RESENDS, CODE_RESEND_WINDOW)) > 0:
        raise TooMany(f"验证码发送过于频繁，{wait_text(wait)}")
    code = f"{secrets.randbelow(10**6):06d}"
    mandate.phone, mandate.code_hash = phone, _code_hash(case.pk, code)
    mandate.code_sent_at, mandate.code_attempts = clock.now(), 0
    mandate.save()
    _event(case, user, "agent", "mandate_code_sent", note=f"委托确认验证码已发送至{mask_phone(phone)}")
    _send_code(case, phone, code, user)
    return mandate


def text_villager(case: Case, kind: str, phone: str, text: str, *, urgent: bool = False) -> None:
    """The one place this app sends the villager a text: through the outbox, in the caller's transaction
    (so it is sent once, after the commit). Texts never carry an ID number."""
    from bianmin.messaging.services import send_message

    # The code or number is in the text only: params keep what a template needs, never a secret.
    send_message(phone, kind, text, {"case": case.number}, case=case, urgent=urgent)


def _send_code(case: Case, phone: str, code: str, user) -> None:
    params = {"center": case.center.name, "agent": user.display_name, "item": case.item.name, "code": code}
    # The agent waits beside the villager for this code (a home visit may run late): the template says
    # whether it is urgent, i.e. sent even in quiet hours.
    text, urgent = render("mandate_code", case.county, params)
    text_villager(case, "mandate_code", phone, text, urgent=urgent)


@transaction.atomic
def send_query_code(user, number: str) -> Case:
    """Text the villager the case number and query code, so they can follow the case without an account."""
    case = _agent_case(user, number)
    phone = case.applicant_phone or ""
    if not MOBILE.match(phone):
        raise Conflict("申请人没有登记有效的手机号，请把查询码抄给村民", code="no_phone")
    params = {"center": case.center.name, "agent": user.display_name, "item": case.item.name,
              "number": case.number, "query_code": case.query_code}  # fmt: skip
    text = render("query_code", case.county, params)[0]
    _event(case, user, "agent", "query_code_sent", note=f"查询码已发送至{mask_phone(phone)}")
    text_villager(case, "query_code", phone, text)
    return case


def confirm_mandate(user, number: str, code: str) -> Mandate:
    """The villager tells the agent the SMS code; five wrong tries or ten minutes end it."""
    with transaction.atomic():
        case = _agent_case(user, number)
        mandate = Mandate.objects.select_for_update().filter(case=case).first()
        if mandate is None or mandate.method != MandateMethod.SMS or not mandate.code_hash:
            raise Conflict("尚未发送委托确认短信", code="no_code_sent")
        if mandate.signed_at:
            raise Conflict("该办件已签署代办委托书", code="mandate_signed")
        if mandate.code_attempts >= CODE_ATTEMPTS:
            raise TooMany("验证码错误次数过多，请重新发送")
        if (clock.now() - mandate.code_sent_at).total_seconds() > CODE_TTL_SECONDS:
            raise Conflict("验证码已过期，请重新发送", code="code_expired")
        right = hmac.compare_digest(mandate.code_hash, _code_hash(case.pk, _text(code)))
        if right:
            _signed(user, case, mandate, "")
            return mandate
        # Count the wrong try in its own committed transaction, then refuse.
        mandate.code_attempts += 1
        mandate.save(update_fields=["code_attempts"])
    raise Invalid("验证码不正确", fields={"code": "验证码不正确"})


def _signed(user, case: Case, mandate: Mandate, signature: str) -> None:
    mandate.signed_at = clock.now()
    mandate.save()
    case.proxy_mandate = True
    case.save(update_fields=["proxy_mandate"])
    how = mandate.get_method_display() + (
        f"（{mask_phone(mandate.phone)}）" if mandate.phone and not signature else ""
    )
    _event(
        case, user, "agent", "mandate",
        note=f"{mandate.villager_name}委托{user.display_name}代办，{how}确认",
        data={"method": mandate.method},
    )  # fmt: skip
    issue_document(
        case, "mandate", villager=mandate.villager_name, villager_id=mandate.villager_id_number,
        entrusted=mandate.entrusted, agent=user.display_name, method=how, signature=signature,
        home_visit=case.proxy_home_visit,
        signed_at=f"{mandate.signed_at.astimezone(clock.SHANGHAI):%Y年%m月%d日 %H:%M}",
    )  # fmt: skip


@transaction.atomic
def deliver_to_villager(user, number: str, *, receiver: str, signature, version: int | None = None) -> Case:
    """送达: the agent hands the result to the villager, who signs the 送达回证 on the phone."""
    png = parse_signature(signature)
    receiver = _text(receiver)[:100]
    if not receiver:
        raise Invalid("请填写签收人", fields={"receiver": "请填写签收人姓名"})
    case = case_services.deliver_case(
        user, number, version=version, method="proxy", receiver=receiver, signature=data_uri(png)
    )
    receipt = DeliveryReceipt(case=case, receiver=receiver, agent=user, signed_at=clock.now())
    receipt.signature.save(f"receipt-{secrets.token_hex(8)}.png", ContentFile(png), save=False)
    receipt.save()
    custody.move(case, Location.VILLAGE, label=f"村民{receiver}（已签收）")
    return case


def attach_photo(user, number: str, upload, *, material: int | None = None):
    """A photo of a paper taken on the phone: JPEG or PNG by content, at most 5 MB (compressed on the page)."""
    case = cases_visible_to(user).filter(number=number).only("pk", "channel").first()
    if case is None:
        raise NotFound("未找到该办件")
    if case.channel != Channel.PROXY:
        raise Conflict("不是代办件", code="not_proxy")
    data, _ = PHOTO.read(upload)
    return case_services.attach_scan(user, number, ContentFile(data, name="photo"), material=material)


def bucket_of(case: Case, waiting: set[int]) -> str:
    """Where a village case stands for its agent (the home page's groups and the offline app's): `waiting`
    holds the ids of cases already in an unreceived handover."""
    if case.state == State.DELIVERED:
        return "delivered"
    if case.state in (State.REFUSED, State.WITHDRAWN):
        return "closed"
    if case.state == State.COMPLETED:
        return "to_bring_back"
    if (
        custody.custody_of(case)["location"] == Location.VILLAGE
        and case.pk not in waiting
        and case.state in READY_TO_GO_UP
    ):
        return "to_hand_over"
    return "at_township"
