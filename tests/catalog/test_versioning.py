"""Versions: a published version is frozen; publishing v2 supersedes v1, which keeps its materials."""

import pytest

from bianmin.catalog import services
from bianmin.catalog.models import Item, ItemStatus
from bianmin.core.errors import Conflict, Invalid

from .factories import admin, make_item


def test_publishing_a_new_version_supersedes_the_old_one_and_leaves_it_as_it_was(demo):
    v1 = make_item(
        materials=[{"name": "身份证", "originals": 1, "copies": 1}, {"name": "户口簿", "copies": 1}]
    )
    before = (Item.objects.filter(pk=v1.pk).values().get(), list(v1.materials.values("name", "copies")))

    v2 = services.new_version(admin(), v1)
    assert (v2.version, v2.status) == (2, ItemStatus.DRAFT)
    assert [m.name for m in v2.materials.all()] == ["身份证", "户口簿"]
    services.update_item(
        admin(), v2, {"promised_limit_days": 5}, materials=[{"name": "身份证", "originals": 1}]
    )
    services.publish_item(admin(), v2)

    v1.refresh_from_db()
    assert v1.status == ItemStatus.SUPERSEDED
    row = Item.objects.filter(pk=v1.pk).values().get()
    assert {k: v for k, v in row.items() if k not in ("status", "updated_at")} == {
        k: v for k, v in before[0].items() if k not in ("status", "updated_at")
    }
    assert list(v1.materials.values("name", "copies")) == before[1]
    assert Item.objects.published().get(code=v1.code).pk == v2.pk


def test_new_version_copies_joint_departments_and_questions(demo):
    from bianmin.catalog.demo import DEMO_ITEMS

    joint = Item.objects.published().get(code=DEMO_ITEMS["joint"])
    draft = services.new_version(admin(), joint)
    assert set(draft.joint_departments.all()) == set(joint.joint_departments.all())
    assert [f.code for f in draft.fields.all()] == [f.code for f in joint.fields.all()]
    assert draft.case_class == "joint"


def test_a_published_version_cannot_be_edited(demo):
    item = make_item()
    with pytest.raises(Conflict) as info:
        services.update_item(admin(), item, {"name": "改名"})
    assert "草稿" in info.value.message


def test_only_one_draft_at_a_time(demo):
    item = make_item()
    services.new_version(admin(), item)
    with pytest.raises(Conflict):
        services.new_version(admin(), item)


def test_only_an_administrator_writes_the_catalog(demo):
    from bianmin.accounts.models import User
    from bianmin.core.errors import Forbidden

    from .factories import item_data

    clerk = User.objects.get(username="famen_clerk")
    with pytest.raises(Forbidden):
        services.create_item(clerk, item_data())
    item = make_item()
    for write in (services.new_version, services.withdraw_item):
        with pytest.raises(Forbidden):
            write(clerk, item)
    assert Item.objects.filter(code=item.code).count() == 1
    assert Item.objects.get(pk=item.pk).status == ItemStatus.PUBLISHED


def test_withdraw_takes_the_item_off_the_catalog(demo):
    item = services.withdraw_item(admin(), make_item())
    assert item.status == ItemStatus.WITHDRAWN
    assert not Item.objects.published().filter(code=item.code).exists()


def test_publishing_needs_a_material(demo):
    item = make_item(publish=False)
    item.materials.all().delete()
    with pytest.raises(Invalid) as info:
        services.publish_item(admin(), item)
    assert "材料" in info.value.fields["materials"]
