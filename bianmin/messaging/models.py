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
