"""The working-day calendar as data: published years, holidays and make-up workdays, and the edit revision."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bianmin.regions.models import Region
from bianmin.worktime import FIRST_YEAR, LAST_YEAR


class CalendarYear(models.Model):
    """One year of the State Council's holiday notice; unconfirmed years fall back to fixed-date holidays."""

    year = models.PositiveSmallIntegerField(
        "年度", primary_key=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    confirmed = models.BooleanField(
        "已确认", default=False, help_text="国务院办公厅放假安排通知已发布并已逐日核对"
    )
    source = models.CharField("依据", max_length=200, blank=True, help_text="如：国办发明电〔2025〕7号")
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "节假日"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, or a weekend make-up workday (调休).

    ``region`` empty: national, from the State Council notice. A region: a local holiday (e.g. an
    autonomous prefecture's festival) for that region's whole subtree; local days are holidays only.
    """

    year = models.ForeignKey(
        CalendarYear, verbose_name="年度", on_delete=models.CASCADE, related_name="days", db_column="year"
    )
    date = models.DateField("日期")
    kind = models.CharField("类别", max_length=16, choices=DayKind.choices)
    name = models.CharField("名称", max_length=40, help_text="如：国庆节、春节调休")
    region = models.ForeignKey(
        Region,
        verbose_name="地方节假日所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_days",
        help_text="留空为全国；填写后仅适用于该区划及其下辖区域",
    )
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "节假日与调休日"
        verbose_name_plural = "节假日与调休日"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(region__isnull=True), name="calendar_day_one_national_per_date"
            ),
            models.UniqueConstraint(
                fields=["region", "date"],
                condition=Q(region__isnull=False),
                name="calendar_day_one_local_per_region_date",
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(kind=DayKind.HOLIDAY),
                name="calendar_day_local_is_holiday",
            ),
        ]
        indexes = [models.Index(fields=["year", "date"], name="calendar_day_year_date")]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}（{self.get_kind_display()}）"


class CalendarRevision(models.Model):
    """A single row bumped in the same transaction as every calendar edit.

    Each process caches the built calendar under ``token`` and compares it with this row (one primary-key
    read) before use, so an edit saved by any worker is seen by every worker on its next call. The cache
    is keyed by the random token, not the counter: an edit that rolls back (a refused request, every
    test) leaves the counter where the next edit will take it again, but a token is never reused.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    number = models.PositiveBigIntegerField("修订号", default=0)
    token = models.CharField("修订标识", max_length=32)
    changed_at = models.DateTimeField("修改时间", null=True)

    class Meta:
        verbose_name = "日历修订号"
        verbose_name_plural = "日历修订号"

    def __str__(self):
        return f"第 {self.number} 次修订"
