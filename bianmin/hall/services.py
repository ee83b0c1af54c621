"""The hall's writes: take a ticket, call / recall / skip / transfer at a window, book / cancel / arrive for
an appointment, mark no-shows, and an outreach duty. Views, the API and the commands all call these."""

import datetime as dt
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from bianmin.accounts.models import Role
from bianmin.accounts.scope import agent_village, scope_of
from bianmin.cases.clock import current_calendar
from bianmin.cases.validators import MOBILE, mask_phone
from bianmin.catalog.models import Item
from bianmin.core import clock
from bianmin.core.errors import Conflict, Invalid, NotFound, TooMany
from bianmin.core.throttle import wait_seconds, wait_text
from bianmin.devices.services import seat_of
from bianmin.hall.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    CodeFailure,
    Outreach,
    OutreachDuty,
    PhoneCode,
    Slot,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketStatus,
    settings_of,
)
from bianmin.regions.models import Center, Window
from bianmin.regions.selectors import township_of

MAX_TICKETS_PER_DAY = 999  # A001…A999: three digits on the screen and the receipt
CODE_VALID = dt.timedelta(minutes=10)
CODE_SENDS, CODE_SEND_WINDOW = 3, dt.timedelta(minutes=10)
ADDRESS_SENDS, ADDRESS_WINDOW = 20, dt.timedelta(hours=1)
CODE_ATTEMPTS = 5
GUESSES, GUESS_WINDOW = 5, dt.timedelta(hours=1)  # wrong appointment codes before a pause


def mask_name(name: str) -> str:
    """王*英, 李*: the screen and public pages never show a full name."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- tickets -------------------------------------------------------------------------------------------


def categories(center: Center):
    return TicketCategory.objects.filter(center=center, active=True).order_by("order", "letter")


def _call_order(qs):
    return qs.order_by("-priority", "taken_at", "pk")


def waiting_queue(center: Center, day: dt.date):
    return _call_order(Ticket.objects.filter(center=center, day=day, status=TicketStatus.WAITING))


def waiting_ahead(ticket: Ticket) -> int:
    """How many waiting tickets will be called before this one (the priority lane goes first)."""
    earlier = Q(taken_at__lt=ticket.taken_at) | Q(taken_at=ticket.taken_at, pk__lt=ticket.pk)
    ahead = Q(priority=True) & earlier if ticket.priority else Q(priority=True) | earlier
    return (
        Ticket.objects.filter(center_id=ticket.center_id, day=ticket.day, status=TicketStatus.WAITING)
        .filter(ahead)
        .exclude(pk=ticket.pk)
        .count()
    )


def take_ticket(center: Center, letter: str, *, phone: str = "", name: str = "") -> Ticket:
    """A new ticket A001… for today. The counter row is bumped by one UPDATE inside the transaction, which
    takes the row's write lock on PostgreSQL and SQLite alike, so two kiosks never get the same number."""
    category = categories(center).filter(letter=(letter or "")[:1].upper()).first() if letter else None
    if category is None:
        raise Invalid("没有这个取号类别", fields={"category": "请选择本中心的取号类别"})
    phone = (phone or "").strip()
    if phone and not MOBILE.match(phone):
        raise Invalid("手机号格式不正确", fields={"phone": "请填写11位手机号，或不填"})
    now = clock.now()
    day = timezone.localdate(now)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                TicketCounter.objects.get_or_create(center=center, day=day, letter=category.letter)
                TicketCounter.objects.filter(center=center, day=day, letter=category.letter).update(
                    last=F("last") + 1
                )
                last = TicketCounter.objects.get(center=center, day=day, letter=category.letter).last
                if last > MAX_TICKETS_PER_DAY:
                    raise Conflict("今日该类别号码已取完，请咨询工作人员", code="tickets_exhausted")
                return Ticket.objects.create(
                    center=center,
                    category=category,
                    day=day,
                    number=f"{category.letter}{last:03d}",
                    priority=category.priority,
                    taken_at=now,
                    phone=phone,
                    name=(name or "")[:40],
                )
        except IntegrityError:
            continue  # a racing first take of the day created the counter: take again
    raise Conflict("取号繁忙，请重试", code="busy")


def _my_window(user, window: Window) -> Window:
    """The clerk calls only at the window they sit at: any other window is 404 (not theirs to know)."""
    seat = seat_of(user)
    if seat is None or seat.pk != window.pk:
        raise NotFound("您没有坐在这个窗口", code="not_seated")
    return seat


def current_at(window: Window) -> Ticket | None:
    return (
        Ticket.objects.select_related("category", "window", "case")
        .filter(window=window, status=TicketStatus.CALLED, day=clock.today())
        .order_by("-called_at")
        .first()
    )


def _finish_current(window: Window, now) -> None:
    Ticket.objects.filter(window=window, status=TicketStatus.CALLED).update(
        status=TicketStatus.DONE, finished_at=now
    )


def call_next(user, window: Window) -> Ticket:
    """Close the ticket at the window and call the next one: the priority lane first, then by time taken."""
    window = _my_window(user, window)
    now = clock.now()
    with transaction.atomic():
        _finish_current(window, now)
        candidates = waiting_queue(window.center, timezone.localdate(now)).filter(
            Q(for_window__isnull=True) | Q(for_window=window)
        )
        for ticket in candidates[:20]:
            # The conditional update is the lock: of two windows calling at once, one wins this ticket.
            won = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, called_at=now, announced_at=now, window=window,
                called_by=user, call_count=1, for_window=None,
            )  # fmt: skip
            if won:
                _remind_next(window.center, timezone.localdate(now))
                return Ticket.objects.select_related("category", "window").get(pk=ticket.pk)
    raise NotFound("没有等候的号", code="queue_empty")


def _remind_next(center: Center, day: dt.date) -> None:
    """Text the person who now has N waiting ahead (optional phone at the kiosk), once."""
    left = settings_of(center).remind_when_left
    row = waiting_queue(center, day)[left : left + 1]
    ticket = row[0] if row else None
    if ticket is None or not ticket.phone or ticket.reminded:
        return
    from bianmin.messaging.services import send_message
    from bianmin.messaging.templates import render

    params = {"center": center.name, "number": ticket.number, "count": str(left)}
    text, urgent = render("ticket_soon", center.region_id[:6] + "000000", params)
    Ticket.objects.filter(pk=ticket.pk).update(reminded=True)
    send_message(ticket.phone, "ticket_soon", text, {"number": ticket.number}, urgent=urgent)


def _current_or_409(window: Window) -> Ticket:
    ticket = current_at(window)
    if ticket is None:
        raise Conflict("本窗口当前没有正在办理的号", code="no_current_ticket")
    return ticket


def recall(user, window: Window) -> Ticket:
    window = _my_window(user, window)
    ticket = _current_or_409(window)
    Ticket.objects.filter(pk=ticket.pk).update(call_count=F("call_count") + 1, announced_at=clock.now())
    ticket.refresh_from_db()
    return ticket


def skip(user, window: Window) -> Ticket:
    """过号: the person did not come; the ticket leaves the queue (they take a new one)."""
    window = _my_window(user, window)
    ticket = _current_or_409(window)
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.SKIPPED, finished_at=clock.now())
    ticket.refresh_from_db()
    return ticket


def transfer(user, window: Window, to_window: Window | None) -> Ticket:
    """转窗口: the ticket waits again, first in line for the other window of the same center."""
    window = _my_window(user, window)
    if to_window is None or to_window.center_id != window.center_id or to_window.pk == window.pk:
        raise Invalid("请选择本中心的另一个窗口", fields={"window": "请选择本中心的另一个窗口"})
    ticket = _current_or_409(window)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.WAITING, window=None, for_window=to_window, called_at=None, announced_at=None
    )
    ticket.refresh_from_db()
    return ticket


def finish(user, window: Window) -> Ticket:
    window = _my_window(user, window)
    ticket = _current_or_409(window)
    _finish_current(window, clock.now())
    ticket.refresh_from_db()
    return ticket


# --- appointments -------------------------------------------------------------------------------------


def bookable_days(center: Center, today: dt.date | None = None) -> list[dt.date]:
    """The working days inside the booking horizon (default the 1st to the 5th working day after today)."""
    today = today or clock.today()
    rules = settings_of(center)
    calendar = current_calendar(center.region)
    days, n, day = [], 0, today
    if rules.horizon_min == 0 and calendar.is_workday(today):
        days.append(today)
    for _ in range(60):
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            n += 1
            if rules.horizon_min <= n <= rules.horizon_max:
                days.append(day)
            if n >= rules.horizon_max:
                break
    return days


def _periods(rules) -> list[tuple[dt.time, dt.time]]:
    return [(rules.morning_start, rules.morning_end), (rules.afternoon_start, rules.afternoon_end)]


def ensure_slots(center: Center, day: dt.date) -> list[Slot]:
    """The day's slots, made from the center's hours the first time anyone asks; none on a non-working day."""
    if not current_calendar(center.region).is_workday(day):
        return []
    existing = list(Slot.objects.filter(center=center, date=day).order_by("start"))
    if existing:
        return existing
    rules = settings_of(center)
    step = dt.timedelta(minutes=max(5, rules.slot_minutes))
    rows = []
    for start, end in _periods(rules):
        at = dt.datetime.combine(day, start)
        stop = dt.datetime.combine(day, end)
        while at + step <= stop:
            rows.append(
                Slot(center=center, date=day, start=at.time(), end=(at + step).time(), quota=rules.slot_quota)
            )
            at += step
    Slot.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Slot.objects.filter(center=center, date=day).order_by("start"))


def slots_for(center: Center, day: dt.date) -> list[Slot]:
    """What a booking page offers: the day's slots if the day is bookable (inside the horizon), else none."""
    if day not in bookable_days(center):
        return []
    return ensure_slots(center, day)


def slot_start(slot: Slot) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(slot.date, slot.start))


def slot_end(slot: Slot) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(slot.date, slot.end))


def barred_until(phone: str, center: Center, today: dt.date | None = None) -> dt.date | None:
    """The day online booking opens again for `phone` after too many no-shows, or None when it may book."""
    today = today or clock.today()
    rules = settings_of(center)
    if rules.no_show_limit == 0:
        return None
    since = today - dt.timedelta(days=rules.no_show_days + rules.bar_days)
    days = sorted(
        Appointment.objects.filter(
            phone=phone, status=AppointmentStatus.NO_SHOW, slot__date__gte=since
        ).values_list("slot__date", flat=True)
    )
    for i in range(rules.no_show_limit - 1, len(days)):
        # The limit-th no-show within no_show_days bars booking for bar_days from that day on.
        if (days[i] - days[i - rules.no_show_limit + 1]).days < rules.no_show_days:
            until = days[i] + dt.timedelta(days=rules.bar_days)
            if until > today:
                return until
    return None


def channel_for(user, center: Center) -> str:
    if user is None or not user.is_authenticated:
        return BookingChannel.ONLINE
    scope = scope_of(user)
    if scope.has_role(Role.CLERK, Role.DIRECTOR) and scope.acts_in_center(center):
        return BookingChannel.PHONE
    if "agent" in scope.roles:
        village = agent_village(user)
        home = township_of(village) if village else None
        if home is not None and home.pk == center.pk:
            return BookingChannel.AGENT
    return BookingChannel.ONLINE


def book(
    user, *, slot: int, item: str, name: str, phone: str, sms_code: str = "", verified: bool = False
) -> Appointment:
    """预约: one ordered check (slot → input → time → bar → duplicate → quota) before anything is written.

    Staff of the center (for someone on the phone) and the township's agents book without an SMS code; the
    public proves the phone with one (`verified` when the page already checked it)."""
    found = (
        Slot.objects.select_related("center__region").filter(pk=slot).first()
        if isinstance(slot, int)
        else None
    )
    if found is None:
        raise Invalid("预约时段不存在", fields={"slot": "未找到该时段"})
    center = found.center
    channel = channel_for(user, center)
    errors = {}
    name = (name or "").strip()
    phone = (phone or "").strip()
    if not name or len(name) > 40:
        errors["name"] = "请填写姓名（40字以内）"
    if not MOBILE.match(phone):
        errors["phone"] = "请填写11位手机号"
    the_item = Item.objects.published().select_related("region").filter(code=(item or "")[:40]).first()
    if the_item is None or not center.region_id.startswith(the_item.region.prefix):
        errors["item"] = "本中心不办理该事项"
    if errors:
        raise Invalid("预约信息有误", fields=errors)
    now = clock.now()
    if not current_calendar(center.region).is_workday(found.date):
        raise Invalid("节假日和休息日不办理预约", fields={"slot": "该日为节假日或休息日"})
    if slot_start(found) <= now:
        raise Invalid("该时段已过，请选择以后的时段", fields={"slot": "该时段已过"})
    if found.date not in bookable_days(center, timezone.localdate(now)):
        rules = settings_of(center)
        raise Invalid(
            f"只能预约第{rules.horizon_min}至{rules.horizon_max}个工作日",
            fields={"slot": "超出可预约的日期范围"},
        )
    if channel == BookingChannel.ONLINE:
        until = barred_until(phone, center)
        if until:
            raise Conflict(
                f"该手机号近期多次预约未到，{until:%Y年%m月%d日}前不能网上预约，可到窗口取号办理",
                code="barred",
                fields={"phone": "爽约次数过多，暂停网上预约"},
            )
        if not verified:
            check_code(phone, sms_code)
    if Appointment.objects.filter(slot=found, phone=phone, status=AppointmentStatus.BOOKED).exists():
        raise Conflict("该手机号已预约了这个时段", code="duplicate", fields={"slot": "已预约过该时段"})
    try:
        with transaction.atomic():
            # One UPDATE both checks and takes a place, so two last-place bookings cannot both win.
            if not Slot.objects.filter(pk=found.pk, booked__lt=F("quota")).update(booked=F("booked") + 1):
                raise Conflict("该时段已约满，请选择其他时段", code="slot_full", fields={"slot": "已约满"})
            appointment = Appointment.objects.create(
                slot=found, item=the_item, name=name, phone=phone, code=f"{secrets.randbelow(10**6):06d}",
                channel=channel, booked_by=user if channel != BookingChannel.ONLINE else None, created_at=now,
            )  # fmt: skip
            _text_booking(appointment)
    except IntegrityError:
        raise Conflict(
            "该手机号已预约了这个时段", code="duplicate", fields={"slot": "已预约过该时段"}
        ) from None
    return appointment


def _text_booking(appointment: Appointment) -> None:
    from bianmin.messaging.services import send_message
    from bianmin.messaging.templates import render

    slot = appointment.slot
    center = slot.center
    params = {
        "center": center.name,
        "item": appointment.item.name,
        "time": f"{slot.date:%m月%d日} {slot.start:%H:%M}",
        "code": appointment.code,
    }
    text, urgent = render("appointment_booked", center.region_id[:6] + "000000", params)
    send_message(
        appointment.phone, "appointment_booked", text, {"appointment": appointment.pk}, urgent=urgent
    )


def may_manage(user, center: Center) -> bool:
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return scope.has_role(Role.CLERK, Role.DIRECTOR) and scope.acts_in_center(center)


def appointment_for(user, pk: int, code: str = "") -> Appointment:
    """The appointment for its center's staff or whoever holds its code; anyone else: 404."""
    found = Appointment.objects.select_related("slot__center__region", "item").filter(pk=pk).first()
    if found is None:
        raise NotFound("预约不存在")
    if may_manage(user, found.slot.center):
        return found
    if found.booked_by_id and user is not None and found.booked_by_id == getattr(user, "pk", None):
        return found
    if code:
        failures = CodeFailure.objects.filter(appointment=found, at__gte=clock.now() - GUESS_WINDOW)
        if (wait := wait_seconds(failures, GUESSES, GUESS_WINDOW)) > 0:
            raise TooMany(f"预约码错误次数过多，{wait_text(wait)}")
        if secrets.compare_digest(str(code), found.code):
            return found
        CodeFailure.objects.create(appointment=found, at=clock.now())
    raise NotFound("预约不存在")


def cancel(appointment: Appointment) -> Appointment:
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().select_related("slot__center").get(pk=appointment.pk)
        if locked.status != AppointmentStatus.BOOKED:
            raise Conflict(f"该预约{locked.get_status_display()}，不能取消", code="not_booked")
        hours = settings_of(locked.slot.center).cancel_hours
        if clock.now() > slot_start(locked.slot) - dt.timedelta(hours=hours):
            raise Conflict(f"距预约时间不足{hours}小时，不能取消", code="too_late")
        locked.status = AppointmentStatus.CANCELLED
        locked.cancelled_at = clock.now()
        locked.save(update_fields=["status", "cancelled_at"])
        Slot.objects.filter(pk=locked.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    return locked


def priority_category(center: Center) -> TicketCategory:
    found = categories(center).filter(priority=True).first()
    if found is None:
        found, _ = TicketCategory.objects.get_or_create(
            center=center, letter="V", defaults={"name": "绿色通道", "priority": True, "order": 99}
        )
    return found


def arrive(user, appointment: Appointment) -> Ticket:
    """到场: the appointment becomes a priority (V) ticket at the front of today's queue."""
    center = appointment.slot.center
    if not may_manage(user, center):
        raise NotFound("预约不存在")
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.BOOKED:
            raise Conflict(f"该预约{locked.get_status_display()}，不能取号", code="not_booked")
        if locked.slot.date != clock.today():
            raise Conflict("不是今天的预约", code="not_today")
        ticket = take_ticket(center, priority_category(center).letter, phone=locked.phone, name=locked.name)
        locked.status = AppointmentStatus.ARRIVED
        locked.ticket = ticket
        locked.save(update_fields=["status", "ticket"])
    return ticket


def mark_no_shows(today: dt.date | None = None) -> int:
    """End of day: bookings whose day has passed without arrival are no-shows (the sweep and the command)."""
    today = today or clock.today()
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED, slot__date__lt=today).update(
        status=AppointmentStatus.NO_SHOW
    )


# --- SMS codes for public booking ---------------------------------------------------------------------


def _hash(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


def send_code(phone: str, address: str = "", center: Center | None = None) -> None:
    phone = (phone or "").strip()
    if not MOBILE.match(phone):
        raise Invalid("手机号格式不正确", fields={"phone": "请填写11位手机号"})
    now = clock.now()
    recent = PhoneCode.objects.filter(phone=phone, at__gte=now - CODE_SEND_WINDOW)
    if (wait := wait_seconds(recent, CODE_SENDS, CODE_SEND_WINDOW)) > 0:
        raise TooMany(f"验证码发送过于频繁，{wait_text(wait)}")
    if address:
        by_address = PhoneCode.objects.filter(address=address[:45], at__gte=now - ADDRESS_WINDOW)
        if (wait := wait_seconds(by_address, ADDRESS_SENDS, ADDRESS_WINDOW)) > 0:
            raise TooMany(f"请求过于频繁，{wait_text(wait)}")
    code = f"{secrets.randbelow(10**6):06d}"
    from bianmin.messaging.services import send_message
    from bianmin.messaging.templates import render

    with transaction.atomic():
        PhoneCode.objects.create(phone=phone, code_hash=_hash(phone, code), at=now, address=address[:45])
        params = {"center": center.name if center else "便民服务", "code": code}
        text, urgent = render("booking_code", None, params)
        send_message(phone, "booking_code", text, {}, urgent=True)


def check_code(phone: str, code: str) -> None:
    """The latest code sent to `phone` in the last 10 minutes, five tries; a wrong one is 422."""
    wrong = Invalid("短信验证码不正确或已过期", fields={"sms_code": "验证码不正确或已过期，请重新获取"})
    latest = (
        PhoneCode.objects.filter(phone=phone, used=False, at__gte=clock.now() - CODE_VALID)
        .order_by("-at")
        .first()
    )
    if latest is None or latest.attempts >= CODE_ATTEMPTS:
        raise wrong
    if not code or not secrets.compare_digest(_hash(phone, str(code)[:12]), latest.code_hash):
        PhoneCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
        raise wrong
    PhoneCode.objects.filter(pk=latest.pk).update(used=True)


# --- outreach -----------------------------------------------------------------------------------------


def outreaches_on(day: dt.date, centers=None):
    rows = Outreach.objects.filter(active=True).select_related("center", "village")
    if centers is not None:
        rows = rows.filter(center__in=centers)
    return [o for o in rows if o.falls_on(day)]


def start_outreach_duty(user, outreach: Outreach) -> OutreachDuty:
    if not may_manage(user, outreach.center):
        raise NotFound("赶集服务不存在")
    today = clock.today()
    if not outreach.falls_on(today):
        raise Conflict("今天不是该点的赶集日", code="not_market_day")
    duty, _ = OutreachDuty.objects.update_or_create(user=user, day=today, defaults={"outreach": outreach})
    return duty


def end_outreach_duty(user) -> None:
    OutreachDuty.objects.filter(user=user, day=clock.today()).delete()


__all__ = ["mask_phone"]
