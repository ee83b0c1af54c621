"""Every page carries a Content-Security-Policy with no inline scripts allowed, and no page relies on one."""

import re

import pytest
from cases.factories import intake, make_item
from django.test import Client
from proxy.factories import register, signature_png

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no CSP on {response.request['PATH_INFO']}"
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def _strict(response):
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", policy["default-src"])
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_STYLE.search(html), html[INLINE_STYLE.search(html).start() - 80 :][:200]


@pytest.fixture
def trail(api, now):
    clerk, agent = api("famen_clerk"), api("famen_agent")
    item = make_item("promised")
    case = clerk.post("cases", intake(item)).json()
    proxy_number = register(agent, item, 2)
    agent.post(
        f"proxy/cases/{proxy_number}/mandate",
        {"villager_name": "张秀兰", "villager_id_number": intake(item, n=2)["applicant"]["id_number"],
         "entrusted": "代办", "signature": signature_png()},
    )  # fmt: skip
    return {"item": item, "case": case, "proxy": proxy_number}


def _signed_in(username):
    browser = Client()
    assert browser.login(username=username, password="Demo@2026")
    return browser


def test_public_pages_carry_a_strict_policy(trail):
    anonymous = Client()
    case = trail["case"]
    for path in ("/accounts/login/", "/catalog/", f"/track/{case['number']}/?code={case['query_code']}",
                 f"/guide/{trail['item'].code}/"):  # fmt: skip
        response = anonymous.get(path)
        assert response.status_code == 200, path
        _strict(response)


def test_staff_pages_carry_a_strict_policy(trail):
    clerk = _signed_in("famen_clerk")
    number = trail["case"]["number"]
    for path in ("/workbench/", "/cases/new/", f"/cases/new/?item={trail['item'].code}", f"/cases/{number}/",
                 "/cases/queue/to-decide/"):  # fmt: skip
        response = clerk.get(path)
        assert response.status_code == 200, path
        _strict(response)
    admin = _signed_in("admin")
    for path in ("/calendar/", "/manage/catalog/", "/manage/catalog/import/", "/manage/catalog/delegations/"):
        response = admin.get(path)
        assert response.status_code == 200, path
        _strict(response)
    agent = _signed_in("famen_agent")
    for path in ("/proxy/", "/proxy/new/", f"/proxy/cases/{trail['proxy']}/",
                 f"/proxy/cases/{trail['proxy']}/mandate/", "/proxy/register/"):  # fmt: skip
        response = agent.get(path)
        assert response.status_code == 200, path
        _strict(response)


def test_printable_documents_allow_their_own_styles_but_no_script(trail):
    response = _signed_in("famen_clerk").get(f"/cases/{trail['proxy']}/documents/mandate/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_the_api_answers_carry_the_policy_too(api):
    _policy(Client().get("/api/v1/health"))
