"""好差评: one rating per case and stage, a rectification for every 差评, the pad's prompts and SMS tokens.

Ratings are never edited or deleted; every rating and every rectification step is also an event on the
case's timeline (hash-chained, bianmin/cases/chain.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bianmin.cases.models import Case
from bianmin.regions.models import Center, Department, Window


class Stage(models.TextChoices):
    INTAKE = "intake", "受理环节（窗口服务）"
    COMPLETION = "completion", "办结环节（整体办理）"


class Channel(models.TextChoices):
    QR = "qr", "扫码评价"
    MOBILE = "mobile", "手机网页"
    PC = "pc", "电脑网页"
    TABLET = "tablet", "窗口评价器"
    SMS = "sms", "短信评价"
    PHONE = "phone", "电话回访代录"
    PAPER = "paper", "纸质评价表代录"
    ONLINE = "online", "网上账户"


# GB/T 39046: 1 非常满意 … 5 非常不满意.
LEVELS = {1: "非常满意", 2: "满意", 3: "基本满意", 4: "不满意", 5: "非常不满意"}
BAD_LEVELS = (4, 5)
GOOD_LEVELS = (1, 2, 3)

EVENT_LABELS = {
    "rate": "群众评价",
    "rect_open": "差评整改立项",
    "rect_verify": "差评核实（有效）",
    "rect_appeal": "申请认定无效差评",
    "rect_invalid": "认定无效差评",
    "rect_revalid": "无效申请退回（差评有效）",
    "rect_start": "开始整改",
    "rect_done": "整改完成",
    "rect_callback": "整改回访",
    "rect_ext_request": "申请延长整改期限",
    "rect_ext_approve": "同意延长整改期限",
    "rect_ext_decline": "不同意延长整改期限",
}
# What the applicant reads on the tracking page; the appeal and extension steps are the staff's business.
PUBLIC_WORDS = {
    "rate": "感谢您的评价。每一条评价中心负责人都会看到；不满意的评价会核实、整改并回访您。",
    "rect_open": "您的不满意评价已转给中心负责人，将在1个工作日内与您联系核实。",
    "rect_verify": "中心已核实您反映的问题，正在安排整改。",
    "rect_invalid": "经县效能监察审核，这条评价被认定为无效差评。",
    "rect_revalid": "县效能监察审核后确认您的评价有效，中心须按期整改。",
    "rect_start": "中心正在整改您反映的问题。",
    "rect_done": "整改已完成，工作人员会回访您，请您再评价一次。",
    "rect_callback": "工作人员已回访，并记录了您的追评。",
}
PRIVATE_EVENTS = ("rect_appeal", "rect_ext_request", "rect_ext_approve", "rect_ext_decline")


class Rating(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="ratings")
    stage = models.CharField("评价环节", max_length=12, choices=Stage.choices)
    level = models.PositiveSmallIntegerField("评价等级")
    channel = models.CharField("评价渠道", max_length=8, choices=Channel.choices)
    tags = models.JSONField("评价标签", default=list, blank=True)
    comment = models.CharField("评价内容", max_length=500, blank=True)
    # Who served the citizen in that stage (the clerk who accepted; who delivered / completed).
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="被评价人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="ratings_received",
    )  # fmt: skip
    # Copied from the case when rated, for the figures.
    center = models.ForeignKey(Center, verbose_name="中心", on_delete=models.PROTECT, related_name="ratings")
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="代录人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="ratings_recorded",
    )  # fmt: skip
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评价账户", null=True, blank=True,
        on_delete=models.PROTECT, related_name="ratings_given",
    )  # fmt: skip
    address = models.CharField("来源地址", max_length=64, blank=True)
    created_at = models.DateTimeField("评价时间", db_index=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="one_rating_per_case_stage"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["center", "created_at"], name="rating_center_at"),
            models.Index(fields=["level", "created_at"], name="rating_level_at"),
            models.Index(fields=["staff", "created_at"], name="rating_staff_at"),
            models.Index(fields=["address", "created_at"], name="rating_address_at"),
        ]

    def __str__(self):
        return f"{self.case_id}·{self.stage}·{self.level}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("评价不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("评价不能删除")

    @property
    def bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, "")


class RectState(models.TextChoices):
    PENDING = "pending", "待核实"
    VALID = "valid", "有效"
    RECTIFYING = "rectifying", "整改中"
    RECTIFIED = "rectified", "已整改"
    CALLED_BACK = "called_back", "已回访"
    REVIEW = "review", "无效差评审核"
    INVALID = "invalid", "无效"


OPEN_STATES = (
    RectState.PENDING,
    RectState.VALID,
    RectState.RECTIFYING,
    RectState.RECTIFIED,
    RectState.REVIEW,
)
DONE_STATES = (RectState.RECTIFIED, RectState.CALLED_BACK)


class Reached(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门"
    WINDOW = "window", "到窗口"
    SMS = "sms", "短信"


class Rectification(models.Model):
    """整改: one per 差评, with its own states and clock (working days of the center's calendar)."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rectifications")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="rectifications")
    # A county-decided case: the county department acts instead of the center director.
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="rectifications"
    )
    state = models.CharField("状态", max_length=12, choices=RectState.choices, default=RectState.PENDING)
    opened_at = models.DateTimeField("立项时间")
    contact_due = models.DateField("联系期限")
    due = models.DateField("整改期限", db_index=True)
    extension_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    extension_state = models.CharField("延期申请", max_length=10, blank=True)  # requested|approved|declined
    contacted_at = models.DateTimeField("联系时间", null=True, blank=True)
    verification = models.TextField("核实情况", blank=True)
    appeal_reason = models.TextField("无效申请理由", blank=True)
    decision_reason = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.TextField("整改措施", blank=True)
    result = models.TextField("整改结果", blank=True)
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    callback_reached = models.CharField("回访方式", max_length=8, choices=Reached.choices, blank=True)
    callback_note = models.CharField("回访情况", max_length=500, blank=True)
    followup_level = models.PositiveSmallIntegerField("追评等级", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["state", "due"], name="rect_state_due"),
            models.Index(fields=["center", "state"], name="rect_center_state"),
        ]

    def __str__(self):
        return f"整改#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def current_due(self):
        return self.contact_due if self.state == RectState.PENDING else self.due


class RatingInvite(models.Model):
    """The SMS link's one-time token (only its SHA-256 is stored); it expires with the rating window."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rating_invites")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.COMPLETION)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "短信评价链接"
        verbose_name_plural = "短信评价链接"

    def __str__(self):
        return f"{self.case_id}·{self.stage}"


class PadPrompt(models.Model):
    """What a window's rating pad shows: the case the clerk just finished there (no personal data)."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="pad_prompts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    done = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["window", "done", "created_at"], name="pad_prompt_window")]

    def __str__(self):
        return f"{self.window_id}·{self.case_id}"
