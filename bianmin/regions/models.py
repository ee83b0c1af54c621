"""Regions (12-digit division codes), service centers, departments and windows."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# GB/T 39046 行使层级 → digits of the 12-digit code that identify a region at that level.
PREFIX_LENGTH = {1: 0, 2: 2, 3: 4, 4: 6, 5: 9, 6: 12}


class Level(models.IntegerChoices):
    NATION = 1, "国家"
    PROVINCE = 2, "省"
    CITY = 3, "市"
    COUNTY = 4, "县（区）"
    TOWNSHIP = 5, "乡镇（街道）"
    VILLAGE = 6, "村（社区）"


def prefix_of(code: str, level: int) -> str:
    return code[: PREFIX_LENGTH[level]]


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region"):
        """The region and every region below it, by code prefix (one indexed LIKE)."""
        return self.filter(code__startswith=region.prefix)


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return prefix_of(self.code, self.level)

    def contains(self, code: str) -> bool:
        """True when `code` (a region code) lies in this region's subtree — a string test, no query."""
        return code.startswith(self.prefix)

    def ancestors(self) -> list["Region"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in self.ancestors() if r.level >= Level.CITY) + self.name


class CenterLevel(models.TextChoices):
    COUNTY = "county", "县级政务服务中心"
    TOWNSHIP = "township", "乡镇（街道）便民服务中心"
    VILLAGE = "village", "村（社区）便民服务站"
    GROUP = "group", "村民组便民服务点"


class CenterQuerySet(models.QuerySet):
    def within(self, region: Region):
        return self.filter(region__code__startswith=region.prefix)


class Center(models.Model):
    """A place that serves the public: the county center, a township center, a village station, a group point."""

    code = models.CharField("机构代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("类别", max_length=10, choices=CenterLevel.choices, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="centers"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="村级站点交件、取件的乡镇中心",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    opening_hours = models.CharField("办公时间", max_length=200, blank=True)
    service_phone = models.CharField("咨询电话", max_length=40, blank=True)
    supervision_phone = models.CharField("监督电话", max_length=40, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = CenterQuerySet.as_manager()

    class Meta:
        verbose_name = "服务中心（站、点）"
        verbose_name_plural = "服务中心（站、点）"
        ordering = ["code"]

    def __str__(self):
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def within(self, region: Region):
        return self.filter(region__code__startswith=region.prefix)


class Department(models.Model):
    """A township 站所 or a county department (县直部门)."""

    code = models.CharField("部门代码", max_length=24, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=20, blank=True)
    kind = models.CharField(
        "条线", max_length=20, blank=True, db_index=True, help_text="民政、人社……同一条线的上下级部门相同"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments"
    )
    center = models.ForeignKey(
        Center,
        verbose_name="进驻中心",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
    )
    phone = models.CharField("电话", max_length=40, blank=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "部门（站所）"
        verbose_name_plural = "部门（站所）"
        ordering = ["code"]

    def __str__(self):
        return self.name


class WindowKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "综合受理窗口"
    DEPARTMENT = "department", "部门窗口"


class Window(models.Model):
    center = models.ForeignKey(Center, verbose_name="中心", on_delete=models.CASCADE, related_name="windows")
    number = models.PositiveSmallIntegerField("窗口号")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类别", max_length=16, choices=WindowKind.choices)
    departments = models.ManyToManyField(
        Department, verbose_name="服务部门", blank=True, related_name="windows"
    )

    class Meta:
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        ordering = ["center", "number"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="window_number_unique_in_center")
        ]

    def __str__(self):
        return f"{self.number}号 {self.name}"


class CountySettings(models.Model):
    """What a county decides for itself (本县参数), edited by an administrator.

    One row per county, created on first edit; a county without a row uses the project defaults. Later
    county settings (rectification deadline, supervision reply deadline) join this model as fields.
    """

    county = models.OneToOneField(
        Region,
        verbose_name="县（区）",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="settings",
        limit_choices_to={"level": Level.COUNTY},
    )
    yellow_threshold_days = models.PositiveSmallIntegerField(
        "黄灯预警阈值（工作日）",
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="办结期限前剩余工作日不多于此数时亮黄灯（0 表示仅到期当天亮黄灯）",
    )
    # 好差评 (bianmin.ratings): the rating window, the rectification clock and the tag lists.
    rating_window_days = models.PositiveSmallIntegerField(
        "评价期限（送达后自然日）",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="送达后多少个自然日内可以评价；过期未评价的保持“未评价”",
    )
    rating_contact_days = models.PositiveSmallIntegerField(
        "差评联系期限（工作日）",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="收到差评后多少个工作日内联系群众核实",
    )
    rectification_days = models.PositiveSmallIntegerField(
        "差评整改期限（工作日）",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="收到差评后多少个工作日内整改完成",
    )
    rating_tags_good = models.CharField(
        "好评标签（用顿号分隔）", max_length=300, blank=True,
        default="服务效率、服务水平、服务态度、办事指南准确、一次办成",
    )  # fmt: skip
    rating_tags_bad = models.CharField(
        "差评标签（用顿号分隔）", max_length=300, blank=True,
        default="多次跑腿、态度差、超时办理、材料要求不清、乱收费",
    )  # fmt: skip
    # 咨询投诉工单 time limits in working days (国办发〔2020〕53号 defaults; 0 = the same working day).
    inquiry_urgent_days = models.PositiveSmallIntegerField(
        "紧急工单答复时限（工作日）",
        default=0,
        validators=[MaxValueValidator(60)],
        help_text="0 表示当个工作日内答复",
    )
    inquiry_consult_days = models.PositiveSmallIntegerField(
        "咨询答复时限（工作日）", default=3, validators=[MaxValueValidator(60)]
    )
    inquiry_help_days = models.PositiveSmallIntegerField(
        "求助答复时限（工作日）", default=3, validators=[MaxValueValidator(60)]
    )
    inquiry_complaint_days = models.PositiveSmallIntegerField(
        "投诉答复时限（工作日）", default=13, validators=[MaxValueValidator(60)]
    )
    inquiry_report_days = models.PositiveSmallIntegerField(
        "举报答复时限（工作日）", default=13, validators=[MaxValueValidator(60)]
    )
    inquiry_suggestion_days = models.PositiveSmallIntegerField(
        "建议答复时限（工作日）", default=13, validators=[MaxValueValidator(60)]
    )
    inquiry_dispatch_days = models.PositiveSmallIntegerField(
        "工单派单时限（工作日）", default=1, validators=[MaxValueValidator(10)]
    )
    # 电子监察 (bianmin.supervision): the sweep, the desk and the order pages read these, nothing else.
    reply_days = models.PositiveSmallIntegerField(
        "督办回告期限（工作日）",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="超期亮黄牌时发出督办单，责任单位须在此数个工作日内回告",
    )
    red_card_period_days = models.PositiveSmallIntegerField(
        "再次黄牌转红牌期间（自然日）",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="同一人在此期间内第二次被亮黄牌时，升为红牌",
    )
    step_due_days = models.PositiveSmallIntegerField(
        "联办环节时限（工作日）",
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text="联办件各部门会签须在受理后此数个工作日内完成；0 表示与办件办结期限相同",
    )
    appeal_days = models.PositiveSmallIntegerField(
        "红黄牌申诉期限（工作日）",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="被亮牌的人员或部门可在此数个工作日内申诉一次",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "县级参数"
        verbose_name_plural = "县级参数"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(yellow_threshold_days__lte=10), name="county_yellow_threshold_at_most_10"
            )
        ]

    def __str__(self):
        return f"{self.county}参数"
