"""The workbench shows only cards that lead somewhere; the API reference and raw usernames are for
administrators; every page carries the favicon."""

import re

import pytest
from django.test import Client

from bianmin.accounts.models import Role
from bianmin.workbench.areas import AREAS


def _page(username: str, url: str = "/workbench/") -> str:
    client = Client()
    assert client.login(username=username, password="Demo@2026")
    return client.get(url).content.decode()


@pytest.mark.parametrize("username", ["admin", "fufeng_supervisor", "famen_clerk", "famen_agent"])
def test_every_workbench_card_is_a_link(demo, username):
    html = _page(username)
    cards = re.findall(r'<section class="card area">\s*<h3>(.*?)</h3>', html, re.S)
    assert cards
    assert all(card.startswith("<a href=") for card in cards), cards


def test_the_supervisor_sees_no_card_for_what_is_not_built(demo):
    html = _page("fufeng_supervisor")
    unbuilt = [a.title for a in AREAS[Role.SUPERVISOR] if not a.url_name and not a.queue]
    for title in unbuilt:
        assert title not in html
    assert "代办台账" in html


@pytest.mark.parametrize("username", ["fufeng_supervisor", "famen_clerk", "famen_agent", "famen_minzheng"])
def test_staff_see_neither_the_api_reference_nor_their_username(demo, username):
    html = _page(username)
    assert "接口文档" not in html
    assert f">{username}<" not in html


def test_the_administrator_sees_both(demo):
    html = _page("admin")
    assert "接口文档" in html and ">admin<" in html


def test_pages_link_the_favicon(demo):
    assert 'rel="icon"' in _page("famen_agent")
    assert 'rel="icon"' in Client().get("/").content.decode()
