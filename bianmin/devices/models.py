"""Hall devices that work without a staff login, and which window a clerk sits at.

A rating pad (评价器) at a window, a ticket kiosk (取号机) or a hall screen (大厅显示屏) is a tablet or a TV
that nobody signs in to: it carries a per-device token issued by the center's director. The token is stored
only as its SHA-256; the director sees it once, when issuing it, as a link and a QR code to open on the device.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.regions.models import Center, Window


class DeviceKind(models.TextChoices):
    RATING_PAD = "rating_pad", "窗口评价器"
    TICKET_KIOSK = "ticket_kiosk", "取号机"
    HALL_SCREEN = "hall_screen", "大厅显示屏"


class Device(models.Model):
    center = models.ForeignKey(Center, verbose_name="中心", on_delete=models.PROTECT, related_name="devices")
    window = models.ForeignKey(
        Window, verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    kind = models.CharField("类别", max_length=16, choices=DeviceKind.choices)
    name = models.CharField("名称", max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8)
    created_at = models.DateTimeField("发放时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="停用人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_seen_at = models.DateTimeField("最近在线", null=True, blank=True)

    class Meta:
        verbose_name = "大厅设备"
        verbose_name_plural = "大厅设备"
        ordering = ["center", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DeviceKind.RATING_PAD) | Q(window__isnull=False),
                name="rating_pad_has_window",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Seat(models.Model):
    """A clerk sitting at a window (在岗窗口), from `since` until `until` (open while seated).

    The rating pad shows the cases its window's clerk finishes; the ticket caller calls to the clerk's window.
    A clerk sits at one window at a time; the rows are kept as the history of who sat where.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="seats"
    )
    window = models.ForeignKey(Window, verbose_name="窗口", on_delete=models.PROTECT, related_name="seats")
    since = models.DateTimeField("入座时间")
    until = models.DateTimeField("离座时间", null=True, blank=True)

    class Meta:
        verbose_name = "窗口座席"
        verbose_name_plural = "窗口座席"
        ordering = ["-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(until__isnull=True), name="one_open_seat_per_user"
            )
        ]
        indexes = [models.Index(fields=["window", "until"], name="seat_window_open")]

    def __str__(self):
        return f"{self.user_id}@{self.window_id}"
