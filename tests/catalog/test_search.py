"""Search by name, code, pinyin initials (every reading of polyphonic characters) and full pinyin."""

from urllib.parse import urlencode

import pytest

from bianmin.catalog.search import initials, search_key

from .factories import make_item


def _names(api, q, region="610324106000"):
    response = api().get("items?" + urlencode({"region": region, "q": q, "page_size": 200}))
    assert response.status_code == 200, response.content
    return [r["name"] for r in response.json()["results"]]


def test_dbsq_finds_the_subsistence_allowance_item(api):
    assert _names(api, "dbsq") == ["最低生活保障（低保）申请"]


def test_initials_of_the_full_name_and_upper_case_find_it_too(api):
    assert "最低生活保障（低保）申请" in _names(api, "ZDSHBZ")


def test_full_pinyin_and_chinese_and_code_find_items(api):
    assert "高龄津贴申请" in _names(api, "gaoling")
    assert "高龄津贴申请" in _names(api, "高龄")
    assert _names(api, "MZ05004-610324106000") == ["高龄津贴申请"]


@pytest.mark.parametrize("q", ["zdcjrhlbt", "cdcjrhlbt"])
def test_either_reading_of_a_polyphonic_character_finds_the_item(api, q):
    # 重 reads zhòng (重度) and chóng: both initials must work.
    assert "困难残疾人生活补贴和重度残疾人护理补贴申请" in _names(api, q)


def test_polyphonic_zhang_and_chang_both_work_for_a_new_item(api, db):
    make_item(name="长期护理保险待遇申请", code="TEST002-610324106000", basic_code="TEST002")
    assert "长期护理保险待遇申请" in _names(api, "cqhl")
    assert "长期护理保险待遇申请" in _names(api, "zqhl")


def test_initials_are_capped_for_names_full_of_polyphonic_characters():
    assert len(initials("重长行乐还朝差会重长行乐还朝差会")) <= 64
    assert len(search_key("重长行乐还朝差会" * 10)) < 20_000


@pytest.mark.parametrize(
    "q",
    [
        "'",
        '"',
        "'; DROP TABLE catalog_item; --",
        "%",
        "_",
        "\\",
        "😀🚀",
        "a" * 10_000,
        "低保" * 5000,
        "|",
        "   ",
    ],
)
def test_any_search_string_gets_a_normal_answer(api, q):
    response = api().get("items?" + urlencode({"q": q}))
    assert response.status_code == 200
    assert set(response.json()) == {"count", "results"}


def test_a_nul_in_the_search_is_refused_naming_the_field(api):
    # PostgreSQL cannot hold NUL in text: refused at the door on both databases (422, not a 500).
    response = api().get("items?" + urlencode({"q": "\x00"}))
    assert response.status_code == 422 and "q" in response.json()["error"]["fields"]


def test_percent_and_underscore_match_literally_not_as_wildcards(api):
    assert _names(api, "%") == [] and _names(api, "_") == []
