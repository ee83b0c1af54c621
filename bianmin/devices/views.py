"""The director's device page (/manage/devices/), a device's opening link (/device/<token>/), and the
clerk's window choice (/workbench/seat/)."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianmin.accounts.decorators import admin_required
from bianmin.accounts.models import Role
from bianmin.accounts.scope import scope_of
from bianmin.core.errors import PAGE_ERRORS
from bianmin.devices import services
from bianmin.devices.models import Device, DeviceKind
from bianmin.regions.models import Center, Window

DIRECTORS_ONLY = "只有中心负责人或系统管理员可以管理大厅设备。"


def _centers(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Center.objects.all()
    return Center.objects.filter(
        pk__in=scope.center_ids, posts__role=Role.DIRECTOR, posts__user=user
    ).distinct()


def _pk(value) -> int:
    """A posted id, or 0 (which matches nothing) for anything that is not a plain number."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0


@admin_required(roles=(Role.DIRECTOR,), message=DIRECTORS_ONLY)
def device_list(request):
    centers = list(_centers(request.user).order_by("code"))
    devices = Device.objects.filter(center__in=centers).select_related("center", "window")
    windows = Window.objects.filter(center__in=centers).select_related("center")
    issued = request.session.pop("device_issued", None)
    qr = None
    if issued:
        qr = segno.make(issued["url"], error="m").svg_data_uri(scale=4)
    status = 200
    errors = {}
    if request.method == "POST":
        center = get_object_or_404(_centers(request.user), pk=_pk(request.POST.get("center")))
        window = None
        if request.POST.get("window"):
            window = Window.objects.filter(pk=_pk(request.POST["window"]), center=center).first()
            if window is None:
                errors["window"] = "窗口不属于该中心"
        if not errors:
            try:
                device, raw = services.issue(
                    request.user, center, request.POST.get("kind", ""), request.POST.get("name", ""), window
                )
            except PAGE_ERRORS as exc:
                errors = exc.fields or {"name": exc.message}
            else:
                url = request.build_absolute_uri(reverse("devices:open", args=[raw]))
                request.session["device_issued"] = {"name": device.name, "url": url}
                return redirect("devices:list")
        status = 422
    return render(
        request,
        "devices/list.html",
        {
            "centers": centers,
            "devices": devices,
            "windows": windows,
            "kinds": DeviceKind.choices,
            "issued": issued,
            "qr": qr,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@require_POST
@admin_required(roles=(Role.DIRECTOR,), message=DIRECTORS_ONLY)
def device_revoke(request, pk: int):
    device = get_object_or_404(Device.objects.filter(center__in=_centers(request.user)), pk=pk)
    try:
        services.revoke(request.user, device)
    except PAGE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用：{device.name}。该设备需重新发放链接才能使用。")
    return redirect("devices:list")


def device_open(request, token: str):
    """Opened once on the tablet or screen: keeps the token in a cookie and shows the device's page."""
    device = services.device_for_token(token)
    if device is None:
        raise Http404("no such device")
    page = services.KIND_PAGES.get(device.kind)
    response = redirect(page) if page else render(request, "devices/ready.html", {"device": device})
    response.set_cookie(
        services.COOKIE,
        token,
        max_age=services.COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@login_required
def seat(request):
    windows = services.windows_for(request.user).order_by("center__code", "number")
    if not windows:
        raise Http404("no windows")
    if request.method == "POST":
        if request.POST.get("leave"):
            services.leave_seat(request.user)
            messages.success(request, "已离开窗口。")
        else:
            window = get_object_or_404(windows, pk=_pk(request.POST.get("window")))
            services.take_seat(request.user, window)
            messages.success(request, f"您现在在{window.center.name} {window}。")
        return (
            redirect(request.POST.get("next") or "devices:seat")
            if _safe(request)
            else redirect("devices:seat")
        )
    return render(
        request, "devices/seat.html", {"windows": windows, "current": services.seat_of(request.user)}
    )


def _safe(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
