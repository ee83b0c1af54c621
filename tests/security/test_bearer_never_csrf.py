"""A request carrying a bearer token is never judged as a browser session: a bad token is a 401, never a
403 "CSRF check Failed", and a session cookie beside a bad token does not sign it in."""

import pytest
from cases.factories import intake, make_item
from django.test import Client

from bianmin.accounts.services import revoke_token
from bianmin.core import clock


def token_for(username: str) -> str:
    response = Client().post(
        "/api/v1/auth/token", {"username": username, "password": "Demo@2026"}, content_type="application/json"
    )
    return response.json()["token"]


def _post(client, token, path="/api/v1/cases"):
    return client.post(path, intake(make_item("promised")), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def _unauthorized(response):
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("token", ["not-a-token", ""])
def test_a_bad_token_on_a_post_is_401(demo, now, token):
    _unauthorized(_post(Client(enforce_csrf_checks=True), token))


def test_a_revoked_token_on_a_post_is_401(demo, now):
    token = token_for("famen_clerk")
    revoke_token(token)
    _unauthorized(_post(Client(enforce_csrf_checks=True), token))


def test_an_expired_token_on_a_post_is_401(demo, now):
    token = token_for("famen_clerk")
    with clock.pinned("2027-03-02T09:15:00+08:00"):
        _unauthorized(_post(Client(enforce_csrf_checks=True), token))


def test_a_bad_token_beside_a_signed_in_session_is_still_401(demo, now):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="famen_clerk", password="Demo@2026")
    _unauthorized(_post(browser, "not-a-token"))
    assert browser.get("/api/v1/auth/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_good_token_on_a_post_needs_no_csrf(demo, now):
    assert _post(Client(enforce_csrf_checks=True), token_for("famen_clerk")).status_code == 201


def test_a_session_post_without_the_csrf_token_is_still_refused(demo, now):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="famen_clerk", password="Demo@2026")
    response = browser.post("/api/v1/cases", intake(make_item("promised")), content_type="application/json")
    assert response.status_code == 403
