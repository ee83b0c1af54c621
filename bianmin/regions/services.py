"""County settings (本县参数): the administrator's write, and the cached read the case engine uses per row."""

import threading
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bianmin.core.errors import Forbidden, Invalid, NotFound
from bianmin.regions.models import CountySettings, Level, Region

YELLOW_THRESHOLD_RANGE = (0, 10)
# Another process's edit reaches this one within this many seconds; an edit here is seen at once.
CACHE_SECONDS = 60

_lock = threading.Lock()
_cache: tuple[float, dict[str, int]] | None = None


def yellow_thresholds() -> dict[str, int]:
    """{county code: yellow threshold} for every county with its own row (one query per minute at most).

    The light is computed for every case row of a list, so a query per call would cost one per row.
    """
    global _cache
    cached = _cache
    if cached is None or time.monotonic() - cached[0] > CACHE_SECONDS:
        with _lock:
            rows = dict(CountySettings.objects.values_list("county_id", "yellow_threshold_days"))
            cached = _cache = (time.monotonic(), rows)
    return cached[1]


def forget_cached_county_settings() -> None:
    global _cache
    _cache = None


@receiver([post_save, post_delete], sender=CountySettings)
def _county_settings_changed(**kwargs) -> None:
    # Forget now (this transaction reads its own write) and again after commit (a concurrent reader may
    # have cached the old value in between).
    forget_cached_county_settings()
    transaction.on_commit(forget_cached_county_settings)


def county_settings(code: str) -> CountySettings:
    """The county's settings, unsaved defaults when it never edited them; NotFound for a non-county."""
    county = Region.objects.filter(code=code, level=Level.COUNTY).first()
    if county is None:
        raise NotFound("未找到该县（区）", code="county_not_found")
    return CountySettings.objects.filter(county=county).first() or CountySettings(county=county)


# Every county parameter beyond the yellow threshold, by the page's section:
# field → (label, lowest, highest, unit). The form, this service and the features that read them share it.
INQUIRY_LIMITS = {
    "inquiry_urgent_days": ("紧急工单答复时限", 0, 60, "个工作日"),
    "inquiry_consult_days": ("咨询答复时限", 0, 60, "个工作日"),
    "inquiry_help_days": ("求助答复时限", 0, 60, "个工作日"),
    "inquiry_complaint_days": ("投诉答复时限", 0, 60, "个工作日"),
    "inquiry_report_days": ("举报答复时限", 0, 60, "个工作日"),
    "inquiry_suggestion_days": ("建议答复时限", 0, 60, "个工作日"),
    "inquiry_dispatch_days": ("工单派单时限", 0, 10, "个工作日"),
}
SUPERVISION_FIELDS = {
    "reply_days": ("督办回告期限", 1, 20, "个工作日"),
    "red_card_period_days": ("再次黄牌转红牌期间", 1, 366, "天"),
    "step_due_days": ("联办环节时限", 0, 60, "个工作日"),
    "appeal_days": ("红黄牌申诉期限", 1, 30, "个工作日"),
}
RATING_FIELDS = {
    # 好差评 (bianmin.ratings): the rating window after delivery and the rectification clock.
    "rating_window_days": ("评价期限（送达后）", 1, 90, "天"),
    "rating_contact_days": ("差评联系期限", 1, 10, "个工作日"),
    "rectification_days": ("差评整改期限", 1, 30, "个工作日"),
}
# The tag lists (text, not numbers): their own form fields; blank keeps the county's list.
RATING_TAG_FIELDS = ("rating_tags_good", "rating_tags_bad")
COUNTY_SECTIONS = {
    "咨询投诉工单时限": INQUIRY_LIMITS,
    "电子监察": SUPERVISION_FIELDS,
    "好差评": RATING_FIELDS,
}


def county_fields() -> dict[str, tuple[str, int, int, str]]:
    return {name: spec for fields in COUNTY_SECTIONS.values() for name, spec in fields.items()}


def supervision_settings(code: str) -> CountySettings:
    """The county's row (unsaved defaults when it has none), without raising for an unknown code."""
    return CountySettings.objects.filter(county_id=code).first() or CountySettings(county_id=code)


def supervision_settings_all() -> dict[str, CountySettings]:
    """{county code: settings row} for every county with a row: the sweep reads them once per run."""
    return {row.county_id: row for row in CountySettings.objects.all()}


@transaction.atomic
def update_county_settings(user, code: str, *, yellow_threshold_days: int, **values) -> CountySettings:
    """An administrator sets the county's own values; everything else is refused."""
    from bianmin.accounts.scope import scope_of

    settings = county_settings(code)
    if not scope_of(user).is_admin:
        raise Forbidden("只有系统管理员可以修改县级参数")
    low, high = YELLOW_THRESHOLD_RANGE
    errors = {}
    if not isinstance(yellow_threshold_days, int) or not low <= yellow_threshold_days <= high:
        errors["yellow_threshold_days"] = f"黄灯预警阈值应为 {low}–{high} 个工作日"
    fields = county_fields()
    for name, value in values.items():
        if name in RATING_TAG_FIELDS:
            if value is not None and (not isinstance(value, str) or len(value) > 300):
                errors[name] = "标签不能超过300个字"
            continue
        if name not in fields:
            errors[name] = "未知参数"
            continue
        label, low, high, unit = fields[name]
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = f"{label}应为 {low}–{high} {unit}"
    if errors:
        raise Invalid("输入有误", fields=errors)
    settings.yellow_threshold_days = yellow_threshold_days
    for name, value in values.items():
        if value is not None and value != "":  # blank keeps the county's value
            setattr(settings, name, value)
    settings.updated_by = user
    settings.save()
    return settings
