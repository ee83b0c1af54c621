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


RATING_FIELDS = {
    # field → (low, high, the Chinese name) for the 好差评 settings (bianmin.ratings)
    "rating_window_days": (1, 90, "评价期限"),
    "rating_contact_days": (1, 10, "差评联系期限"),
    "rectification_days": (1, 30, "差评整改期限"),
}
TAG_FIELDS = ("rating_tags_good", "rating_tags_bad")


@transaction.atomic
def update_county_settings(user, code: str, *, yellow_threshold_days: int, **rating) -> CountySettings:
    """An administrator sets the county's own values; everything else is refused."""
    from bianmin.accounts.scope import scope_of

    settings = county_settings(code)
    if not scope_of(user).is_admin:
        raise Forbidden("只有系统管理员可以修改县级参数")
    low, high = YELLOW_THRESHOLD_RANGE
    if not isinstance(yellow_threshold_days, int) or not low <= yellow_threshold_days <= high:
        raise Invalid("输入有误", fields={"yellow_threshold_days": f"黄灯预警阈值应为 {low}–{high} 个工作日"})
    settings.yellow_threshold_days = yellow_threshold_days
    fields = {}
    for name, value in rating.items():
        if value is None or value == "":
            continue  # not sent: keep the county's value
        if name in RATING_FIELDS:
            low, high, label = RATING_FIELDS[name]
            if not isinstance(value, int) or not low <= value <= high:
                fields[name] = f"{label}应为 {low}–{high} 天"
                continue
        elif name in TAG_FIELDS:
            if not isinstance(value, str) or len(value) > 300:
                fields[name] = "标签不能超过300个字"
                continue
        else:
            fields[name] = "未知的参数"
            continue
        setattr(settings, name, value)
    if fields:
        raise Invalid("输入有误", fields=fields)
    settings.updated_by = user
    settings.save()
    return settings
