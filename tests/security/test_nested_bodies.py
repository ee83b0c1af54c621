"""A nested object in a JSON body must be an object: "proxy": "x" is a 422 on proxy, not silently defaults."""

import pytest
from cases.factories import intake, make_item
from proxy.factories import proxy_intake


@pytest.mark.parametrize("value", ["x", 1, True, ["home_visit"]])
def test_a_proxy_that_is_not_an_object_is_a_422(api, now, value):
    r = api("famen_agent").post("cases", proxy_intake(make_item("promised"), proxy=value))
    assert r.status_code == 422, r.content
    assert "proxy" in r.json()["error"]["fields"]


def test_an_applicant_that_is_not_an_object_is_a_422_on_applicant(api, now):
    r = api("famen_clerk").post("cases", intake(make_item("promised"), applicant="张秀兰"))
    assert r.status_code == 422 and "applicant" in r.json()["error"]["fields"]


def test_a_proxy_object_or_none_is_still_taken(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    assert agent.post("cases", proxy_intake(item, n=1, proxy=None)).status_code == 201
    assert agent.post("cases", proxy_intake(item, n=2, proxy={"home_visit": True})).status_code == 201
