"""An online application goes only to the township (or county) center that implements the item, and only
for items offered online."""

import pytest
from cases.factories import intake, make_item

from bianmin.accounts.models import User
from bianmin.regions.models import Center, CenterLevel
from tests.conftest import ApiClient, token_for

FAMEN_CENTER = "61032410600001"


@pytest.fixture
def citizen(demo):
    User.objects.create_user(username="citizen_sec", password="Demo@2026", name="张秀兰")
    return ApiClient(token_for("citizen_sec"))


def _online_item():
    item = make_item("promised")
    item.online = True
    item.save(update_fields=["online"])
    return item


def test_an_online_application_to_the_implementing_township_is_received(citizen, now):
    r = citizen.post("cases", intake(_online_item(), center=FAMEN_CENTER, channel="online"))
    assert r.status_code == 201, r.content


def test_an_item_not_offered_online_is_refused_online(citizen, now):
    r = citizen.post("cases", intake(make_item("promised"), center=FAMEN_CENTER, channel="online"))
    assert r.status_code == 422 and "item" in r.json()["error"]["fields"]


def test_an_online_application_to_a_village_station_is_refused(citizen, now):
    station = Center.objects.filter(level=CenterLevel.VILLAGE, code__startswith="610324106").first()
    assert station is not None
    r = citizen.post("cases", intake(_online_item(), center=station.code, channel="online"))
    assert r.status_code == 422 and "center" in r.json()["error"]["fields"]


def test_an_online_application_to_another_townships_center_is_refused(citizen, now):
    r = citizen.post("cases", intake(_online_item(), center="61032410000001", channel="online"))
    assert r.status_code == 422 and list(r.json()["error"]["fields"]) in (["center"], ["item"])
