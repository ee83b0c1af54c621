"""The outbox: every text the system sends (SMS to applicants), one row per message, written in the
transaction of the step that causes it and sent by a background task after that transaction commits."""

from django.db import models

from bianmin.cases.models import Case


class MessageState(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "发送失败"


class Message(models.Model):
    """One text to one phone. `key` makes writing it twice (a retried step) give back the first row."""

    phone = models.CharField(max_length=20)
    template = models.CharField(max_length=40)  # the message template's code: "accept", "mandate_code" …
    text = models.TextField()
    params = models.JSONField(default=dict, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    state = models.CharField(max_length=12, choices=MessageState.choices, default=MessageState.QUEUED)
    reason = models.TextField(blank=True)  # why it failed
    attempts = models.PositiveSmallIntegerField(default=0)
    urgent = models.BooleanField(default=False)  # sent in quiet hours and past the per-phone limit
    # Not to be sent before this (quiet hours, the per-phone limit, a retry's backoff); empty = at once.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    gateway_answer = models.TextField(blank=True)  # what the gateway last said, for the message page
    key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="message_state_created")]

    def __str__(self):
        return f"{self.template}→{self.phone}"


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    IN_APP = "in_app", "站内消息"


class Audience(models.TextChoices):
    APPLICANT = "applicant", "申请人"
    STAFF = "staff", "工作人员"


class MessageTemplate(models.Model):
    """One text with named placeholders ({number}, {deadline} …); county empty = the default for all.

    The placeholders a code may use are declared once, in bianmin.messaging.templates.PLACEHOLDERS."""

    code = models.CharField("模板代码", max_length=40)
    county = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="县（区）",
    )
    name = models.CharField("名称", max_length=40)
    text = models.TextField("内容")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.SMS)
    audience = models.CharField("对象", max_length=10, choices=Audience.choices, default=Audience.APPLICANT)
    urgent = models.BooleanField("紧急（不受夜间免扰限制）", default=False)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "消息模板"
        verbose_name_plural = "消息模板"
        ordering = ["code", "county"]
        constraints = [
            models.UniqueConstraint(fields=["code", "county"], name="template_code_county"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(county__isnull=True), name="template_code_default"
            ),
        ]

    def __str__(self):
        return self.code


class Notice(models.Model):
    """站内消息: one line to one staff member (a handover arriving …), read or not."""

    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_read")]

    def __str__(self):
        return self.title
