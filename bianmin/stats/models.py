"""Daily rollups of the case actions: one row per day and key, one column per counted quantity.

Two tables with the same columns and the same writer (bianmin.stats.rollup): `Fact`, fine grained (day ×
center × lead department × item × channel × class × staff × village), for drill-down by department, item,
staff and village; `CenterDay` (day × center × channel × class), small, and `CenterMonth` (the same by month),
tiny: the dashboards and the API's region totals read whole months from CenterMonth and the days at the
period's edges from CenterDay. Keys are plain integers/strings (0 / "" for none), so a key never holds a NULL
and the unique constraint really is one row per key on SQLite and PostgreSQL.
"""

from django.db import models

# The counted quantities (columns) every rollup row carries; bianmin.stats.indicators explains each.
MEASURES = (
    "received",  # cases received that day (by receipt date), keyed by the receiving staff
    "home_visit",  # of those, 上门代办
    "needed_supplement",  # of those received that day, cases that got a 补正 request (ever)
    "accepted",  # accept events
    "completed",  # completions (complete, or an instant item accepted-and-completed)
    "on_time",  # of the completions, completed on or before the deadline
    "early",  # of the completions, completed before the deadline day
    "one_visit",  # of the completions, never asked for a supplement (一次办成)
    "handling_days",  # of the completions, sum of working days from clock start to completion, less pauses
    "refused",  # 不予受理 events
    "withdrawn",  # 撤回 events
    "escalated",  # 初审上报 events
)


class Measures(models.Model):
    received = models.PositiveIntegerField("收件量", default=0)
    home_visit = models.PositiveIntegerField("上门代办数", default=0)
    needed_supplement = models.PositiveIntegerField("需补正件数", default=0)
    accepted = models.PositiveIntegerField("受理量", default=0)
    completed = models.PositiveIntegerField("办结量", default=0)
    on_time = models.PositiveIntegerField("按期办结量", default=0)
    early = models.PositiveIntegerField("提前办结量", default=0)
    one_visit = models.PositiveIntegerField("一次办成量", default=0)
    handling_days = models.BigIntegerField("办理工作日合计", default=0)
    refused = models.PositiveIntegerField("不予受理数", default=0)
    withdrawn = models.PositiveIntegerField("撤回数", default=0)
    escalated = models.PositiveIntegerField("上报次数", default=0)

    class Meta:
        abstract = True


class Fact(Measures):
    day = models.DateField("日期")
    county = models.CharField("县（区）", max_length=12)
    center_id = models.IntegerField("中心")
    department_id = models.IntegerField("牵头部门", default=0)
    item_id = models.IntegerField("事项")
    channel = models.CharField("渠道", max_length=10)
    case_class = models.CharField("办件类型", max_length=10)
    staff_id = models.IntegerField("经办人", default=0)
    village = models.CharField("所在村", max_length=12, default="")

    class Meta:
        verbose_name = "统计明细（日）"
        verbose_name_plural = "统计明细（日）"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "center_id",
                    "department_id",
                    "item_id",
                    "channel",
                    "case_class",
                    "staff_id",
                    "village",
                ],
                name="stats_fact_key",
            )
        ]
        indexes = [
            models.Index(fields=["county", "day"], name="stats_fact_county_day"),
            models.Index(fields=["center_id", "day"], name="stats_fact_center_day"),
            models.Index(fields=["staff_id", "day"], name="stats_fact_staff_day"),
        ]

    def __str__(self):
        return f"{self.day}·{self.center_id}·{self.item_id}·{self.staff_id}"


class CenterDay(Measures):
    day = models.DateField("日期")
    county = models.CharField("县（区）", max_length=12)
    center_id = models.IntegerField("中心")
    channel = models.CharField("渠道", max_length=10)
    case_class = models.CharField("办件类型", max_length=10)

    class Meta:
        verbose_name = "统计汇总（中心·日）"
        verbose_name_plural = "统计汇总（中心·日）"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "center_id", "channel", "case_class"], name="stats_centerday_key"
            )
        ]
        indexes = [
            models.Index(fields=["county", "day"], name="stats_cd_county_day"),
            models.Index(fields=["center_id", "day"], name="stats_cd_center_day"),
        ]

    def __str__(self):
        return f"{self.day}·{self.center_id}·{self.channel}·{self.case_class}"


class CenterMonth(Measures):
    """CenterDay summed by calendar month (`month` is its first day): what whole months and trends read."""

    month = models.DateField("月份（首日）")
    county = models.CharField("县（区）", max_length=12)
    center_id = models.IntegerField("中心")
    channel = models.CharField("渠道", max_length=10)
    case_class = models.CharField("办件类型", max_length=10)

    class Meta:
        verbose_name = "统计汇总（中心·月）"
        verbose_name_plural = "统计汇总（中心·月）"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "center_id", "channel", "case_class"], name="stats_centermonth_key"
            )
        ]
        indexes = [models.Index(fields=["center_id", "month"], name="stats_cm_center_month")]

    def __str__(self):
        return f"{self.month:%Y-%m}·{self.center_id}·{self.channel}·{self.case_class}"


class StaffMonth(Measures):
    """Fact summed by month, center, lead department and staff: the per-department and per-staff splits
    and the assessment read whole months here."""

    month = models.DateField("月份（首日）")
    county = models.CharField("县（区）", max_length=12)
    center_id = models.IntegerField("中心")
    department_id = models.IntegerField("牵头部门", default=0)
    staff_id = models.IntegerField("经办人", default=0)
    channel = models.CharField("渠道", max_length=10)
    case_class = models.CharField("办件类型", max_length=10)

    class Meta:
        verbose_name = "统计汇总（人员·月）"
        verbose_name_plural = "统计汇总（人员·月）"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "center_id", "department_id", "staff_id", "channel", "case_class"],
                name="stats_staffmonth_key",
            )
        ]
        indexes = [
            models.Index(fields=["center_id", "month"], name="stats_sm_center_month"),
            models.Index(fields=["staff_id", "month"], name="stats_sm_staff_month"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}·{self.center_id}·{self.department_id}·{self.staff_id}"


class AssessmentWeights(models.Model):
    """绩效考核的权重（每县一行；没有行时用默认值 DEFAULT_WEIGHTS）。"""

    county = models.CharField("县（区）", max_length=12, unique=True)
    volume = models.DecimalField("办件量（每件得分）", max_digits=6, decimal_places=2, default=0.5)
    volume_cap = models.PositiveSmallIntegerField("办件量得分上限", default=30)
    on_time = models.PositiveSmallIntegerField("按期办结率（满分）", default=40)
    satisfaction = models.PositiveSmallIntegerField("满意率（满分）", default=20)
    rectified = models.PositiveSmallIntegerField("差评整改率（满分）", default=10)
    card_penalty = models.PositiveSmallIntegerField("每张黄牌扣分（红牌加倍）", default=5)
    complaint_penalty = models.PositiveSmallIntegerField("每件属实投诉扣分", default=3)
    late_penalty = models.PositiveSmallIntegerField("每次迟到扣分", default=1)
    absent_penalty = models.PositiveSmallIntegerField("每天缺勤扣分", default=3)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "绩效考核权重"
        verbose_name_plural = "绩效考核权重"

    def __str__(self):
        return self.county
