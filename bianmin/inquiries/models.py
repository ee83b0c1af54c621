"""Work orders (工单): consultations, requests for help, complaints, reports and suggestions with a clock."""

from django.conf import settings
from django.db import models

from bianmin.regions.models import Center, Department

CONTENT_MAX = 2000


class Kind(models.TextChoices):
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"


class Channel(models.TextChoices):
    WINDOW = "window", "窗口来访"
    PHONE = "phone", "电话"
    AGENT = "agent", "村代办员"
    WEB = "web", "网上留言"
    CASE = "case", "办件页面"
    RATING = "rating", "差评转办"


class State(models.TextChoices):
    REGISTERED = "registered", "待派单"
    DISPATCHED = "dispatched", "已派单"
    HANDLING = "handling", "办理中"
    ANSWERED = "answered", "已答复"
    CALLED_BACK = "called_back", "已回访"
    CLOSED = "closed", "已办结"


OPEN_STATES = frozenset({State.REGISTERED, State.DISPATCHED, State.HANDLING})


class WorkOrder(models.Model):
    number = models.CharField("工单编号", max_length=40, unique=True)
    query_code = models.CharField("查询码", max_length=6)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, db_index=True)
    urgent = models.BooleanField("紧急", default=False)
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    state = models.CharField("状态", max_length=12, choices=State.choices, db_index=True)
    center = models.ForeignKey(Center, verbose_name="受理中心", on_delete=models.PROTECT, related_name="+")
    county = models.CharField("所属县", max_length=12, db_index=True)
    # The person who came, called or wrote; a 举报 may be anonymous.
    person_name = models.CharField("姓名", max_length=40, blank=True)
    person_phone = models.CharField("电话", max_length=20, blank=True)
    anonymous = models.BooleanField("匿名", default=False)
    confidential = models.BooleanField("保密", default=False)
    content = models.TextField("内容", max_length=CONTENT_MAX)
    case = models.ForeignKey(
        "cases.Case", verbose_name="相关办件", null=True, blank=True, on_delete=models.PROTECT,
        related_name="work_orders",
    )  # fmt: skip
    # The catalog item a consultation is about (its implementation code: items are versioned).
    item_code = models.CharField("相关事项编码", max_length=40, blank=True, db_index=True)
    concerned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="被投诉（举报）人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    concerned_department = models.ForeignKey(
        Department, verbose_name="被投诉（举报）部门", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    department = models.ForeignKey(
        Department, verbose_name="承办部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated = models.BooleanField("已上报县级部门", default=False)
    returned = models.BooleanField("曾被退回", default=False)
    # 首问负责: who registered it owns it until it is dispatched.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="首问负责人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    registered_at = models.DateTimeField("登记时间")
    registered_on = models.DateField("登记日期", db_index=True)
    dispatch_due = models.DateField("派单期限")
    due = models.DateField("答复期限", db_index=True)
    extension_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_reason = models.CharField("延长理由", max_length=200, blank=True)
    extension_requested = models.PositiveSmallIntegerField("申请延长工作日", default=0)
    extension_request_reason = models.CharField("申请延长理由", max_length=200, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, db_index=True)
    answered_on = models.DateField("答复日期", null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    answer_text = models.TextField("答复内容", blank=True)
    upheld = models.BooleanField("投诉属实", null=True, blank=True)
    callback_attempts = models.PositiveSmallIntegerField("回访次数", default=0)
    called_back_at = models.DateTimeField("回访时间", null=True, blank=True)
    callback_level = models.PositiveSmallIntegerField("回访评价", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    faq_public = models.BooleanField("公开为常见问题", default=False, db_index=True)
    faq_question = models.CharField("常见问题", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["center", "state"]),
            models.Index(fields=["department", "state"]),
            models.Index(fields=["state", "due"]),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class OrderEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("工单记录只能追加，不能修改")

    def delete(self):
        raise TypeError("工单记录只能追加，不能删除")


class OrderEvent(models.Model):
    """One step on a work order's timeline; never changed, never deleted."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.CharField(max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = OrderEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order_id}·{self.action}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise TypeError("工单记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("工单记录只能追加，不能删除")


def attachment_path(instance, filename):
    return f"inquiries/{instance.order_id}/{instance.token}{instance.extension}"


class OrderAttachment(models.Model):
    """A photo or scan handed in with a work order (the same checks as case scans)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.token

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(
            self.content_type, ""
        )


class OrderCounter(models.Model):
    """The last work-order number given at one center in one year (its own sequence, apart from cases)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "year"], name="order_counter_per_center_year")
        ]

    def __str__(self):
        return f"{self.center_id}·{self.year}·{self.last}"


class OrderKey(models.Model):
    """An Idempotency-Key: a retried registration returns the first order. `owner` is the user or address."""

    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="order_key_once_per_owner")]

    def __str__(self):
        return self.key


class PublicAttempt(models.Model):
    """A registration without an account (web form, public API): counted per address to throttle abuse."""

    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.address}@{self.at}"
