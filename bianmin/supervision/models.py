"""电子监察: warnings (预警 and every other finding), supervision orders (督办单) with their answers, and cards.

A Warning is the ledger's key: one row per (kind, subject, key), raised once, so the sweep can run any
number of times a day. What a finding causes (a card, an order, a message) is written only in the
transaction that inserted the finding, never again.
"""

from django.conf import settings
from django.db import models

from bianmin.regions.models import Center, Department


class SubjectKind(models.TextChoices):
    CASE = "case", "办件"
    INQUIRY = "inquiry", "工单"
    RATING = "rating", "差评整改"
    CENTER = "center", "服务中心"
    DEPARTMENT = "department", "部门"
    PERSON = "person", "人员"
    ORDER = "order", "督办单"


# What a supervisor may name by hand in a manual order (API.md: case|inquiry|rating|center|department|person).
MANUAL_SUBJECTS = ("case", "inquiry", "rating", "center", "department", "person")


class WarningKind(models.TextChoices):
    YELLOW = "yellow", "临期预警"
    OVERDUE = "overdue", "超期未办结"
    STEP_OVERDUE = "step_overdue", "部门环节超期"
    RECEIPT_OVERDUE = "receipt_overdue", "收件超5个工作日未受理"
    SUPPLEMENT_REPEAT = "supplement_repeat", "多次告知补正"
    ORDER_OVERDUE = "order_overdue", "督办逾期未回告"
    REPEAT_CARD = "repeat_card", "期内再次黄牌"


class Warning(models.Model):
    kind = models.CharField("类别", max_length=20, choices=WarningKind.choices)
    subject_kind = models.CharField("对象类别", max_length=12, choices=SubjectKind.choices)
    subject_ref = models.CharField("对象编号", max_length=64)
    # What makes a second finding of the same kind on the same subject a new one (the deadline it missed).
    key = models.CharField(max_length=40, blank=True, default="")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    center = models.ForeignKey(Center, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("区划代码", max_length=12, default="")
    label = models.CharField("说明", max_length=200)
    link = models.CharField(max_length=200, blank=True)
    due = models.DateField("期限", null=True, blank=True)
    raised_on = models.DateField("发现日期")
    is_open = models.BooleanField("未消除", default=True)

    class Meta:
        verbose_name = "监察发现"
        verbose_name_plural = "监察发现"
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_kind", "subject_ref", "key"], name="supervision_warning_once"
            )
        ]
        indexes = [
            models.Index(fields=["region_code", "raised_on"], name="sv_warning_region_day"),
            models.Index(fields=["is_open", "kind"], name="sv_warning_open_kind"),
            models.Index(fields=["case"], name="sv_warning_case"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}·{self.subject_ref}"


class OrderState(models.TextChoices):
    OPEN = "open", "待回告"
    ANSWERED = "answered", "已回告待审核"
    CLOSED = "closed", "已办结"
    RETURNED = "returned", "退回再督办"


WAITING_STATES = (OrderState.OPEN, OrderState.RETURNED)


class CardColor(models.TextChoices):
    NONE = "none", "无"
    YELLOW = "yellow", "黄牌"
    RED = "red", "红牌"


class Level(models.TextChoices):
    TOWNSHIP = "township", "乡镇"
    COUNTY = "county", "县级"


class Order(models.Model):
    number = models.CharField("督办单号", max_length=20, unique=True)
    subject_kind = models.CharField("督办对象类别", max_length=12, choices=SubjectKind.choices)
    subject_ref = models.CharField("督办对象", max_length=64)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    label = models.CharField("对象说明", max_length=200, blank=True)
    link = models.CharField(max_length=200, blank=True)
    center = models.ForeignKey(Center, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("区划代码", max_length=12, default="")
    reason = models.TextField("督办事由")
    requirement = models.TextField("督办要求")
    issued_at = models.DateTimeField("下发时间")
    # None: the sweep (电子监察 automatically).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_due = models.DateField("回告期限")
    state = models.CharField("状态", max_length=10, choices=OrderState.choices, default=OrderState.OPEN)
    card = models.CharField("亮牌", max_length=8, choices=CardColor.choices, default=CardColor.NONE)
    level = models.CharField("督办层级", max_length=10, choices=Level.choices, default=Level.TOWNSHIP)
    warning = models.ForeignKey(
        Warning, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    answered_at = models.DateTimeField("回告时间", null=True, blank=True)
    # Whether the first answer came by the reply deadline (the ledger's 按期回告).
    answered_on_time = models.BooleanField("按期回告", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    returns = models.PositiveSmallIntegerField("退回次数", default=0)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["state", "reply_due"], name="sv_order_state_due"),
            models.Index(fields=["region_code", "issued_at"], name="sv_order_region_issued"),
            models.Index(fields=["person", "state"], name="sv_order_person_state"),
            models.Index(fields=["department", "state"], name="sv_order_dept_state"),
            models.Index(fields=["center", "state"], name="sv_order_center_state"),
        ]

    def __str__(self):
        return self.number

    @property
    def issuer_label(self) -> str:
        return self.issued_by.display_name if self.issued_by_id else "电子监察（自动）"

    @property
    def recipient_label(self) -> str:
        parts = [str(p) for p in (self.department, self.person) if p is not None]
        if not parts and self.center_id:
            parts.append(str(self.center))
        return " · ".join(parts) or "—"


class Entry(models.Model):
    """One step of an order's own timeline: issued, answered (回告), accepted, returned, gone red."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=60, blank=True)
    action = models.CharField(max_length=16)
    text = models.TextField(blank=True)

    LABELS = {"issued": "下发督办", "answered": "回告", "accepted": "审核通过，办结", "returned": "退回再督办",
              "red": "逾期未回告，亮红牌并提级督办", "red_repeat": "期内再次黄牌，亮红牌"}  # fmt: skip

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order_id}·{self.action}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action)


def answer_file_path(instance, filename):
    return f"supervision/{instance.entry.order_id}/{instance.token}{instance.extension}"


class AnswerFile(models.Model):
    """An attachment to an answer (回告附件); served only to those who see the order."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="files")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=answer_file_path, max_length=200)
    name = models.CharField("文件名", max_length=100, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    def __str__(self):
        return self.name or self.token

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(
            self.content_type, ""
        )


class CardState(models.TextChoices):
    STANDING = "standing", "有效"
    APPEALED = "appealed", "申诉中"
    UPHELD = "upheld", "申诉驳回，维持"
    WITHDRAWN = "withdrawn", "申诉成立，撤销"


class Card(models.Model):
    color = models.CharField("颜色", max_length=8, choices=[c for c in CardColor.choices if c[0] != "none"])
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    center = models.ForeignKey(Center, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="cards")
    warning = models.ForeignKey(
        Warning, null=True, blank=True, on_delete=models.PROTECT, related_name="cards"
    )
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    subject_ref = models.CharField(max_length=64)
    label = models.CharField("事由", max_length=200)
    region_code = models.CharField("区划代码", max_length=12, default="")
    issued_on = models.DateField("亮牌日期")
    state = models.CharField("状态", max_length=10, choices=CardState.choices, default=CardState.STANDING)
    appeal_reason = models.TextField("申诉理由", blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.TextField("申诉处理意见", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "红黄牌"
        verbose_name_plural = "红黄牌"
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "issued_on"], name="sv_card_region_day"),
            models.Index(fields=["person", "color", "issued_on"], name="sv_card_person_day"),
        ]

    def __str__(self):
        return f"{self.get_color_display()}·{self.subject_ref}"


class SweepRun(models.Model):
    """One row per swept day: the lock two concurrent sweeps queue on, and what the last run raised."""

    day = models.DateField(unique=True)
    runs = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    raised = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.day}×{self.runs}"
