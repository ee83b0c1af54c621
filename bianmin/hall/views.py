"""Hall pages: the ticket kiosk and the hall screen (device token, no login), the clerk's caller panel,
the director's hall settings, public booking and the outreach days."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from bianmin.accounts.decorators import admin_required
from bianmin.accounts.models import Role, User
from bianmin.accounts.scope import agent_village, scope_of
from bianmin.catalog.models import Item
from bianmin.core import clock
from bianmin.core.errors import PAGE_ERRORS, ApiError
from bianmin.devices.models import DeviceKind
from bianmin.devices.services import device_required, seat_of
from bianmin.hall import selectors, services
from bianmin.hall.forms import CategoryForm, OutreachForm, SettingsForm
from bianmin.hall.models import Appointment, HallSettings, Outreach, OutreachDuty, Ticket, TicketCategory
from bianmin.regions.models import Center, CenterLevel, Region, Window
from bianmin.regions.selectors import township_of

PAGE_SIZE = 30

# --- kiosk and screen (device token) -------------------------------------------------------------------


@device_required(DeviceKind.TICKET_KIOSK)
def kiosk(request):
    center = request.device.center
    error, status = None, 200
    if request.method == "POST":
        try:
            ticket = services.take_ticket(
                center, request.POST.get("category", ""), phone=request.POST.get("phone", "")[:20]
            )
        except PAGE_ERRORS as exc:
            error, status = (next(iter(exc.fields.values())) if exc.fields else exc.message), exc.status
        else:
            return redirect("hall:kiosk_ticket", pk=ticket.pk)
    context = {"center": center, "categories": services.categories(center), "error": error}
    return render(request, "hall/kiosk.html", context, status=status)


@device_required(DeviceKind.TICKET_KIOSK)
def kiosk_ticket(request, pk: int):
    ticket = get_object_or_404(
        Ticket.objects.select_related("category", "center"),
        pk=pk,
        center=request.device.center,
        day=clock.today(),
    )
    context = {"ticket": ticket, "ahead": services.waiting_ahead(ticket), "center": ticket.center}
    return render(request, "hall/ticket.html", context)


@device_required(DeviceKind.HALL_SCREEN)
def screen(request):
    context = selectors.screen_context(request.device.center, clock.today())
    return render(request, "hall/screen.html", context)


@device_required(DeviceKind.HALL_SCREEN)
def screen_board(request):
    context = selectors.screen_context(request.device.center, clock.today())
    return render(request, "hall/partials/board.html", context)


# --- the clerk's caller panel ----------------------------------------------------------------------------


def _clerk_center(user) -> Center:
    scope = scope_of(user)
    if not scope.has_role(Role.CLERK, Role.DIRECTOR) or not scope.center_ids:
        raise Http404("no hall")
    window = seat_of(user)
    if window is not None:
        return window.center
    return Center.objects.select_related("region").filter(pk__in=scope.center_ids).order_by("code").first()


@login_required
def caller(request):
    center = _clerk_center(request.user)
    window = seat_of(request.user)
    today = clock.today()
    if request.method == "POST":
        return _caller_post(request, center, window)
    appointments = Paginator(selectors.appointments_on(center, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "center": center,
        "window": window,
        "current": services.current_at(window) if window else None,
        "waiting": selectors.waiting_by_category(center, today),
        "queue": services.waiting_queue(center, today).select_related("category")[:10],
        "others": Window.objects.filter(center=center).exclude(pk=window.pk if window else None),
        "appointments": appointments,
        "outreaches": services.outreaches_on(today, [center]),
        "duty": OutreachDuty.objects.select_related("outreach").filter(user=request.user, day=today).first(),
        "figures": selectors.figures(center, today),
    }
    return render(request, "hall/caller.html", context)


def _caller_post(request, center, window):
    op = request.POST.get("op", "")
    acts = {
        "call": services.call_next,
        "recall": services.recall,
        "skip": services.skip,
        "finish": services.finish,
    }
    try:
        if op in acts:
            if window is None:
                messages.error(request, "请先选择您所在的窗口。")
                return redirect("hall:caller")
            ticket = acts[op](request.user, window)
            words = {"call": "已叫号", "recall": "已重呼", "skip": "已过号", "finish": "已办毕"}
            messages.success(request, f"{words[op]}：{ticket.number}")
        elif op == "transfer" and window is not None:
            target = Window.objects.filter(pk=_int(request.POST.get("to"))).first()
            ticket = services.transfer(request.user, window, target)
            messages.success(request, f"{ticket.number} 已转至{target.number}号窗口")
        elif op == "arrive":
            appointment = services.appointment_for(request.user, _int(request.POST.get("appointment")))
            ticket = services.arrive(request.user, appointment)
            messages.success(request, f"已到场，优先号 {ticket.number}")
        elif op == "duty_start":
            outreach = get_object_or_404(Outreach, pk=_int(request.POST.get("outreach")), center=center)
            services.start_outreach_duty(request.user, outreach)
            messages.success(request, f"今天在{outreach.place}赶集服务：此后收件都标记为赶集受理。")
        elif op == "duty_end":
            services.end_outreach_duty(request.user)
            messages.success(request, "已结束赶集服务。")
        else:
            messages.error(request, "无效的操作")
    except ApiError as exc:
        messages.error(request, exc.message)
    return redirect("hall:caller")


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


# --- the director's settings --------------------------------------------------------------------------

DIRECTORS_ONLY = "只有中心负责人或系统管理员可以设置大厅。"


def _directed(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Center.objects.filter(level=CenterLevel.TOWNSHIP)
    return Center.objects.filter(
        pk__in=scope.center_ids, posts__role=Role.DIRECTOR, posts__user=user
    ).distinct()


@admin_required(roles=(Role.DIRECTOR,), message=DIRECTORS_ONLY)
def manage(request):
    centers = list(_directed(request.user).order_by("code"))
    if not centers:
        raise Http404("no center")
    center = next((c for c in centers if str(c.pk) == request.GET.get("center")), centers[0])
    rules = HallSettings.objects.filter(center=center).first() or HallSettings(center=center)
    editing = TicketCategory.objects.filter(center=center, pk=_int(request.GET.get("category"))).first()
    outreach = Outreach.objects.filter(center=center, pk=_int(request.GET.get("outreach"))).first()
    staff = User.objects.filter(posts__center=center).distinct().order_by("username")
    items = Item.objects.published().in_region(center.region).order_by("code")
    villages = Region.objects.filter(parent=center.region).order_by("code")
    what = request.POST.get("form") if request.method == "POST" else None
    settings_form = SettingsForm(request.POST if what == "settings" else None, instance=rules, prefix="s")
    category_form = CategoryForm(
        request.POST if what == "category" else None, instance=editing, center=center, prefix="c"
    )
    outreach_form = OutreachForm(
        request.POST if what == "outreach" else None, instance=outreach, prefix="o",
        staff=staff, items=items, villages=villages,
    )  # fmt: skip
    form = {"settings": settings_form, "category": category_form, "outreach": outreach_form}.get(what)
    status = 200
    if form is not None:
        if form.is_valid():
            obj = form.save(commit=False)
            obj.center = center
            obj.save()
            form.save_m2m()
            messages.success(request, "已保存。")
            return redirect(f"{reverse('hall:manage')}?center={center.pk}")
        status = 422
    context = {
        "centers": centers,
        "center": center,
        "settings_form": settings_form,
        "category_form": category_form,
        "outreach_form": outreach_form,
        "categories": TicketCategory.objects.filter(center=center),
        "outreaches": selectors.outreach_listing([center], clock.today()),
        "editing": editing,
        "outreach": outreach,
    }
    return render(request, "hall/manage.html", context, status=status)


# --- public pages: booking and outreach days ------------------------------------------------------------


def _book_center(code: str) -> Center:
    return get_object_or_404(
        Center.objects.select_related("region"),
        code=code[:20],
        is_active=True,
        level__in=[CenterLevel.TOWNSHIP, CenterLevel.COUNTY],
    )


def book(request, code: str):
    """预约: the public proves the phone by an SMS code; a clerk (for a caller) or an agent books directly."""
    center = _book_center(code)
    staff_booking = services.channel_for(request.user, center) != "online"
    days = services.bookable_days(center)
    chosen = next(
        (d for d in days if d.isoformat() == request.GET.get("date", request.POST.get("date"))), None
    )
    chosen = chosen or (days[0] if days else None)
    slots = services.ensure_slots(center, chosen) if chosen else []
    items = Item.objects.published().in_region(center.region).order_by("code")
    data = request.POST if request.method == "POST" else {}
    errors, status, sent = {}, 200, False
    if request.method == "POST":
        op = request.POST.get("op", "book")
        try:
            if op == "code" and not staff_booking:
                services.send_code(data.get("phone", "")[:20], request.META.get("REMOTE_ADDR", ""), center)
                sent = True
                messages.success(request, "验证码已发送，请查看短信。")
            else:
                appointment = services.book(
                    request.user, slot=_int(data.get("slot")), item=data.get("item", "")[:40],
                    name=data.get("name", "")[:40], phone=data.get("phone", "")[:20],
                    sms_code=data.get("sms_code", "")[:12],
                )  # fmt: skip
                request.session["hall_booked"] = appointment.pk
                return redirect("hall:booked", code=center.code)
        except PAGE_ERRORS as exc:
            errors = exc.fields or {"form": exc.message}
            errors.setdefault("form", exc.message)
            status = exc.status
    context = {
        "center": center, "days": days, "chosen": chosen, "slots": slots, "items": items, "data": data,
        "errors": errors, "sent": sent, "staff_booking": staff_booking,
    }  # fmt: skip
    return render(request, "hall/book.html", context, status=status)


def booked(request, code: str):
    center = _book_center(code)
    appointment = (
        Appointment.objects.select_related("slot", "item")
        .filter(pk=request.session.get("hall_booked") or 0, slot__center=center)
        .first()
    )
    if appointment is None:
        return redirect("hall:book", code=center.code)
    context = {
        "center": center, "appointment": appointment, "phone": services.mask_phone(appointment.phone),
        "name": services.mask_name(appointment.name),
    }  # fmt: skip
    return render(request, "hall/booked.html", context)


def outreach_days(request):
    """赶集服务日程: where the township staff serve on market days, for the next two weeks."""
    centers = Center.objects.filter(is_active=True, level=CenterLevel.TOWNSHIP)
    mine = None
    if request.user.is_authenticated and "agent" in scope_of(request.user).roles:
        village = agent_village(request.user)
        mine = township_of(village) if village else None
        if mine is not None:
            centers = centers.filter(pk=mine.pk)
    rows = selectors.outreach_listing(centers, timezone.localdate(clock.now()))
    return render(request, "hall/outreach.html", {"rows": rows, "mine": mine, "today": clock.today()})
