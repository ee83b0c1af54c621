"""The hall's duty: posts with their A holder and B backup (AB岗), the roster (排班), sign-in (签到/签退)
and whereabouts (去向).

A post is a window, a department (站所) or a village station. The roster says who is on which post on which
day; a weekly duty (the agents' regular station days, formerly proxy.DutyDay) is the standing pattern the
station keeps. Sign-in rows are one per person and day; whereabouts rows are never edited, the latest wins.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.regions.models import Center, Department, Region, Window


class PostKind(models.TextChoices):
    WINDOW = "window", "窗口"
    DEPARTMENT = "department", "部门（站所）"
    STATION = "station", "村级站点"


class DutyPost(models.Model):
    """A post (岗位) with its A holder (A岗) and B backup (B岗)."""

    center = models.ForeignKey(
        Center, verbose_name="中心（站点）", on_delete=models.PROTECT, related_name="duty_posts"
    )
    kind = models.CharField("类别", max_length=12, choices=PostKind.choices)
    window = models.OneToOneField(
        Window, verbose_name="窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="duty_post"
    )
    department = models.OneToOneField(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_post",
    )
    name = models.CharField("岗位", max_length=60)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="A岗",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="a_posts",
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="B岗",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="b_posts",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "岗位（AB岗）"
        verbose_name_plural = "岗位（AB岗）"
        ordering = ["center", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder__isnull=True) | Q(backup__isnull=True) | ~Q(holder=models.F("backup")),
                name="duty_post_a_is_not_b",
            )
        ]

    def __str__(self):
        return self.name


class WeeklyDuty(models.Model):
    """A regular weekly duty day at a post, e.g. an agent's market-day mornings at the station (值班)."""

    post = models.ForeignKey(DutyPost, verbose_name="岗位", on_delete=models.CASCADE, related_name="weekly")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.CASCADE, related_name="weekly_duties"
    )
    weekday = models.PositiveSmallIntegerField(
        "星期",
        choices=[(i, n) for i, n in enumerate("星期一 星期二 星期三 星期四 星期五 星期六 星期日".split())],
    )
    hours = models.CharField("时间", max_length=40)
    place = models.CharField("地点", max_length=100)

    class Meta:
        verbose_name = "固定值班日"
        verbose_name_plural = "固定值班日"
        ordering = ["user", "weekday"]
        constraints = [models.UniqueConstraint(fields=["user", "weekday"], name="weekly_duty_once")]

    def __str__(self):
        return f"{self.user_id}·{self.get_weekday_display()}"


class RosterEntry(models.Model):
    """One person on one post on one day (排班)."""

    post = models.ForeignKey(DutyPost, verbose_name="岗位", on_delete=models.PROTECT, related_name="roster")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="roster"
    )
    day = models.DateField("日期")
    set_at = models.DateTimeField("排班时间")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="排班人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "排班"
        verbose_name_plural = "排班"
        ordering = ["day", "post"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="roster_one_post_a_day")]
        indexes = [models.Index(fields=["post", "day"], name="roster_post_day")]

    def __str__(self):
        return f"{self.day} {self.post_id}·{self.user_id}"


class DutySettings(models.Model):
    """A center's sign-in rules: its hours and the networks counted as "in the center"."""

    center = models.OneToOneField(
        Center, verbose_name="中心", on_delete=models.CASCADE, related_name="duty_settings"
    )
    start = models.TimeField("上班时间", default="08:30")
    end = models.TimeField("下班时间", default="17:30")
    grace_minutes = models.PositiveSmallIntegerField("迟到宽限（分钟）", default=5)
    networks = models.TextField(
        "中心网络", blank=True, help_text="每行一个 IP 段（如 10.61.3.0/24）；从这些地址签到视为在中心"
    )

    class Meta:
        verbose_name = "签到设置"
        verbose_name_plural = "签到设置"

    def __str__(self):
        return f"{self.center_id} {self.start}–{self.end}"


class SignMethod(models.TextChoices):
    NETWORK = "network", "中心网络"
    QR = "qr", "扫码"


class Attendance(models.Model):
    """One person's sign-in and sign-out on one day (签到/签退)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="attendance"
    )
    center = models.ForeignKey(Center, verbose_name="中心", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    signed_in_at = models.DateTimeField("签到时间")
    in_method = models.CharField("签到方式", max_length=8, choices=SignMethod.choices)
    late = models.BooleanField("迟到", default=False)
    signed_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    out_method = models.CharField("签退方式", max_length=8, choices=SignMethod.choices, blank=True)

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = "签到"
        ordering = ["-day", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="attendance_once_a_day")]
        indexes = [models.Index(fields=["center", "day"], name="attendance_center_day")]

    def __str__(self):
        return f"{self.day} {self.user_id}"


class Status(models.TextChoices):
    IN_POST = "in_post", "在岗"
    VILLAGE = "village", "下村"
    MEETING = "meeting", "开会"
    LEAVE = "leave", "请假"
    OFF_DUTY = "off_duty", "不在班"


AWAY = (Status.VILLAGE, Status.MEETING, Status.LEAVE, Status.OFF_DUTY)


class Whereabouts(models.Model):
    """Where someone is (去向), from `set_at` until `until` (the expected return) or the end of that day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="whereabouts"
    )
    status = models.CharField("去向", max_length=10, choices=Status.choices)
    village = models.ForeignKey(
        Region, verbose_name="所去村", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=100, blank=True)
    until = models.DateTimeField("预计返回", null=True, blank=True)
    set_at = models.DateTimeField("登记时间")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "去向"
        verbose_name_plural = "去向"
        ordering = ["-set_at", "-id"]
        indexes = [models.Index(fields=["user", "set_at"], name="whereabouts_user_at")]

    def __str__(self):
        return f"{self.user_id} {self.get_status_display()}"

    def label(self) -> str:
        if self.status == Status.VILLAGE and self.village_id:
            return f"下村（{self.village.name}）"
        return self.get_status_display()
