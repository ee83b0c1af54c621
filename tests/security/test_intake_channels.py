"""Who files decides the channel: an agent by proxy, a citizen account online, window staff at the window,
by phone or on the mobile desk."""

import pytest
from cases.factories import intake, make_item
from proxy.factories import proxy_intake


@pytest.mark.parametrize("channel", ["window", "online", "phone", "mobile"])
def test_an_agent_files_by_proxy_only(api, now, channel):
    r = api("famen_agent").post("cases", proxy_intake(make_item("promised"), channel=channel))
    assert r.status_code == 422 and "channel" in r.json()["error"]["fields"]


@pytest.mark.parametrize("username", ["famen_clerk", "famen_director"])
@pytest.mark.parametrize("channel", ["online", "proxy"])
def test_window_staff_file_by_window_phone_or_mobile_only(api, now, username, channel):
    r = api(username).post("cases", intake(make_item("promised"), channel=channel))
    assert r.status_code == 422 and "channel" in r.json()["error"]["fields"]


@pytest.mark.parametrize("channel", ["window", "phone", "mobile"])
def test_window_staff_may_use_window_phone_and_mobile(api, now, channel):
    assert api("famen_clerk").post("cases", intake(make_item("promised"), channel=channel)).status_code == 201
