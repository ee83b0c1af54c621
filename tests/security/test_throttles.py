"""Failed logins and tracking guesses are counted per (address, username/number) with a slower ceiling per
address, so one address behind a township's NAT cannot lock everybody out, and the 429 says how long to wait."""

import datetime as dt

from cases.factories import intake, make_item
from django.test import Client

from bianmin.accounts.models import LoginFailure
from bianmin.cases.models import TrackFailure
from bianmin.core import clock

PASSWORD = "Demo@2026"


def _token(username, password, address):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_random_usernames_from_one_address_do_not_lock_out_a_colleague_there(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for n in range(25):
        assert _token(f"nobody{n}", "wrong", "10.0.0.1").status_code == 401
    assert _token("famen_clerk", PASSWORD, "10.0.0.1").status_code == 200


def test_failures_for_a_username_elsewhere_do_not_lock_its_owner_out(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        _token("famen_clerk", "wrong", "203.0.113.9")
    assert _token("famen_clerk", "wrong", "203.0.113.9").status_code == 429
    assert _token("famen_clerk", PASSWORD, "10.0.0.1").status_code == 200


def test_a_username_guessed_from_many_addresses_is_throttled_everywhere(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    LoginFailure.objects.bulk_create(
        LoginFailure(username="famen_clerk", address=f"198.51.100.{n}", at=clock.now()) for n in range(20)
    )
    assert _token("famen_clerk", PASSWORD, "10.0.0.1").status_code == 429


def test_an_address_reaching_the_ceiling_is_throttled_with_the_wait_in_chinese(demo, now, settings):
    LoginFailure.objects.bulk_create(
        LoginFailure(username=f"nobody{n}", address="10.0.0.1", at=clock.now() - dt.timedelta(minutes=5))
        for n in range(settings.LOGIN_ADDRESS_CEILING)
    )
    response = _token("famen_clerk", PASSWORD, "10.0.0.1")
    assert response.status_code == 429
    assert "10 分钟后再试" in response.json()["error"]["message"]
    assert _token("famen_clerk", PASSWORD, "10.0.0.2").status_code == 200


def test_the_login_page_shows_the_wait(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    browser = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        browser.post("/accounts/login/", {"username": "famen_clerk", "password": "wrong"})
    response = browser.post("/accounts/login/", {"username": "famen_clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert "15 分钟后再试" in response.content.decode()


def _track(number, code, address):
    return Client(REMOTE_ADDR=address).get(f"/api/v1/track/{number}?code={code}")


def _case(api):
    return api("famen_clerk").post("cases", intake(make_item("promised"))).json()


def test_wrong_codes_from_other_addresses_do_not_lock_a_case_number(api, now):
    case = _case(api)
    for n in range(30):
        assert _track(case["number"], f"{n:06d}x", f"10.0.{n}.1").status_code == 404
    assert _track(case["number"], case["query_code"], "10.9.9.9").status_code == 200


def test_guessing_one_number_from_one_address_is_throttled_with_the_wait(api, now):
    case = _case(api)
    for n in range(10):
        assert _track(case["number"], f"{n:06d}x", "10.0.0.1").status_code == 404
    blocked = _track(case["number"], case["query_code"], "10.0.0.1")
    assert blocked.status_code == 429 and "15 分钟后再试" in blocked.json()["error"]["message"]
    page = Client(REMOTE_ADDR="10.0.0.1").get(f"/track/{case['number']}/?code={case['query_code']}")
    assert page.status_code == 429 and "15 分钟后再试" in page.content.decode()


def test_walking_many_numbers_from_one_address_hits_the_ceiling(api, now):
    from bianmin.cases.tracking import ADDRESS_CEILING

    case = _case(api)
    TrackFailure.objects.bulk_create(
        TrackFailure(address="10.0.0.1", number=f"FM-20260302-{n:04d}", at=clock.now())
        for n in range(100, 100 + ADDRESS_CEILING)
    )
    assert _track(case["number"], case["query_code"], "10.0.0.1").status_code == 429
    assert _track(case["number"], case["query_code"], "10.0.0.2").status_code == 200
