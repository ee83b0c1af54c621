"""API tokens: issuance for every demo persona, wrong passwords, throttling that lifts, expiry, revocation."""

import datetime as dt

import pytest
from django.test import Client

from bianmin.accounts.demo import PASSWORD, PERSONA_HELP
from bianmin.core import clock

PERSONAS = [username for username, _ in PERSONA_HELP]
API_MD_PERSONAS = {
    "admin",
    "fufeng_supervisor",
    "fufeng_approver",
    "famen_clerk",
    "tiandu_clerk",
    "famen_director",
    "famen_minzheng",
    "famen_renshe",
    "famen_agent",
    "tiandu_agent",
}


def ask_token(username, password, client=None):
    return (client or Client()).post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def token_for(username: str) -> str:
    response = ask_token(username, PASSWORD)
    assert response.status_code == 200, response.content
    return response.json()["token"]


class ApiClient:
    """Calls /api/v1 with one bearer token (or none)."""

    def __init__(self, token: str | None = None):
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path):
        return Client().get(f"/api/v1/{path}", headers=self.headers)

    def post(self, path, data=None):
        return Client().post(
            f"/api/v1/{path}", data or {}, content_type="application/json", headers=self.headers
        )


def test_every_api_md_persona_is_in_the_demo():
    assert set(PERSONAS) == API_MD_PERSONAS


@pytest.mark.parametrize("username", PERSONAS)
def test_every_persona_gets_a_token_with_the_demo_password(demo, now, username):
    response = ask_token(username, PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert body["token"]
    assert body["user"]["username"] == username
    assert body["user"]["roles"]
    me = ApiClient(body["token"]).get("auth/me")
    assert me.status_code == 200 and me.json()["username"] == username


def test_token_carries_the_role_of_the_persona(demo, now):
    body = ask_token("famen_clerk", PASSWORD).json()
    assert body["user"] == {"username": "famen_clerk", "name": "孙受理", "roles": ["clerk"]}
    assert ask_token("admin", PASSWORD).json()["user"]["roles"] == ["admin"]


def test_wrong_password_is_401_in_the_error_shape(demo, now):
    response = ask_token("famen_clerk", "wrong-password")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_unknown_user_is_401_like_a_wrong_password(demo, now):
    assert ask_token("nobody_here", PASSWORD).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "famen_clerk"},
        {"username": "", "password": ""},
        {"username": "x" * 151, "password": "y"},
    ],
)
def test_incomplete_credentials_are_422_not_500(demo, now, body):
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_a_body_that_is_not_json_is_400(demo, now):
    response = Client().post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_repeated_wrong_passwords_are_throttled_with_429(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        assert ask_token("famen_clerk", "wrong").status_code == 401

    throttled = ask_token("famen_clerk", PASSWORD)

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "too_many_requests"


def test_throttle_lifts_when_the_window_has_passed(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    for _ in range(5):
        ask_token("famen_clerk", "wrong")
    assert ask_token("famen_clerk", PASSWORD).status_code == 429

    with clock.pinned(now + dt.timedelta(minutes=10)):
        assert ask_token("famen_clerk", PASSWORD).status_code == 429
    with clock.pinned(now + dt.timedelta(seconds=901)):
        assert ask_token("famen_clerk", PASSWORD).status_code == 200


def test_throttling_one_username_does_not_lock_out_a_colleague(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        ask_token("famen_clerk", "wrong")

    assert ask_token("famen_director", PASSWORD).status_code == 200


def test_a_successful_login_clears_earlier_failures(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(4):
        ask_token("famen_clerk", "wrong")
    assert ask_token("famen_clerk", PASSWORD).status_code == 200

    for _ in range(4):
        assert ask_token("famen_clerk", "wrong").status_code == 401
    assert ask_token("famen_clerk", PASSWORD).status_code == 200


def test_username_case_does_not_dodge_the_throttle(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for name in ("famen_clerk", "FAMEN_CLERK", "Famen_Clerk"):
        ask_token(name, "wrong")
    assert ask_token("famen_clerk", PASSWORD).status_code == 429


def test_no_token_on_a_protected_endpoint_is_401(demo, now):
    for path in ("auth/me", "staff"):
        response = ApiClient().get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


def test_a_made_up_token_is_401(demo, now):
    assert ApiClient("bm_not-a-real-token").get("auth/me").status_code == 401


def test_token_expires(demo, now, settings):
    settings.API_TOKEN_DAYS = 30
    token = token_for("famen_clerk")
    client = ApiClient(token)

    with clock.pinned(now + dt.timedelta(days=29)):
        assert client.get("auth/me").status_code == 200
    with clock.pinned(now + dt.timedelta(days=30, seconds=1)):
        assert client.get("auth/me").status_code == 401


def test_revoked_token_is_401_and_other_tokens_keep_working(demo, now):
    first, second = token_for("famen_clerk"), token_for("famen_clerk")

    assert ApiClient(first).post("auth/token/revoke").status_code == 204

    assert ApiClient(first).get("auth/me").status_code == 401
    assert ApiClient(second).get("auth/me").status_code == 200


def test_token_of_a_deactivated_user_is_401(demo, now, django_user_model):
    token = token_for("famen_clerk")
    django_user_model.objects.filter(username="famen_clerk").update(is_active=False)

    assert ApiClient(token).get("auth/me").status_code == 401


def test_tokens_are_stored_hashed(demo, now):
    from bianmin.accounts.models import ApiToken

    token = token_for("famen_clerk")

    stored = ApiToken.objects.get(user__username="famen_clerk")
    assert token not in (stored.key_hash, stored.prefix)
    assert not ApiToken.objects.filter(key_hash=token).exists()


def test_me_lists_the_posts_with_their_scope(api, now):
    body = api("famen_clerk").get("auth/me").json()
    assert body["posts"][0]["role"] == "clerk"
    assert body["posts"][0]["scope"] == "法门镇便民服务中心"
