"""GET /api/v1/items and /api/v1/items/{code} per API.md."""

from bianmin.catalog import services
from bianmin.catalog.demo import DEMO_ITEMS
from bianmin.catalog.models import Item

from .factories import admin, make_item


def test_item_detail_has_the_contract_fields(api):
    body = api().get(f"items/{DEMO_ITEMS['joint']}").json()
    assert {
        "code",
        "name",
        "item_type",
        "level",
        "mode",
        "legal_limit_days",
        "promised_limit_days",
        "lead_department",
        "joint_departments",
        "escalate_to",
        "fee",
        "online",
        "proxy",
        "appointment",
        "max_visits",
        "legal_basis",
        "conditions",
        "materials",
        "fields",
    } <= set(body)
    assert body["mode"] == "promised" and body["case_class"] == "joint"
    assert body["lead_department"] == {"code": "610324106000MZ", "name": "法门镇民政所"}
    assert {d["code"] for d in body["joint_departments"]} == {"610324106000MZ", "610324106000RS"}
    assert body["escalate_to"] is None
    material = body["materials"][0]
    assert {"id", "name", "originals", "copies", "required", "deferrable"} <= set(material)
    assert {"code", "label", "datatype", "required", "choices"} <= set(body["fields"][0])


def test_instant_and_escalated_items_say_so(api):
    instant = api().get(f"items/{DEMO_ITEMS['instant']}").json()
    assert instant["mode"] == "instant" and instant["promised_limit_days"] == 0
    escalated = api().get(f"items/{DEMO_ITEMS['escalated']}").json()
    assert escalated["escalate_to"] == {"code": "610324000000MZ", "name": "扶风县民政局"}


def test_unknown_item_code_is_404_in_the_error_contract(api):
    response = api().get("items/NO-SUCH-ITEM")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "item_not_found"


def test_a_withdrawn_item_is_404(api):
    services.withdraw_item(admin(), Item.objects.published().get(code=DEMO_ITEMS["promised"]))
    assert api().get(f"items/{DEMO_ITEMS['promised']}").status_code == 404


def test_detail_serves_the_published_version_not_a_newer_draft(api):
    item = make_item()
    draft = services.new_version(admin(), item)
    services.update_item(admin(), draft, {"name": "新名称"})
    assert api().get(f"items/{item.code}").json()["name"] == item.name


def test_list_is_paginated_and_limited_to_the_region_subtree(api):
    body = api().get("items?region=610324100000&page_size=10").json()
    assert body["count"] >= 30 and len(body["results"]) == 10
    assert all(r["region"] == "610324100000" for r in body["results"])
    county = api().get("items?region=610324000000&page_size=1").json()
    assert county["count"] > body["count"]


def test_list_without_region_shows_only_published_items(api):
    make_item(publish=False)
    body = api().get("items?q=TEST001").json()
    assert body["count"] == 0


def test_unknown_region_is_404_and_malformed_region_is_422(api):
    assert api().get("items?region=999999999999").status_code == 404
    response = api().get("items?region=abc")
    assert response.status_code == 422 and "region" in response.json()["error"]["fields"]


def test_take_on_rates_endpoint_reports_each_township(api):
    rows = api().get("delegations/take-on-rates?region=610324000000").json()
    assert len(rows) == 8
    assert all(0 <= r["rate"] <= 1 for r in rows)


def test_openapi_describes_the_item_endpoints(api):
    paths = api().get("openapi.json").json()["paths"]
    assert "/api/v1/items" in paths and "/api/v1/items/{code}" in paths
