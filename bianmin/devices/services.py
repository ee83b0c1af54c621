"""Issuing and checking device tokens; seating clerks at windows.

Other apps use: `device_required(kind)` on a kiosk view (404 without a valid token), `device_from_request`,
`seat_of(user)`, `clerk_at(window)`, and `register_kind_page(kind, url_name)` so that opening a device's link
lands on that kind's page.
"""

import datetime as dt
import hashlib
import secrets
from functools import wraps

from django.db import transaction
from django.http import Http404

from bianmin.accounts.scope import scope_of
from bianmin.core import clock
from bianmin.core.errors import Conflict, Invalid
from bianmin.devices.models import Device, DeviceKind, Seat
from bianmin.regions.models import Center, Window

COOKIE = "bianmin_device"
HEADER = "HTTP_X_DEVICE_TOKEN"
SEEN_EVERY = dt.timedelta(minutes=1)
COOKIE_AGE = 5 * 366 * 24 * 3600

# kind → the URL name of the page a device of that kind shows (filled by the apps that build those pages).
KIND_PAGES: dict[str, str] = {}


def register_kind_page(kind: str, url_name: str) -> None:
    KIND_PAGES[kind] = url_name


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(user, center: Center, kind: str, name: str, window: Window | None = None) -> tuple[Device, str]:
    """A new device and its raw token (shown once). The caller has checked that `user` directs `center`."""
    fields = {}
    if kind not in DeviceKind.values:
        fields["kind"] = "未知的设备类别"
    name = (name or "").strip()
    if not name:
        fields["name"] = "请填写设备名称，例如“1号窗口评价器”"
    elif len(name) > 60:
        fields["name"] = "名称不能超过60个字"
    if kind == DeviceKind.RATING_PAD and window is None:
        fields["window"] = "评价器必须属于一个窗口"
    if window is not None and window.center_id != center.pk:
        fields["window"] = "窗口不属于该中心"
    if fields:
        raise Invalid("设备信息不完整", fields=fields)
    raw = secrets.token_urlsafe(24)
    device = Device.objects.create(
        center=center,
        window=window if kind == DeviceKind.RATING_PAD or window else None,
        kind=kind,
        name=name,
        token_hash=_hash(raw),
        prefix=raw[:6],
        created_at=clock.now(),
        created_by=user,
    )
    return device, raw


def revoke(user, device: Device) -> None:
    if device.revoked_at is not None:
        raise Conflict("该设备已停用")
    device.revoked_at = clock.now()
    device.revoked_by = user
    device.save(update_fields=["revoked_at", "revoked_by"])


def device_for_token(raw: str | None, kind: str | None = None) -> Device | None:
    """The active device holding `raw` (of `kind` if given), or None. Marks it seen at most once a minute."""
    if not raw or len(raw) > 100 or not raw.isascii():
        return None
    device = (
        Device.objects.select_related("center__region", "window")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if device is None or (kind is not None and device.kind != kind):
        return None
    now = clock.now()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device


def device_from_request(request, kind: str | None = None) -> Device | None:
    raw = request.META.get(HEADER) or request.COOKIES.get(COOKIE)
    return device_for_token(raw, kind)


def device_required(kind: str):
    """A kiosk view: 404 (like a page that does not exist) without a valid token of `kind`; sets request.device."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            device = device_from_request(request, kind)
            if device is None:
                raise Http404("no such device")
            request.device = device
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# --- seats ---------------------------------------------------------------------------------------------


def seat_of(user) -> Window | None:
    """The window `user` sits at now, or None."""
    if user is None or not user.is_authenticated:
        return None
    seat = Seat.objects.select_related("window__center").filter(user=user, until__isnull=True).first()
    return seat.window if seat else None


def clerk_at(window: Window):
    """Who sits at `window` now (the latest to sit down), or None."""
    seat = (
        Seat.objects.select_related("user")
        .filter(window=window, until__isnull=True)
        .order_by("-since")
        .first()
    )
    return seat.user if seat else None


def windows_for(user):
    """The windows `user` may sit at: those of the centers they work in as clerk or director."""
    scope = scope_of(user)
    if scope.is_admin:
        return Window.objects.select_related("center").all()
    return Window.objects.select_related("center").filter(center__in=scope.center_ids)


@transaction.atomic
def take_seat(user, window: Window) -> Seat:
    if not windows_for(user).filter(pk=window.pk).exists():
        raise Http404("no such window")
    now = clock.now()
    current = Seat.objects.select_for_update().filter(user=user, until__isnull=True).first()
    if current is not None:
        if current.window_id == window.pk:
            return current
        current.until = now
        current.save(update_fields=["until"])
    return Seat.objects.create(user=user, window=window, since=now)


def leave_seat(user) -> bool:
    return bool(Seat.objects.filter(user=user, until__isnull=True).update(until=clock.now()))
