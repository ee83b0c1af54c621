"""The hall (大厅): queue tickets and calling, appointments by time slot, and market-day outreach."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.regions.models import Center, Region, Window


class HallSettings(models.Model):
    """A center's hall rules, edited by its director; a center without a row uses these defaults."""

    center = models.OneToOneField(Center, on_delete=models.CASCADE, related_name="hall_settings")
    morning_start = models.TimeField("上午开始", default=dt.time(9, 0))
    morning_end = models.TimeField("上午结束", default=dt.time(12, 0))
    afternoon_start = models.TimeField("下午开始", default=dt.time(14, 0))
    afternoon_end = models.TimeField("下午结束", default=dt.time(17, 0))
    slot_minutes = models.PositiveSmallIntegerField("时段长度（分钟）", default=30)
    slot_quota = models.PositiveSmallIntegerField("每时段名额", default=4)
    horizon_min = models.PositiveSmallIntegerField("最早提前（工作日）", default=1)
    horizon_max = models.PositiveSmallIntegerField("最远提前（工作日）", default=5)
    cancel_hours = models.PositiveSmallIntegerField("最晚取消（开始前小时数）", default=2)
    no_show_limit = models.PositiveSmallIntegerField("爽约次数上限", default=2)
    no_show_days = models.PositiveSmallIntegerField("爽约统计天数", default=30)
    bar_days = models.PositiveSmallIntegerField("限制网上预约天数", default=30)
    remind_when_left = models.PositiveSmallIntegerField("前面剩几人时短信提醒", default=3)

    class Meta:
        verbose_name = "大厅参数"
        verbose_name_plural = "大厅参数"

    def __str__(self):
        return f"大厅参数 {self.center_id}"


def settings_of(center: Center) -> HallSettings:
    found = HallSettings.objects.filter(center=center).first()
    return found or HallSettings(center=center)


class TicketCategory(models.Model):
    """取号类别: a letter prefix and a name (A 社保民政 …); V is the priority lane (绿色通道)."""

    center = models.ForeignKey(
        Center, verbose_name="中心", on_delete=models.CASCADE, related_name="ticket_categories"
    )
    letter = models.CharField("字母", max_length=1)
    name = models.CharField("名称", max_length=30)
    description = models.CharField("说明（可办事项）", max_length=200, blank=True)
    priority = models.BooleanField("优先（绿色通道）", default=False)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "取号类别"
        verbose_name_plural = "取号类别"
        ordering = ["center", "order", "letter"]
        constraints = [models.UniqueConstraint(fields=["center", "letter"], name="ticket_letter_unique")]

    def __str__(self):
        return f"{self.letter} {self.name}"


class TicketCounter(models.Model):
    """The last number given per center, day and letter; its row is locked while a number is taken."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    letter = models.CharField(max_length=1)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "day", "letter"], name="ticket_counter_unique")
        ]

    def __str__(self):
        return f"{self.center_id} {self.day} {self.letter}{self.last:03d}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "等候中"
    CALLED = "called", "已叫号"
    DONE = "done", "已办理"
    SKIPPED = "skipped", "过号"


class Ticket(models.Model):
    center = models.ForeignKey(Center, verbose_name="中心", on_delete=models.PROTECT, related_name="tickets")
    category = models.ForeignKey(
        TicketCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="tickets"
    )
    day = models.DateField("日期")
    number = models.CharField("号码", max_length=8)
    priority = models.BooleanField("优先", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    taken_at = models.DateTimeField("取号时间")
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    call_count = models.PositiveSmallIntegerField("叫号次数", default=0)
    announced_at = models.DateTimeField("最近呼叫", null=True, blank=True)  # a recall announces again
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    window = models.ForeignKey(
        Window, verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    # Set by a transfer: only this window may call the ticket next.
    for_window = models.ForeignKey(
        Window, verbose_name="转至窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name="办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    name = models.CharField("姓名", max_length=40, blank=True)  # from an appointment; shown masked
    phone = models.CharField("手机号", max_length=20, blank=True)  # for the "three left" SMS; shown masked
    reminded = models.BooleanField(default=False)

    class Meta:
        verbose_name = "排队号"
        verbose_name_plural = "排队号"
        ordering = ["day", "taken_at"]
        constraints = [
            models.UniqueConstraint(fields=["center", "day", "number"], name="ticket_number_unique")
        ]
        indexes = [
            models.Index(fields=["center", "day", "status"], name="ticket_center_day_status"),
            models.Index(fields=["window", "status"], name="ticket_window_status"),
        ]

    def __str__(self):
        return self.number

    @property
    def waiting_seconds(self) -> int | None:
        return int((self.called_at - self.taken_at).total_seconds()) if self.called_at else None

    @property
    def service_seconds(self) -> int | None:
        if not self.called_at:
            return None
        end = self.finished_at
        if end is None and self.case_id and self.case.received_at:
            end = self.case.received_at
        return int((end - self.called_at).total_seconds()) if end else None


class Slot(models.Model):
    """An appointment time slot of a center, made from its hours on a working day when first asked for."""

    center = models.ForeignKey(Center, verbose_name="中心", on_delete=models.CASCADE, related_name="slots")
    date = models.DateField("日期")
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    quota = models.PositiveSmallIntegerField("名额")
    booked = models.PositiveSmallIntegerField("已约", default=0)

    class Meta:
        verbose_name = "预约时段"
        verbose_name_plural = "预约时段"
        ordering = ["center", "date", "start"]
        constraints = [models.UniqueConstraint(fields=["center", "date", "start"], name="slot_unique")]

    def __str__(self):
        return f"{self.date} {self.start:%H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.quota - self.booked)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CANCELLED = "cancelled", "已取消"
    ARRIVED = "arrived", "已到场"
    NO_SHOW = "no_show", "爽约"


class BookingChannel(models.TextChoices):
    ONLINE = "online", "网上预约"
    PHONE = "phone", "电话预约（窗口代约）"
    AGENT = "agent", "代办员代约"


class Appointment(models.Model):
    slot = models.ForeignKey(Slot, verbose_name="时段", on_delete=models.PROTECT, related_name="appointments")
    item = models.ForeignKey("catalog.Item", verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号", max_length=11, db_index=True)
    code = models.CharField("预约码", max_length=6)
    channel = models.CharField("渠道", max_length=10, choices=BookingChannel.choices)
    status = models.CharField(
        "状态", max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("预约时间")
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="appointment"
    )

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        ordering = ["slot__date", "slot__start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "phone"], condition=Q(status="booked"), name="one_booking_per_phone_slot"
            )
        ]
        indexes = [models.Index(fields=["phone", "status"], name="appointment_phone_status")]

    def __str__(self):
        return f"预约 {self.pk}"


class PhoneCode(models.Model):
    """An SMS code sent to confirm a phone before a public booking; rows also throttle sending."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)
    address = models.CharField(max_length=45, blank=True, db_index=True)

    def __str__(self):
        return f"验证码 {self.pk}"


class CodeFailure(models.Model):
    """A wrong appointment code given without an account; recent rows throttle guessing (never a lock)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.appointment_id} {self.at}"


class Outreach(models.Model):
    """赶集服务: a center's staff serving at a village or market on recurring days of the month."""

    center = models.ForeignKey(
        Center, verbose_name="中心", on_delete=models.CASCADE, related_name="outreaches"
    )
    place = models.CharField("地点", max_length=60)
    village = models.ForeignKey(
        Region, verbose_name="所在村", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day_digits = models.CharField(
        "逢几", max_length=10, help_text="日期尾数，如 369 表示逢三、六、九（3、6、9、13、16…日）"
    )
    start_time = models.TimeField("开始", default=dt.time(8, 30))
    end_time = models.TimeField("结束", default=dt.time(12, 0))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="下乡人员", blank=True, related_name="+"
    )
    items = models.ManyToManyField("catalog.Item", verbose_name="可办事项", blank=True, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "赶集服务"
        verbose_name_plural = "赶集服务"
        ordering = ["center", "place"]

    def __str__(self):
        return self.place

    def digits(self) -> set[int]:
        return {int(c) for c in self.day_digits if c.isascii() and c.isdigit()}

    def falls_on(self, day: dt.date) -> bool:
        return day.day % 10 in self.digits()

    def dates(self, start: dt.date, days: int = 30) -> list[dt.date]:
        return [start + dt.timedelta(n) for n in range(days) if self.falls_on(start + dt.timedelta(n))]

    def digits_label(self) -> str:
        words = "〇一二三四五六七八九"
        return "逢" + "、".join(words[d] for d in sorted(self.digits()))


class OutreachDuty(models.Model):
    """A clerk is serving at an outreach today: cases they take meanwhile are marked with it."""

    outreach = models.ForeignKey(Outreach, on_delete=models.CASCADE, related_name="duties")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_outreach_per_user_day")]

    def __str__(self):
        return f"{self.user_id}@{self.outreach_id} {self.day}"


class OutreachCase(models.Model):
    """A case taken at an outreach (赶集受理)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="outreach_mark")
    outreach = models.ForeignKey(Outreach, on_delete=models.PROTECT, related_name="cases")
    day = models.DateField()

    def __str__(self):
        return f"{self.case_id}@{self.outreach_id}"
