"""The citizens' home page at "/": find an item, track a case, call a center; staff have a quiet door."""

import re

import pytest
from django.test import Client

from bianmin.catalog.demo import DEMO_ITEMS

FAMEN = "610324106000"


def test_home_is_public_with_search_tracking_form_and_every_center_phone(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/catalog/"' in html and 'name="q"' in html
    assert 'action="/track/"' in html and 'name="number"' in html and 'name="code"' in html
    assert 'href="tel:0917-5212345"' in html  # the county center
    assert "法门镇便民服务中心" in html and "天度镇便民服务中心" in html
    assert "周一至周五 8:30–12:00" in html
    assert "工作人员登录" in html and "进入工作台" not in html
    assert "评价" not in html  # no rating slot until ratings exist


def test_signed_in_staff_reach_their_workbench_from_the_home_page(demo):
    client = Client()
    client.post("/accounts/login/", {"username": "famen_clerk", "password": "Demo@2026"})
    html = client.get("/").content.decode()
    assert '<a href="/workbench/">进入工作台</a>' in html and "工作人员登录" not in html


def test_sign_in_lands_on_the_workbench(demo):
    response = Client().post("/accounts/login/", {"username": "famen_clerk", "password": "Demo@2026"})
    assert response.status_code == 302 and response["Location"] == "/workbench/"


def test_track_without_a_number_shows_the_number_and_code_form(client, demo):
    response = client.get("/track/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="number"' in html and 'name="code"' in html


def test_the_form_sends_the_villager_to_the_tracking_page_of_that_number(client, demo):
    response = client.get("/track/", {"number": " fm-20260302-0001 ", "code": "123456"})
    assert response.status_code == 302
    assert response["Location"] == "/track/FM-20260302-0001/?code=123456"


@pytest.mark.parametrize("number", ["../admin", "FM/1", "中文", "x" * 200, "<b>"])
def test_a_number_that_cannot_be_one_is_a_form_error_not_a_crash(client, demo, number):
    response = client.get("/track/", {"number": number, "code": "123456"})
    assert response.status_code == 400
    assert "办件编号或查询码不正确" in response.content.decode()


def test_a_half_filled_form_asks_for_both(client, demo):
    response = client.get("/track/", {"number": "FM-20260302-0001"})
    assert response.status_code == 400 and "请填写办件编号和查询码" in response.content.decode()


PUBLIC_PAGES = ["/", "/catalog/", f"/catalog/{FAMEN}/", f"/guide/{DEMO_ITEMS['joint']}/", "/track/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_the_large_text_switch_and_no_inline_script(client, demo, url):
    html = client.get(url).content.decode()
    assert "data-large-text-toggle" in html and "大字模式" in html
    assert "portal/large_text" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # the CSP will forbid inline scripts


def test_large_text_switch_works_without_script_and_is_remembered(client, demo):
    response = client.post("/display/large-text/", {"next": "/catalog/?q=dbsq"})
    assert response.status_code == 302 and response["Location"] == "/catalog/?q=dbsq"
    assert response.cookies["bianmin_large_text"].value == "1"
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans" class="large-text">' in html and 'aria-pressed="true"' in html

    client.post("/display/large-text/", {"next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html and 'aria-pressed="false"' in html


def test_large_text_switch_never_sends_the_visitor_off_site(client, demo):
    response = client.post("/display/large-text/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/display/large-text/").status_code == 405


@pytest.mark.parametrize("url", ["/catalog/", f"/catalog/{FAMEN}/", f"/guide/{DEMO_ITEMS['joint']}/"])
def test_no_public_page_promises_online_application_while_there_is_none(client, demo, url):
    html = client.get(url).content.decode()
    assert "可网办" not in html and "网上办理" not in html and "网办" not in html


def test_home_page_reads_the_centers_in_one_query(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the centers; a session lookup at most
        assert client.get("/").status_code == 200


def test_a_search_from_home_lands_on_one_row_per_item_with_every_township(client, demo):
    html = client.get("/catalog/", {"q": "dbsq"}).content.decode()
    assert "共 1 项" in html and html.count("standard-row") == 1
    assert html.count('href="/guide/') >= 8  # one guide per township that does it
