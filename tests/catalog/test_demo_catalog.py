"""The demo catalog: big enough, realistic, and holding the four 法门镇 items API.md promises."""

from django.core.management import call_command

from bianmin.catalog.demo import DEMO_ITEMS
from bianmin.catalog.models import Item, Material
from bianmin.regions.models import Region

FAMEN, TIANDU = "610324106000", "610324100000"


def test_each_demo_township_has_at_least_30_published_items(demo):
    for code in (FAMEN, TIANDU):
        region = Region.objects.get(code=code)
        assert Item.objects.published().in_region(region).count() >= 30


def test_every_demo_item_has_a_material_and_a_promise_within_the_law(demo):
    items = list(Item.objects.all())
    with_materials = set(Material.objects.values_list("item_id", flat=True))
    assert items and all(item.pk in with_materials for item in items)
    assert all(item.promised_limit_days <= item.legal_limit_days for item in items)


def test_some_demo_materials_are_deferrable_and_some_items_ask_questions(demo):
    assert Material.objects.filter(deferrable=True).exists()
    assert Item.objects.filter(fields__isnull=False).distinct().count() >= 8


def test_famen_has_the_four_items_api_md_names(demo):
    instant = Item.objects.published().get(code=DEMO_ITEMS["instant"])
    assert instant.promised_limit_days == 0 and instant.case_class == "instant"
    assert instant.region_id == FAMEN

    promised = Item.objects.published().get(code=DEMO_ITEMS["promised"])
    assert promised.case_class == "promised" and promised.promised_limit_days > 0
    assert promised.lead_department.code == f"{FAMEN}MZ"

    joint = Item.objects.published().get(code=DEMO_ITEMS["joint"])
    assert joint.case_class == "joint" and joint.lead_department.code == f"{FAMEN}MZ"
    assert sorted(d.kind for d in joint.joint_departments.all()) == ["人社", "民政"]

    escalated = Item.objects.published().get(code=DEMO_ITEMS["escalated"])
    assert escalated.case_class == "escalated"
    assert escalated.lead_department.code == f"{FAMEN}MZ"
    assert escalated.escalate_to.name == "扶风县民政局"


def test_escalated_homestead_item_is_decided_by_the_county_natural_resources_bureau(demo):
    item = Item.objects.published().get(code=f"ZR01001-{FAMEN}")
    assert item.case_class == "escalated" and item.escalate_to.name == "扶风县自然资源局"


def test_loading_the_demo_twice_changes_nothing(demo):
    def snapshot():
        return (
            list(Item.objects.order_by("pk").values()),
            list(Material.objects.order_by("pk").values()),
            list(Item.joint_departments.through.objects.order_by("pk").values()),
        )

    before = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == before
