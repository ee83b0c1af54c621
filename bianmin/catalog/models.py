"""The service item catalog (事项清单, GB/T 39046): items, their materials and questions, delegation.

An `Item` row is one *version* of one item as implemented by one body (a township's or the county's
implementation). Its `code` (实施编码) is stable across versions; cases point at the exact row (version)
they were received under, so publishing a new version never changes an existing case.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from bianmin.regions.models import Department, Level, Region


class ItemType(models.TextChoices):
    """GB/T 39046 code table A (事项类型)."""

    LICENSE = "01", "行政许可"
    PENALTY = "02", "行政处罚"
    ENFORCEMENT = "03", "行政强制"
    LEVY = "04", "行政征收"
    BENEFIT = "05", "行政给付"
    INSPECTION = "06", "行政检查"
    CONFIRMATION = "07", "行政确认"
    REWARD = "08", "行政奖励"
    ADJUDICATION = "09", "行政裁决"
    OTHER = "10", "其他行政权力"
    PUBLIC_SERVICE = "20", "公共服务"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被新版本替代"
    WITHDRAWN = "withdrawn", "已撤销"


class CaseClass(models.TextChoices):
    """五件 — the class an item gives a case at acceptance (returned is set on refusal or denial)."""

    INSTANT = "instant", "即办件"
    PROMISED = "promised", "承诺件"
    JOINT = "joint", "联办件"
    ESCALATED = "escalated", "上报件"
    RETURNED = "returned", "退回件"


class ItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ItemStatus.PUBLISHED)

    def in_region(self, region: Region):
        return self.filter(region__code__startswith=region.prefix)


# (item id, code, version, published, name) → the class its cases get; see Item.frozen_case_class.
_FROZEN_CLASSES: dict[tuple, str] = {}


class Item(models.Model):
    # identity
    code = models.CharField("实施编码", max_length=40, db_index=True)
    basic_code = models.CharField(
        "基本编码", max_length=40, db_index=True, help_text="全县统一的事项基本编码"
    )
    name = models.CharField("事项名称", max_length=120)
    short_name = models.CharField("简称", max_length=40, blank=True)
    item_type = models.CharField("事项类型", max_length=2, choices=ItemType.choices)
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    # who
    region = models.ForeignKey(
        Region, verbose_name="实施区划", on_delete=models.PROTECT, related_name="items"
    )
    implementing_body = models.CharField("实施主体", max_length=100)
    body_nature = models.CharField("实施主体性质", max_length=40, default="法定机关")
    level = models.PositiveSmallIntegerField("行使层级", choices=Level.choices, default=Level.TOWNSHIP)
    lead_department = models.ForeignKey(
        Department, verbose_name="牵头部门", on_delete=models.PROTECT, related_name="led_items"
    )
    joint_departments = models.ManyToManyField(
        Department,
        verbose_name="共同实施部门",
        blank=True,
        related_name="joint_items",
        help_text="联办件：需要会签的全部部门（含牵头部门）；为空则不是联办件",
    )
    escalate_to = models.ForeignKey(
        Department,
        verbose_name="上报决定部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_items",
        help_text="乡镇只受理、初审，由县级部门决定的事项（上报件）",
    )
    delegated = models.BooleanField("县级下放事项", default=False)
    taken_on = models.DateField("承接日期", null=True, blank=True)
    life_events = models.CharField(
        "人生事件", max_length=200, blank=True, help_text="以逗号分隔：生育,就业,养老……"
    )
    # law
    legal_basis = models.TextField("设定依据", blank=True)
    conditions = models.TextField("受理条件", blank=True)
    process = models.TextField("办理流程", blank=True)
    # time, in working days
    legal_limit_days = models.PositiveSmallIntegerField("法定办结时限（工作日）")
    promised_limit_days = models.PositiveSmallIntegerField("承诺办结时限（工作日）", help_text="0 表示即办")
    extension_days = models.PositiveSmallIntegerField("法定可延长（工作日）", default=0)
    # service
    fee = models.BooleanField("是否收费", default=False)
    fee_standard = models.CharField("收费标准", max_length=200, blank=True)
    fee_basis = models.CharField("收费依据", max_length=200, blank=True)
    online = models.BooleanField("可网上办理", default=False)
    proxy = models.BooleanField("可全程代办", default=True)
    appointment = models.BooleanField("支持预约", default=False)
    promise_approval = models.BooleanField("告知承诺制", default=False)
    max_visits = models.PositiveSmallIntegerField(
        "到办事现场次数", default=1, validators=[MinValueValidator(0)]
    )
    place = models.CharField("办理地点", max_length=200, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=40, blank=True)
    supervise_phone = models.CharField("监督投诉电话", max_length=40, blank=True)
    faq = models.TextField("常见问题", blank=True)
    # Lower-cased name, short name, codes, every initials reading and full pinyin, so that a search by
    # name, code or pinyin is one LIKE on one column on SQLite and PostgreSQL alike (see catalog.search).
    search_key = models.TextField("检索键", blank=True, default="", editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="item_code_version_unique"),
            # At most one published version of an item at a time.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="item_one_published_version"
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="item_promised_within_legal",
            ),
        ]
        indexes = [models.Index(fields=["status", "region"])]

    def __str__(self):
        return f"{self.name}（v{self.version}）"

    def save(self, *args, **kwargs):
        self.refresh_search_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def refresh_search_key(self) -> None:
        """Recompute the search column; bulk_create callers call this themselves (no save() there)."""
        from bianmin.catalog.search import search_key

        self.search_key = search_key(self.name, self.short_name, self.code, self.basic_code)

    @property
    def life_event_list(self) -> list[str]:
        return [e.strip() for e in self.life_events.replace("，", ",").split(",") if e.strip()]

    @property
    def mode(self) -> str:
        return "instant" if self.promised_limit_days == 0 else "promised"

    @property
    def case_class(self) -> str:
        """The class a case of this item gets at acceptance (五件)."""
        if self.escalate_to_id:
            return CaseClass.ESCALATED
        if self.promised_limit_days == 0:
            return CaseClass.INSTANT
        # joint_departments is prefetched on every list that reads this.
        if len(self.joint_departments.all()) >= 2:
            return CaseClass.JOINT
        return CaseClass.PROMISED

    @property
    def frozen_case_class(self) -> str:
        """`case_class` of a published (or superseded) version, remembered per process: such a version is
        frozen (catalog.services.update_item edits drafts only), so its joint departments never change.
        Case actions use it — a case's item is never a draft — to skip reading them again."""
        if self.status == ItemStatus.DRAFT or "joint_departments" in getattr(
            self, "_prefetched_objects_cache", {}
        ):
            return self.case_class
        key = (self.pk, self.code, self.version, self.published_at, self.name)
        found = _FROZEN_CLASSES.get(key)
        if found is None:
            found = _FROZEN_CLASSES[key] = self.case_class
        return found

    def clean(self):
        errors = {}
        if self.promised_limit_days is not None and self.legal_limit_days is not None:
            if self.promised_limit_days > self.legal_limit_days:
                errors["promised_limit_days"] = "承诺时限不能超过法定时限"
        if self.escalate_to_id and self.escalate_to.region.level != Level.COUNTY:
            errors["escalate_to"] = "上报决定部门必须是县级部门"
        if errors:
            raise ValidationError(errors)


class Material(models.Model):
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("材料名称", max_length=200)
    issuer = models.CharField("出具单位", max_length=100, blank=True)
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    required = models.BooleanField("必备", default=True)
    deferrable = models.BooleanField("可容缺", default=False)
    standard = models.CharField("材料要求", max_length=300, blank=True)
    blank_form = models.FileField("空白表格", upload_to="catalog/forms/", blank=True)
    example = models.FileField("填写样例", upload_to="catalog/examples/", blank=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["item", "position", "id"]

    def __str__(self):
        return self.name


class FieldType(models.TextChoices):
    TEXT = "text", "文本"
    NUMBER = "number", "数字"
    DATE = "date", "日期"
    CHOICE = "choice", "单选"
    MULTI_CHOICE = "multi_choice", "多选"


class Field(models.Model):
    """An item-specific question the applicant answers (like Open311 service attributes)."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField("序号", default=0)
    code = models.SlugField("字段代码", max_length=40)
    label = models.CharField("问题", max_length=200)
    datatype = models.CharField("类型", max_length=12, choices=FieldType.choices, default=FieldType.TEXT)
    required = models.BooleanField("必填", default=False)
    choices = models.JSONField("选项", default=list, blank=True)
    help_text = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "表单字段"
        verbose_name_plural = "表单字段"
        ordering = ["item", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="field_code_unique_in_item")]

    def __str__(self):
        return self.label


class Delegation(models.Model):
    """A county item delegated to the townships (下放事项), identified by its basic code."""

    region = models.ForeignKey(
        Region, verbose_name="下放县（区）", on_delete=models.PROTECT, related_name="delegations"
    )
    basic_code = models.CharField("事项基本编码", max_length=40)
    name = models.CharField("事项名称", max_length=120)
    department = models.ForeignKey(
        Department, verbose_name="原实施县级部门", on_delete=models.PROTECT, related_name="delegations"
    )
    delegated_on = models.DateField("下放日期")
    document = models.CharField("下放文件", max_length=200, blank=True)

    class Meta:
        verbose_name = "下放事项"
        verbose_name_plural = "下放事项"
        ordering = ["region", "basic_code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "basic_code"], name="delegation_unique_in_county")
        ]

    def __str__(self):
        return self.name


class TakeOn(models.Model):
    """A township's record that it has taken a delegated item on (承接), and since when."""

    delegation = models.ForeignKey(
        Delegation, verbose_name="下放事项", on_delete=models.CASCADE, related_name="take_ons"
    )
    region = models.ForeignKey(
        Region, verbose_name="承接乡镇", on_delete=models.PROTECT, related_name="take_ons"
    )
    taken_on = models.DateField("承接日期")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "承接记录"
        verbose_name_plural = "承接记录"
        ordering = ["delegation", "region"]
        constraints = [
            models.UniqueConstraint(fields=["delegation", "region"], name="take_on_once_per_township")
        ]

    def __str__(self):
        return f"{self.region}承接{self.delegation}"
