"""Regions, centers and departments: the public facts of the demo county, their errors and pagination."""

import factories
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bianmin.regions.models import Center, Region

COUNTY = "610324000000"
FAMEN = "610324106000"
TOWNSHIPS = {"城关街道", "天度镇", "午井镇", "绛帐镇", "段家镇", "杏林镇", "召公镇", "法门镇"}


def get(path):
    """An anonymous call: everything in this file is public."""
    return Client().get(f"/api/v1/{path}")


def test_county_lists_its_eight_townships(demo):
    response = get(f"regions/{COUNTY}")

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["level"]) == (COUNTY, "扶风县", 4)
    assert body["parent"] == "610300000000"
    assert {c["name"] for c in body["children"]} == TOWNSHIPS
    assert all(c["level"] == 5 and c["code"].startswith("610324") for c in body["children"])


def test_every_township_lists_at_least_three_villages(demo):
    for township in get(f"regions/{COUNTY}").json()["children"]:
        body = get(f"regions/{township['code']}").json()
        assert body["parent"] == COUNTY
        assert len(body["children"]) >= 3, township["name"]
        assert all(v["level"] == 6 and v["code"][:9] == township["code"][:9] for v in body["children"])


def test_county_sits_under_baoji_and_shaanxi(demo):
    assert get("regions/610300000000").json()["name"] == "宝鸡市"
    assert get("regions/610000000000").json()["name"] == "陕西省"


def test_unknown_region_code_is_404(demo):
    response = get("regions/610324999000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("code", ["abc", "61032400000", "6103240000000", "61032400000x", "扶风县"])
def test_malformed_region_code_is_422(demo, code):
    response = get(f"regions/{code}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_centers_of_a_township_are_its_center_and_village_stations(demo):
    body = get(f"centers?region={FAMEN}").json()

    levels = [c["level"] for c in body["results"]]
    assert levels.count("township") == 1
    assert levels.count("village") >= 3
    center = next(c for c in body["results"] if c["level"] == "township")
    assert center["name"] == "法门镇便民服务中心"
    # 六公开: address, hours and phones are public.
    assert (
        center["address"]
        and center["opening_hours"]
        and center["service_phone"]
        and center["supervision_phone"]
    )


def test_centers_of_the_county_include_every_township(demo):
    body = get(f"centers?region={COUNTY}&page_size=200").json()
    names = {c["name"] for c in body["results"]}
    assert "扶风县政务服务中心" in names
    assert {f"{t}便民服务中心" for t in TOWNSHIPS} <= names
    assert body["count"] == len(body["results"])


def test_departments_of_a_township_include_the_seven_stations(demo):
    body = get(f"departments?region={FAMEN}").json()
    names = {d["name"] for d in body["results"]}
    for short in ("民政所", "人社所", "卫健办", "司法所", "自然资源所", "财政所", "农业综合服务中心"):
        assert any(short in n for n in names), short
    assert all(d["region"] == FAMEN for d in body["results"])


def test_county_departments_include_the_civil_affairs_bureau(demo):
    body = get(f"departments?region={COUNTY}&page_size=200").json()
    assert "扶风县民政局" in {d["name"] for d in body["results"]}


def test_centers_and_departments_are_public(demo):
    for path in ("centers", "departments", f"regions/{COUNTY}"):
        assert get(path).status_code == 200


def test_lists_paginate_with_a_stable_order(demo):
    everything = get("centers?page_size=200").json()
    first = get("centers?page=1&page_size=10").json()
    second = get("centers?page=2&page_size=10").json()

    assert first["count"] == second["count"] == everything["count"] > 20
    assert len(first["results"]) == len(second["results"]) == 10
    codes = [c["code"] for c in first["results"] + second["results"]]
    assert codes == [c["code"] for c in everything["results"][:20]]


def test_a_page_past_the_end_is_empty_not_an_error(demo):
    body = get("departments?page=999").json()
    assert body["results"] == [] and body["count"] > 0


@pytest.mark.parametrize("path", ["centers", "departments"])
@pytest.mark.parametrize(
    "query,field",
    [("page_size=201", "page_size"), ("page_size=0", "page_size"), ("page=0", "page"), ("page=x", "page")],
)
def test_bad_paging_is_422_naming_the_field(demo, path, query, field):
    response = get(f"{path}?{query}")
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["centers", "departments"])
def test_page_size_200_is_allowed(demo, path):
    assert get(f"{path}?page_size=200").status_code == 200


@pytest.mark.parametrize("path", ["centers", "departments"])
def test_region_filter_rejects_a_malformed_code_and_404s_an_unknown_one(demo, path):
    assert get(f"{path}?region=abc").status_code == 422
    assert get(f"{path}?region=610324999000").status_code == 404


def test_subtree_is_found_by_code_prefix(demo):
    famen = Region.objects.get(code=FAMEN)
    inside = set(Region.objects.within(famen).values_list("code", flat=True))
    assert FAMEN in inside and "610324106200" in inside
    assert "610324100000" not in inside and COUNTY not in inside
    assert famen.contains("610324106201") and not famen.contains("610324100200")


def _queries(path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert get(path).status_code == 200
    return len(ctx.captured_queries)


def _grow_famen(n: int):
    famen = Region.objects.get(code=FAMEN)
    township_center = Center.objects.get(region=famen)
    for i in range(n):
        village = factories.village(famen, number=700 + i)
        station = factories.center(village, parent=township_center)
        factories.department(famen, center=station)


@pytest.mark.parametrize(
    "path", [f"centers?region={FAMEN}", f"departments?region={FAMEN}", f"regions/{FAMEN}"]
)
def test_list_queries_stay_constant_as_the_county_grows(demo, path, django_assert_max_num_queries):
    before = _queries(path)

    _grow_famen(30)

    with django_assert_max_num_queries(before):
        body = get(path).json()
    assert len(body.get("results", body.get("children"))) > 30
