"""load_demo builds the county of API.md and is idempotent: a second run changes nothing at all."""

import hashlib
import json

from django.apps import apps
from django.core.management import call_command

from bianmin.accounts.models import User
from bianmin.regions.models import Center, CenterLevel, Department, Level, Region


def _demo_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in {"regions", "accounts"} or model.__module__.startswith("bianmin.")
    ]


def snapshot() -> dict[str, tuple[int, str]]:
    """Per table: the row count and a hash of every row's every column (ordered by primary key)."""
    result = {}
    for model in _demo_models():
        rows = list(model.objects.order_by("pk").values())
        digest = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()
        result[model._meta.label] = (len(rows), digest)
    return result


def test_second_run_changes_nothing(db):
    call_command("load_demo", verbosity=0)
    first = snapshot()
    passwords = dict(User.objects.values_list("username", "password"))

    call_command("load_demo", verbosity=0)

    assert snapshot() == first
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_second_run_keeps_what_an_administrator_changed(db):
    call_command("load_demo", verbosity=0)
    clerk = User.objects.get(username="famen_clerk")
    clerk.set_password("Changed@2026")
    clerk.save()

    call_command("load_demo", verbosity=0)

    assert User.objects.get(username="famen_clerk").check_password("Changed@2026")


def test_demo_county_has_a_center_for_county_townships_and_villages(demo):
    townships = Region.objects.filter(level=Level.TOWNSHIP, parent_id="610324000000")
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith="610324")

    assert townships.count() == 8
    assert Center.objects.filter(level=CenterLevel.COUNTY, region_id="610324000000").count() == 1
    assert Center.objects.filter(level=CenterLevel.TOWNSHIP).count() == 8
    assert Center.objects.filter(level=CenterLevel.VILLAGE).count() == villages.count() >= 24
    for township in townships:
        assert Department.objects.filter(region=township).count() >= 7


def test_every_region_code_has_twelve_digits_and_a_consistent_parent(demo):
    for region in Region.objects.select_related("parent"):
        assert len(region.code) == 12 and region.code.isdigit()
        if region.parent:
            assert region.code.startswith(region.parent.prefix)
            assert region.level == region.parent.level + 1
