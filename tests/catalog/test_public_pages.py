"""Public catalog and guide pages: no login, everything a citizen needs, constant queries as it grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.catalog.demo import DEMO_ITEMS, STANDARDS
from bianmin.catalog.models import Item, Material

FAMEN = "610324106000"


def test_guide_shows_materials_limits_fees_place_and_phones_without_login(client, demo):
    page = client.get(f"/guide/{DEMO_ITEMS['escalated']}/").content.decode()
    for text in (
        "特困人员救助供养申请",
        "申请材料",
        "原件",
        "复印件",
        "可容缺后补",
        "承诺时限",
        "35 个工作日",
        "法定时限",
        "不收费",
        "最多跑一次",
        "办理地点",
        "咨询电话",
        "监督投诉电话",
        "设定依据",
        "受理条件",
        "办理流程",
        "扶风县民政局",
        "常见问题",
        "可村级全程代办",
    ):
        assert text in page, text


def test_instant_item_guide_says_it_is_done_on_the_spot(client, demo):
    page = client.get(f"/guide/{DEMO_ITEMS['instant']}/").content.decode()
    assert "即办（当场办结）" in page and "即办件" in page


def test_printable_guide_renders(client, demo):
    response = client.get(f"/guide/{DEMO_ITEMS['joint']}/print/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "打印" in page and "共同实施部门" in page and "法门镇人社所" in page


def test_unknown_guide_is_404(client, demo):
    assert client.get("/guide/NOPE/").status_code == 404
    assert client.get("/guide/" + "x" * 500 + "/").status_code == 404


def test_township_catalog_lists_items_and_filters_by_department_and_life_event(client, demo):
    page = client.get(f"/catalog/{FAMEN}/").content.decode()
    assert "法门镇便民服务中心事项清单" in page and "共 " in page
    by_dept = client.get(f"/catalog/{FAMEN}/", {"dept": "人社"}).content.decode()
    assert "就业登记" in by_dept and "高龄津贴申请" not in by_dept
    by_event = client.get(f"/catalog/{FAMEN}/", {"event": "生育"}).content.decode()
    assert "生育登记" in by_event and "林木采伐许可证核发" not in by_event


def test_catalog_search_by_pinyin_initials(client, demo):
    page = client.get(f"/catalog/{FAMEN}/", {"q": "dbsq"}).content.decode()
    assert "最低生活保障（低保）申请" in page and "共 1 项" in page


def test_county_catalog_links_every_township(client, demo):
    page = client.get("/catalog/").content.decode()
    assert "扶风县" in page and "天度镇" in page and "法门镇" in page


@pytest.mark.parametrize("q", ["'\"<script>", "😀", "%_%", "a" * 10_000])
def test_catalog_page_survives_any_search(client, demo, q):
    response = client.get(f"/catalog/{FAMEN}/", {"q": q, "page": "x", "dept": "<b>", "event": "'"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_village_or_unknown_region_catalog_is_404(client, demo):
    assert client.get("/catalog/610324106200/").status_code == 404
    assert client.get("/catalog/abc/").status_code == 404


def _grow_catalog(extra: int):
    """Add `extra` published items to 法门镇 (copies of a standard item under new codes)."""
    template = Item.objects.get(code=DEMO_ITEMS["joint"])
    joints = list(template.joint_departments.all())
    for n in range(extra):
        template.pk = None
        template._state.adding = True
        template.code = f"GROW{n:04d}-{FAMEN}"
        template.save()
        template.joint_departments.set(joints)
        Material.objects.create(item=template, name="身份证")


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", [f"/catalog/{FAMEN}/", "/catalog/", f"/catalog/{FAMEN}/?q=sq", "/api/v1/items?region=610324000000"]
)
def test_list_pages_use_a_constant_number_of_queries(client, demo, url, django_assert_max_num_queries):
    small = _count(client, url)
    _grow_catalog(40)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert small <= 8


def test_guide_page_uses_a_constant_number_of_queries(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(f"/guide/{DEMO_ITEMS['joint']}/")


def test_demo_standard_list_is_the_source_of_each_township_catalog():
    assert len(STANDARDS) >= 30
    assert len({s.basic_code for s in STANDARDS}) == len(STANDARDS)


def test_county_catalog_has_one_row_per_standard_item_with_every_township_that_does_it(client, demo):
    published = Item.objects.published()
    standards = published.values("basic_code").distinct().count()
    html = client.get("/catalog/").content.decode()
    assert f"共 {standards} 项" in html
    assert html.count("standard-row") == min(standards, 30)
    # 高龄津贴 is done in every township: one row, a link to each township's own guide.
    row = html.split("高龄津贴申请", 1)[1].split("</li>", 1)[0]
    for item in published.filter(name="高龄津贴申请"):
        assert f'href="/guide/{item.code}/"' in row
    assert "法门镇" in row and "天度镇" in row


def test_county_catalog_pages_through_the_standard_items(client, demo):
    standards = Item.objects.published().values("basic_code").distinct().count()
    last = -(-standards // 30)
    html = client.get("/catalog/", {"page": last}).content.decode()
    assert html.count("standard-row") == standards - 30 * (last - 1)
    assert f"第 {last} / {last} 页" in html


def test_county_catalog_queries_do_not_grow_with_standards_or_townships(
    client, demo, django_assert_max_num_queries
):
    small = _count(client, "/catalog/")
    template = Item.objects.get(code=DEMO_ITEMS["joint"])
    joints = list(template.joint_departments.all())
    townships = set(Item.objects.published().values_list("region_id", flat=True))
    for n in range(40):  # 40 new standards, each in every township, on the first page
        for region in townships:
            template.pk = None
            template._state.adding = True
            template.code, template.basic_code, template.region_id = f"A{n:03d}-{region}", f"A{n:03d}", region
            template.save()
            template.joint_departments.set(joints)
    with django_assert_max_num_queries(small):
        html = client.get("/catalog/").content.decode()
    assert html.count("standard-row") == 30
