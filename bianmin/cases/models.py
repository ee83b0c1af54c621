"""The case (办件) and everything that hangs off it: materials, scans, tasks, suspensions, timeline, documents.

A case points at the exact item row (version) it was received under, so republishing an item never
changes an existing case. Nothing on a case is deleted: the timeline (Event) is append-only.
"""

from django.conf import settings
from django.db import connection, models

from bianmin.cases.chain import GENESIS, event_digest
from bianmin.catalog.models import CaseClass, Item, Material
from bianmin.regions.models import Center, Department, Region


class State(models.TextChoices):
    RECEIVED = "received", "已收件"
    SUPPLEMENT_REQUESTED = "supplement_requested", "待补正"
    REFUSED = "refused", "不予受理"
    ACCEPTED = "accepted", "已受理"
    SUSPENDED = "suspended", "暂停计时"
    ESCALATED = "escalated", "已上报"
    COMPLETED = "completed", "已办结"
    DELIVERED = "delivered", "已送达"
    WITHDRAWN = "withdrawn", "已撤回"


# States in which the case is over for the clock and the warning light.
FINISHED_STATES = frozenset({State.REFUSED, State.COMPLETED, State.DELIVERED, State.WITHDRAWN})


# Open for the clock: what the warning lists and the workbench look at (mirrors FINISHED_STATES).
OPEN = ~models.Q(state__in=["refused", "completed", "delivered", "withdrawn"])


def finished_last() -> models.Case:
    """The queues' first sort key (open 0, finished 1), written once so an index can carry the same words."""
    finished = models.When(state__in=sorted(FINISHED_STATES), then=models.Value(1))
    return models.Case(finished, default=models.Value(0), output_field=models.IntegerField())


class Location(models.TextChoices):
    """Where a case and its papers are now: on the case row (holder_kind) and in its Custody record."""

    VILLAGE = "village", "在村"
    IN_TRANSIT = "in_transit", "在途"
    TOWNSHIP = "township", "在镇中心"
    COUNTY = "county", "在县级部门"


class Channel(models.TextChoices):
    WINDOW = "window", "窗口"
    ONLINE = "online", "网上"
    PROXY = "proxy", "村级代办"
    PHONE = "phone", "电话"
    MOBILE = "mobile", "流动服务"


class ApplicantKind(models.TextChoices):
    PERSON = "person", "个人"
    ORGANISATION = "organisation", "法人或其他组织"


class Outcome(models.TextChoices):
    APPROVED = "approved", "准予"
    DENIED = "denied", "不予许可"


class Case(models.Model):
    number = models.CharField("办件编号", max_length=40, unique=True)
    query_code = models.CharField("查询码", max_length=6)
    item = models.ForeignKey(
        Item, verbose_name="事项（版本）", on_delete=models.PROTECT, related_name="cases"
    )
    center = models.ForeignKey(
        Center, verbose_name="受理中心", on_delete=models.PROTECT, related_name="cases"
    )
    # The applicant's village when an agent registered the case: the agent's scope reads it.
    village = models.ForeignKey(
        Region,
        verbose_name="所在村（社区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    proxy_home_visit = models.BooleanField("上门代办", default=False)
    proxy_mandate = models.BooleanField("已签代办委托书", default=False)
    # applicant
    applicant_kind = models.CharField("申请人类型", max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id_number = models.CharField("身份证号", max_length=18, blank=True)
    applicant_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    applicant_contact_name = models.CharField("联系人", max_length=40, blank=True)
    applicant_phone = models.CharField("联系电话", max_length=20)
    applicant_address = models.CharField("地址", max_length=200, blank=True)
    # The last four of the ID number and phone, set at intake: a clerk finds a walk-in by them (search).
    applicant_id_tail = models.CharField("身份证号后四位", max_length=4, blank=True, default="")
    applicant_phone_tail = models.CharField("电话后四位", max_length=4, blank=True, default="")
    # A citizen account that applied online (may withdraw and supplement its own case).
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="own_cases"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        on_delete=models.PROTECT,
        related_name="submitted_cases",
    )
    # lifecycle
    state = models.CharField(
        "状态", max_length=24, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    case_class = models.CharField("办件类型", max_length=10, choices=CaseClass.choices, db_index=True)
    outcome = models.CharField("办理结果", max_length=10, choices=Outcome.choices, blank=True)
    received_at = models.DateTimeField("收件时间", db_index=True)
    # The day the case last entered "received" (intake or supplement): Art. 32's five days run from it.
    pending_since = models.DateField("待受理起算日")
    supplement_requested_at = models.DateTimeField("补正告知时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    # clock
    clock_started_on = models.DateField("计时起算日", null=True, blank=True)
    deadline = models.DateField("承诺办结日期", null=True, blank=True, db_index=True)
    deadline_confirmed = models.BooleanField("期限已确认", default=True)
    paused_days = models.PositiveIntegerField("暂停计时工作日", default=0)
    resume_to = models.CharField("恢复后状态", max_length=24, blank=True)
    extension_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_reason = models.CharField("延长理由", max_length=500, blank=True)
    promise_date = models.DateField("容缺补齐日期", null=True, blank=True)
    # decisions
    escalated_to = models.ForeignKey(
        Department, verbose_name="上报部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.TextField("初审意见", blank=True)
    result = models.TextField("办理结果说明", blank=True)
    reason = models.TextField("不予受理/不予许可理由", blank=True)
    answers = models.JSONField("表单回答", default=dict, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    # Read columns the actions keep, so queues and lists filter on one indexed row, not joins or events.
    county = models.CharField("所属县（区）", max_length=12, default="")
    lead_department = models.ForeignKey(
        Department,
        verbose_name="牵头部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the (lead_department, state, deadline) index
    )
    completed_on_time = models.BooleanField("按期办结", null=True, blank=True)
    pending_extension = models.BooleanField("待审批延期申请", default=False)
    holder_kind = models.CharField(
        "材料所在", max_length=10, choices=Location.choices, default=Location.TOWNSHIP
    )

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["center", "received_at"]),
            models.Index(fields=["center", "applicant_id_tail"], name="case_center_id_tail"),
            models.Index(fields=["center", "applicant_phone_tail"], name="case_center_phone_tail"),
            models.Index(fields=["county", "applicant_phone_tail"], name="case_county_phone_tail"),
            models.Index(fields=["center", "state", "deadline"], name="case_center_state_deadline"),
            models.Index(fields=["county", "state", "deadline"], name="case_county_state_deadline"),
            models.Index(fields=["lead_department", "state", "deadline"], name="case_lead_state_deadline"),
            models.Index(fields=["escalated_to", "state", "deadline"], name="case_escal_state_deadline"),
            models.Index(fields=["county", "received_at"], name="case_county_received"),
            # Finished cases of a period by center (the ratings' 主动评价率 denominator).
            models.Index(fields=["center", "completed_at"], name="case_center_completed"),
            # The open cases are a small share of a million: the red/yellow lists read only these.
            models.Index(fields=["center", "deadline"], name="case_open_center_deadline", condition=OPEN),
            models.Index(fields=["county", "deadline"], name="case_open_county_deadline", condition=OPEN),
            # The queues' order (open first, soonest deadline, no deadline last) for one center or county,
            # so a page of a 100k-case queue is read off the index instead of sorting every row.
            models.Index(
                models.F("center"), finished_last(), "deadline", "received_at", "id", name="case_center_queue"
            ),
            models.Index(
                models.F("county"), finished_last(), "deadline", "received_at", "id", name="case_county_queue"
            ),
            models.Index(
                fields=["center", "deadline"],
                name="case_pending_extension",
                condition=models.Q(pending_extension=True),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", "已收"
    MISSING = "missing", "缺少"
    DEFERRED = "deferred", "容缺后补"
    DEFECTIVE = "defective", "不符合要求"


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    material = models.ForeignKey(Material, verbose_name="材料", on_delete=models.PROTECT, related_name="+")
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=MaterialStatus.choices, default=MaterialStatus.RECEIVED
    )
    reason = models.CharField("原因", max_length=300, blank=True)
    promise_date = models.DateField("承诺补齐日期", null=True, blank=True)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["case", "material__position", "material_id"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="case_material_once")]

    def __str__(self):
        return f"{self.case_id}·{self.material_id}·{self.status}"


def attachment_path(instance, filename):
    # Never the uploader's file name: it may carry personal data, and it is not trusted.
    return f"cases/{instance.case_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    """A scan of a material; served only through a view that checks the caller may see the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    case_material = models.ForeignKey(
        CaseMaterial, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "扫描件"
        verbose_name_plural = "扫描件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.token

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(
            self.content_type, ""
        )


class Custody(models.Model):
    """Where a case and its papers are now and who holds them; written by every hand-off.

    A proxy case with no row yet is still with the agent who registered it (see custody.custody_of).
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="custody")
    location = models.CharField(max_length=12, choices=Location.choices)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_center = models.ForeignKey(
        Center, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_label = models.CharField("持有人", max_length=120)
    updated_at = models.DateTimeField()

    class Meta:
        # The table keeps the name it was created with in the proxy app (the model moved here, not the data).
        db_table = "proxy_custody"
        verbose_name = "办件去向"
        verbose_name_plural = "办件去向"

    def __str__(self):
        return f"{self.case_id}@{self.location}"


class TaskState(models.TextChoices):
    PENDING = "pending", "待会签"
    APPROVED = "approved", "同意"
    DENIED = "denied", "不同意"


class Task(models.Model):
    """One joint department's part of a joint case (联办会签)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="case_tasks")
    state = models.CharField(max_length=10, choices=TaskState.choices, default=TaskState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # 会签意见: what the department wrote when it agreed (a denial's words stay in `reason`).
    opinion = models.TextField("会签意见", blank=True, default="")
    # The step's own due date (default: the case deadline), so a late department shows even when another
    # department of the same case is fast; 电子监察 cards the step, not the case's lead.
    due = models.DateField("环节办理期限", null=True, blank=True)

    class Meta:
        verbose_name = "联办任务"
        verbose_name_plural = "联办任务"
        ordering = ["case", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="task_once_per_department")
        ]
        indexes = [models.Index(fields=["state", "due"], name="task_state_due")]

    def __str__(self):
        return f"{self.case_id}·{self.department_id}·{self.state}"


class SuspensionKind(models.TextChoices):
    HEARING = "hearing", "听证"
    INSPECTION = "inspection", "检验"
    TESTING = "testing", "检测"
    APPRAISAL = "appraisal", "鉴定"
    EXPERT_REVIEW = "expert_review", "专家评审"
    PUBLICITY = "publicity", "公示"


class Suspension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions")
    kind = models.CharField(max_length=16, choices=SuspensionKind.choices)
    reason = models.TextField()
    started_on = models.DateField()
    # When the special procedure is expected to end (told to the applicant in the suspension notice).
    expected_end = models.DateField("预计结束日期", null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    workdays = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "特别程序（暂停计时）"
        verbose_name_plural = "特别程序（暂停计时）"
        ordering = ["case", "started_on", "id"]

    def __str__(self):
        return f"{self.case_id}·{self.kind}·{self.started_on}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("办件时间线只能追加，不能修改")

    def delete(self):
        raise TypeError("办件时间线只能追加，不能删除")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        chain_events([e for e in objs if not e.hash])
        return super().bulk_create(objs, *args, **kwargs)


class Event(models.Model):
    """One step on a case's timeline: who, as what, when, what, from which state to which. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The hash chain (bianmin/cases/chain.py): filled on insert, checked by `manage.py verify_audit`.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "办件时间线"
        verbose_name_plural = "办件时间线"
        ordering = ["at", "id"]
        indexes = [
            # The chain's head of a case is its last event by id: one index walk.
            models.Index(fields=["case", "id"], name="event_case_chain"),
            models.Index(fields=["case", "action", "at"], name="event_case_action_at"),
        ]
        constraints = [
            # The chain is a line: no two events of a case follow the same hash (see `known_head`).
            models.UniqueConstraint(fields=["case", "prev_hash"], name="event_chain_no_fork"),
        ]

    def __str__(self):
        return f"{self.case_id}·{self.action}·{self.at}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("办件时间线只能追加，不能修改")
        case = self._state.fields_cache.get("case")
        if not self.hash:
            head = known_head(case)
            if head is None:
                # Same transaction as the insert; the caller holds the case (lock or version), so no other
                # event of this case can slip in between reading the head and writing after it.
                chain_events([self])
            else:
                self.prev_hash, self.hash = head, self.digest(head)
        super().save(*args, **kwargs)
        if known_head(case) is not None:
            case._chain_head = self.hash

    def delete(self, *args, **kwargs):
        raise TypeError("办件时间线只能追加，不能删除")

    def digest(self, prev_hash: str) -> str:
        return event_digest(
            case=self.case_id, at=self.at, actor=self.actor_id, actor_name=self.actor_name, role=self.role,
            action=self.action, from_state=self.from_state, to_state=self.to_state, note=self.note,
            data=self.data, prev_hash=prev_hash,
        )  # fmt: skip


def known_head(case) -> str | None:
    """The chain head an action already holds for its locked case, or None (then it is read).

    `perform` and intake set `_chain_head` on the case they locked (from the timeline they loaded under
    the lock, or GENESIS for a new case) and drop it when their transaction ends; every event appended
    through that case object moves it on. An event written for the same case through another object in
    between would make the next one fork the chain: the unique (case, prev_hash) index refuses that
    instead of letting it pass, so such a path fails loudly in tests rather than breaking the chain."""
    return getattr(case, "_chain_head", None) if case is not None else None


def chain_head(case_id: int) -> str:
    """The hash of the case's last event, or GENESIS for a case without events.

    One query: the case row, locked inside a transaction where the database can (so two hand-offs on one
    case cannot both chain after the same head), with its last event's hash by the (case, id) index.
    Plain SQL: it runs on every event, and the ORM's subquery costs ~1.5 ms to build against ~25 µs.
    """
    lock = connection.in_atomic_block and connection.features.has_select_for_update
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT e.hash FROM {_EVENTS} e WHERE e.case_id = c.id ORDER BY e.id DESC LIMIT 1) "
            f"FROM {_CASES} c WHERE c.id = %s{' FOR UPDATE' if lock else ''}",
            [case_id],
        )
        row = cursor.fetchone()
    return (row and row[0]) or GENESIS


def chain_events(events) -> list:
    """Fill `prev_hash` and `hash` of unsaved events, in list order (their insert order), after each
    case's current head. For bulk inserts (a generator of cases): one head query per case.
    """
    heads: dict[int, str] = {}
    for event in events:
        if event.case_id is None and event.case is not None:
            event.case_id = event.case.pk
        prev = heads.get(event.case_id)
        if prev is None:
            prev = chain_head(event.case_id)
        event.prev_hash = prev
        event.hash = heads[event.case_id] = event.digest(prev)
    return events


_EVENTS = connection.ops.quote_name(Event._meta.db_table)
_CASES = connection.ops.quote_name(Case._meta.db_table)


class AuditAnchor(models.Model):
    """A county's day, sealed: the hash of every case's head hash (by case id) and of the day before.

    Written by `manage.py anchor_audit` (daily, from huey); publishing `hash` somewhere outside the
    database makes rewriting a whole chain detectable too.
    """

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    # Events up to this id (and dated before the day ended) are sealed; later ones belong to later days.
    last_event_id = models.BigIntegerField(default=0)
    heads_count = models.PositiveIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "时间线日锚"
        verbose_name_plural = "时间线日锚"
        ordering = ["county", "day"]
        constraints = [models.UniqueConstraint(fields=["county", "day"], name="audit_anchor_per_county_day")]

    def __str__(self):
        return f"{self.county_id}·{self.day}·{self.hash[:12]}"


class Document(models.Model):
    """A document issued on a case; `data` is the snapshot it was issued with, rendered on demand."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=24)
    title = models.CharField(max_length=40)
    created_at = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.title


class CaseCounter(models.Model):
    """The last number given at one center on one day, so numbers are gapless per center per day."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "day"], name="case_counter_per_center_day")]

    def __str__(self):
        return f"{self.center_id}·{self.day}·{self.last}"


class NumberPrefix(models.Model):
    """A center's short, unique prefix for case numbers (法门镇 → FM), fixed at first use."""

    center = models.OneToOneField(Center, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=8, unique=True)

    def __str__(self):
        return self.prefix


class IdempotencyKey(models.Model):
    """A write request's Idempotency-Key: a retry with the same key gets the first answer back.

    Case creation keeps the case it made (`case`); every other keyed write (case actions, handovers,
    receipts, mandates, photos, deliveries — the agent's outbox sends all of them) keeps the endpoint it
    was used on (`scope`) and the answer it gave (`status`, `response`), replayed verbatim on a retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    scope = models.CharField(max_length=200, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return self.key


class Notification(models.Model):
    """Before the outbox: the applicant's texts as a background task wrote them. Read-only history now —
    its rows were copied into `messaging.Message`, which every text goes through; to be dropped later."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=24)
    phone = models.CharField(max_length=20)
    text = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.kind}·{self.case_id}"


class TrackFailure(models.Model):
    """A failed public tracking lookup; recent rows throttle guessing of query codes."""

    address = models.CharField(max_length=64, db_index=True, blank=True)
    number = models.CharField(max_length=40, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.number}@{self.at}"
