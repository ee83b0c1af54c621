"""Seed every year chinese_calendar publishes (2004–2026 in 1.11), confirmed; later years are added by hand."""

from django.db import migrations
from django.utils import timezone

from bianmin.calendar.seed import seed_from_chinese_calendar


def seed(apps, schema_editor):
    seed_from_chinese_calendar(
        apps.get_model("calendar", "CalendarYear"),
        apps.get_model("calendar", "CalendarDay"),
        apps.get_model("calendar", "CalendarRevision"),
        timezone.now(),
    )


def unseed(apps, schema_editor):
    for name in ("CalendarDay", "CalendarYear", "CalendarRevision"):
        apps.get_model("calendar", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
