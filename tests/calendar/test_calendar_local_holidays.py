"""A region's local holiday applies to its whole subtree and nowhere else."""

import datetime as dt

import pytest

from bianmin.calendar import services
from bianmin.calendar.models import DayKind
from bianmin.core.errors import Invalid
from bianmin.regions.models import Region

D = dt.date
FAMEN, FAMEN_VILLAGE = "610324106000", "610324106200"  # 法门镇, 法门村
TIANDU, TIANDU_VILLAGE = "610324100000", "610324100200"  # 天度镇, 天度村
COUNTY = "610324000000"


@pytest.fixture
def famen_festival(admin_user, now):
    services.set_day(
        2026, D(2026, 3, 3), DayKind.HOLIDAY, "法门寺庙会", admin_user, region=Region.objects.get(code=FAMEN)
    )


def day(client, code, date="2026-03-03"):
    return client.get(f"/api/v1/calendar/days/{date}?region={code}").json()


def test_local_holiday_applies_to_the_township_and_its_villages(client, famen_festival):
    for code in (FAMEN, FAMEN_VILLAGE):
        body = day(client, code)
        assert (body["workday"], body["name"], body["region"]) == (False, "法门寺庙会", code)


def test_local_holiday_does_not_apply_to_a_sibling_township_or_above(client, famen_festival):
    for code in (TIANDU, TIANDU_VILLAGE, COUNTY):
        assert day(client, code)["workday"] is True
    assert client.get("/api/v1/calendar/days/2026-03-03").json()["workday"] is True  # national


def test_local_holiday_moves_deadlines_in_its_subtree_only(client, famen_festival):
    url = "/api/v1/calendar/deadline?start=2026-03-02&days=1&region={}"
    assert client.get(url.format(FAMEN_VILLAGE)).json()["deadline"] == "2026-03-04"
    assert client.get(url.format(TIANDU_VILLAGE)).json()["deadline"] == "2026-03-03"


def test_county_holiday_reaches_every_township(client, admin_user, now):
    county = Region.objects.get(code=COUNTY)
    services.set_day(2026, D(2026, 6, 10), DayKind.HOLIDAY, "县庆", admin_user, region=county)
    assert day(client, FAMEN_VILLAGE, "2026-06-10")["name"] == "县庆"
    assert day(client, TIANDU, "2026-06-10")["name"] == "县庆"


def test_local_holiday_on_a_make_up_workday_closes_the_office(client, admin_user, now):
    famen = Region.objects.get(code=FAMEN)
    services.set_day(2026, D(2026, 10, 10), DayKind.HOLIDAY, "庙会", admin_user, region=famen)
    assert day(client, FAMEN_VILLAGE, "2026-10-10")["workday"] is False
    assert client.get("/api/v1/calendar/days/2026-10-10").json()["workday"] is True


def test_removing_a_local_holiday_restores_the_national_answer(client, admin_user, famen_festival):
    famen = Region.objects.get(code=FAMEN)
    services.set_day(2026, D(2026, 3, 3), None, "", admin_user, region=famen)
    assert day(client, FAMEN_VILLAGE)["workday"] is True


def test_a_region_cannot_add_make_up_workdays(admin_user, now):
    famen = Region.objects.get(code=FAMEN)
    with pytest.raises(Invalid) as caught:
        services.set_day(2026, D(2026, 3, 7), DayKind.MAKEUP_WORKDAY, "调休", admin_user, region=famen)
    assert "kind" in caught.value.fields


def test_regions_without_local_holidays_share_the_national_calendar(famen_festival):
    assert services.calendar_for(TIANDU_VILLAGE) is services.calendar_for()
    assert services.calendar_for(FAMEN_VILLAGE) is services.calendar_for(Region.objects.get(code=FAMEN))
