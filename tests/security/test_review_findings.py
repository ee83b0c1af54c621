"""What a read-only review found after the probe's fixes: each test failed before its fix."""

import datetime as dt

import pytest

from bianmin.core import throttle
from tests.cases.factories import intake, make_item, material_id


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/track/FM%00X?code=123456",
        "/api/v1/items/%00",
        "/api/v1/cases?q=%00",
        "/api/v1/cases?center=%00",
        "/api/v1/cases/FM%00X",
        "/api/v1/proxy/register?agent=%00",
    ],
)
def test_a_nul_in_the_address_is_a_422_naming_it_not_a_database_error(api, now, path):
    # PostgreSQL refuses NUL in text (SQLite stores it): refused before any lookup, on both.
    r = api("famen_clerk").get(path)
    assert r.status_code == 422, r.content
    assert r.json()["error"]["fields"]


def test_a_nul_in_a_public_page_address_is_a_400_page(client, demo):
    assert client.get("/track/FM%00X/?code=1").status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", ""])
def test_an_api_body_not_declared_as_json_is_checked_like_json(client, demo, content_type):
    r = client.post(
        "/api/v1/auth/token", data='{"username": "a\\u0000b", "password": "x"}', content_type=content_type
    )
    assert r.status_code == 422 and "username" in r.json()["error"]["fields"]


def test_received_from_the_first_day_there_is_is_no_500(api, now):
    r = api("famen_clerk").get("cases?received_from=0001-01-01&received_to=0001-01-01")
    assert r.status_code == 200 and r.json()["count"] == 0
    assert api("famen_clerk").get("cases?received_from=0001-01-01").status_code == 200


def test_a_material_listed_twice_for_supplement_is_refused(api, now):
    clerk = api("famen_clerk")
    item = make_item("promised")
    number = clerk.post("cases", intake(item)).json()["number"]
    hukou = material_id(item, "户口簿")
    twice = [{"material": hukou, "reason": "复印件模糊"}, {"material": hukou, "reason": "复印件模糊"}]
    r = clerk.post(f"cases/{number}/actions/request_supplement", {"missing": twice})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"missing.1.material": "材料重复"}
    assert clerk.get(f"cases/{number}").json()["state"] == "received"


class _Vanished:
    """Failure rows counted (7), then cleared by a successful login before they are read."""

    def count(self):
        return 7

    def order_by(self, *fields):
        return self

    def values_list(self, *fields, flat=False):
        return []


def test_the_throttle_lets_through_when_failures_vanish_between_count_and_read():
    assert throttle.wait_seconds(_Vanished(), 5, dt.timedelta(minutes=15)) == 0
