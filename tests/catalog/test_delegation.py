"""Delegation (下放事项) and take-on (承接): the county sees each township's take-on rate."""

from datetime import date

import pytest

from bianmin.catalog import services
from bianmin.catalog.models import Delegation, Item
from bianmin.core.errors import Invalid
from bianmin.regions.models import Department, Region

from .factories import admin

COUNTY, FAMEN = "610324000000", "610324106000"


def _rate(code):
    county = Region.objects.get(code=COUNTY)
    return next(r for r in services.take_on_rates(county) if r.region.code == code)


def test_taking_on_a_delegated_item_raises_the_townships_rate(demo):
    county = Region.objects.get(code=COUNTY)
    before = _rate(FAMEN)
    delegation = services.delegate_item(
        admin(),
        county,
        "SF20001",
        "人民调解申请",
        Department.objects.get(code=f"{COUNTY}SF"),
        date(2025, 1, 1),
    )
    assert _rate(FAMEN).delegated == before.delegated + 1
    assert Item.objects.get(code=f"SF20001-{FAMEN}").delegated
    services.take_on_item(admin(), delegation, Region.objects.get(code=FAMEN), date(2025, 2, 1))
    after = _rate(FAMEN)
    assert after.taken_on == before.taken_on + 1
    assert Item.objects.get(code=f"SF20001-{FAMEN}").taken_on == date(2025, 2, 1)


def test_take_on_before_delegation_or_by_a_village_is_refused(demo):
    delegation = Delegation.objects.first()
    with pytest.raises(Invalid):
        services.take_on_item(admin(), delegation, Region.objects.get(code=FAMEN), date(2000, 1, 1))
    with pytest.raises(Invalid):
        services.take_on_item(admin(), delegation, Region.objects.get(code="610324106200"), date(2026, 1, 1))


def test_supervisor_and_admin_see_the_take_on_page_clerks_do_not(client, demo):
    client.login(username="fufeng_supervisor", password="Demo@2026")
    page = client.get("/manage/catalog/delegations/").content.decode()
    assert "承接率" in page and "法门镇" in page and "%" in page
    client.login(username="famen_clerk", password="Demo@2026")
    assert client.get("/manage/catalog/delegations/").status_code == 403


def test_a_supervisor_cannot_open_another_countys_take_on_page(client, demo):
    from bianmin.regions.models import Level

    Region.objects.create(code="610326000000", name="眉县", level=Level.COUNTY, parent_id="610300000000")
    client.login(username="fufeng_supervisor", password="Demo@2026")
    page = client.get("/manage/catalog/delegations/?county=610326000000")
    assert page.status_code == 200
    assert page.context["county"].code == "610324000000"
    client.login(username="admin", password="Demo@2026")
    assert (
        client.get("/manage/catalog/delegations/?county=610326000000").context["county"].code
        == "610326000000"
    )
