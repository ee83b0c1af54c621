"""Village proxy service (全程代办): mandates, handovers between village and township, and custody.

Custody answers "who holds this case and its papers right now": every hand-off updates it in the same
transaction that appends the hand-off to the case's timeline, so the two never disagree.
"""

from django.conf import settings
from django.db import models

from bianmin.cases.models import Case
from bianmin.regions.models import Center, Region

# Timeline rows written by this app (Event.action), with the label the case timeline shows.
EVENT_LABELS = {
    "mandate": "签署代办委托书",
    "mandate_code_sent": "发送委托确认短信",
    "query_code_sent": "发送查询码短信",
    "handover_up": "代办员交件",
    "handover_down": "结果交代办员带回",
    "handover_receive": "交接签收",
    "handover_missing": "交接缺件",
}


def signature_path(instance, filename):
    # Never the client's name: a server-chosen token under the case's folder, outside public media.
    return f"proxy/{instance.case_id}/{filename}"


class MandateMethod(models.TextChoices):
    SIGNATURE = "signature", "手写签名"
    SMS = "sms", "短信验证码"


class Mandate(models.Model):
    """代办委托书: the villager entrusts the agent with one case, signed on the screen or by SMS code."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="mandate")
    villager_name = models.CharField("委托人", max_length=100)
    villager_id_number = models.CharField("委托人身份证号", max_length=18)
    entrusted = models.TextField("委托事项")
    method = models.CharField("确认方式", max_length=10, choices=MandateMethod.choices)
    signature = models.FileField("签名", upload_to=signature_path, max_length=200, blank=True)
    phone = models.CharField("确认手机号", max_length=20, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    signed_at = models.DateTimeField("确认时间", null=True, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "代办委托书"
        verbose_name_plural = "代办委托书"

    def __str__(self):
        return f"{self.case_id}·{self.villager_name}"


class Direction(models.TextChoices):
    UP = "up", "送镇中心"
    DOWN = "down", "带回村"


class HandoverState(models.TextChoices):
    IN_TRANSIT = "in_transit", "在途"
    PARTLY_RECEIVED = "partly_received", "部分签收"
    RECEIVED = "received", "已签收"


OPEN_HANDOVER_STATES = (HandoverState.IN_TRANSIT, HandoverState.PARTLY_RECEIVED)


class Handover(models.Model):
    """交接单: a bundle of cases carried between a village agent and the township center, either way."""

    direction = models.CharField("方向", max_length=4, choices=Direction.choices)
    state = models.CharField(
        "状态", max_length=16, choices=HandoverState.choices, default=HandoverState.IN_TRANSIT, db_index=True
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交出人", on_delete=models.PROTECT, related_name="+"
    )
    from_center = models.ForeignKey(
        Center, verbose_name="交出单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_center = models.ForeignKey(
        Center, verbose_name="接收单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The township center and the village at the two ends, whichever way it travels: scope reads these.
    township = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="handovers")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers")
    created_at = models.DateTimeField("交出时间", db_index=True)
    closed_at = models.DateTimeField("全部签收时间", null=True, blank=True)
    # Signed with a finger on the phone: the one handing over when the sheet is made, the one receiving
    # at the first receipt. Kept under proxy/, outside public media like the other signatures.
    from_signature = models.FileField("交出人签名", upload_to="proxy/handovers/", max_length=200, blank=True)
    from_signed_at = models.DateTimeField("交出人签名时间", null=True, blank=True)
    to_signature = models.FileField("接收人签名", upload_to="proxy/handovers/", max_length=200, blank=True)
    to_signed_at = models.DateTimeField("接收人签名时间", null=True, blank=True)

    class Meta:
        verbose_name = "交接单"
        verbose_name_plural = "交接单"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["township", "state"])]

    def __str__(self):
        return f"交接单 No.{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_HANDOVER_STATES


class HandoverCaseState(models.TextChoices):
    PENDING = "pending", "待签收"
    RECEIVED = "received", "已签收"
    MISSING = "missing", "未收到"


class HandoverCase(models.Model):
    """One case in a handover, with the papers that travelled with it and what the receiver found."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="entries")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handover_entries")
    state = models.CharField(
        max_length=10, choices=HandoverCaseState.choices, default=HandoverCaseState.PENDING
    )
    papers = models.JSONField("随附材料", default=list, blank=True)
    note = models.CharField("缺件说明", max_length=300, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "交接办件"
        verbose_name_plural = "交接办件"
        ordering = ["handover", "id"]
        constraints = [models.UniqueConstraint(fields=["handover", "case"], name="handover_case_once")]

    def __str__(self):
        return f"{self.handover_id}·{self.case_id}·{self.state}"


class DeliveryReceipt(models.Model):
    """送达回证 signed by the villager on the agent's phone."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="delivery_receipt")
    receiver = models.CharField("签收人", max_length=100)
    signature = models.FileField("签名", upload_to=signature_path, max_length=200)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = "送达回证签收"
        verbose_name_plural = "送达回证签收"

    def __str__(self):
        return f"{self.case_id}·{self.receiver}"


class Weekday(models.IntegerChoices):
    MON = 0, "周一"
    TUE = 1, "周二"
    WED = 2, "周三"
    THU = 3, "周四"
    FRI = 4, "周五"
    SAT = 5, "周六"
    SUN = 6, "周日"


class DutyDay(models.Model):
    """An agent's regular duty day at the station (值班), e.g. market days when villagers come in.

    No longer read or written: moved into the duty roster (duty.WeeklyDuty, data migration
    duty/0002_weekly_duty_from_proxy); the table stays until a later release drops it."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_days")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    hours = models.CharField("时间", max_length=40)
    place = models.CharField("地点", max_length=100)

    class Meta:
        verbose_name = "代办员值班日"
        verbose_name_plural = "代办员值班日"
        ordering = ["agent", "weekday"]
        constraints = [models.UniqueConstraint(fields=["agent", "weekday"], name="duty_day_once")]

    def __str__(self):
        return f"{self.agent_id}·{self.get_weekday_display()}"
