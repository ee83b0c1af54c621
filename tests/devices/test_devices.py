"""Hall devices (评价器, 取号机, 大厅显示屏) open with a per-device token; clerks choose their window."""

import re

from bianmin.accounts.models import User
from bianmin.devices import services
from bianmin.devices.models import Device, DeviceKind, Seat
from bianmin.regions.models import Window

PASSWORD = "Demo@2026"


def _login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def _famen_window(number=1):
    return Window.objects.get(center__region__name="法门镇", number=number)


def test_director_issues_a_pad_whose_link_opens_once_and_stops_when_revoked(client, demo):
    _login(client, "famen_director")
    window = _famen_window()
    response = client.post(
        "/manage/devices/",
        {
            "center": window.center_id,
            "kind": DeviceKind.RATING_PAD,
            "window": window.pk,
            "name": "1号窗口评价器",
        },
    )
    assert response.status_code == 302
    page = client.get("/manage/devices/").content.decode()
    link = re.search(r"http://testserver(/device/[\w-]+/)", page).group(1)
    assert "1号窗口评价器" in page and "使用中" in page
    # The link is shown once: the next visit no longer has it.
    assert link not in client.get("/manage/devices/").content.decode()
    device = Device.objects.get()
    assert device.token_hash not in page and link.split("/")[2] != device.token_hash

    tablet = client.__class__()
    opened = tablet.get(link)
    assert opened.status_code in (200, 302)
    raw = opened.cookies[services.COOKIE].value
    assert services.device_for_token(raw, DeviceKind.RATING_PAD) == device
    assert services.device_for_token(raw, DeviceKind.HALL_SCREEN) is None  # a pad is not a screen

    assert client.post(f"/manage/devices/{device.pk}/revoke/").status_code == 302
    assert services.device_for_token(raw) is None
    assert tablet.get(link).status_code == 404


def test_a_pad_needs_a_window_and_bad_input_stores_nothing(client, demo):
    _login(client, "famen_director")
    center = _famen_window().center_id
    response = client.post(
        "/manage/devices/", {"center": center, "kind": DeviceKind.RATING_PAD, "name": "评价器"}
    )
    assert response.status_code == 422 and "评价器必须属于一个窗口" in response.content.decode()
    response = client.post("/manage/devices/", {"center": center, "kind": "toaster", "name": "x"})
    assert response.status_code == 422 and "未知的设备类别" in response.content.decode()
    assert not Device.objects.exists()


def test_other_townships_devices_are_invisible_and_unrevocable(client, demo):
    director = User.objects.get(username="famen_director")
    device, _ = services.issue(director, _famen_window().center, DeviceKind.HALL_SCREEN, "大厅屏")
    tiandu_window = Window.objects.get(center__region__name="天度镇", number=1)
    # 天度镇's clerk can neither manage devices nor revoke 法门镇's.
    _login(client, "tiandu_clerk")
    assert client.get("/manage/devices/").status_code == 403
    assert client.post(f"/manage/devices/{device.pk}/revoke/").status_code == 403
    # Nor sit at 法门镇's window.
    assert client.post("/workbench/seat/", {"window": _famen_window().pk}).status_code == 404
    assert client.post("/workbench/seat/", {"window": tiandu_window.pk}).status_code == 302
    assert services.seat_of(User.objects.get(username="tiandu_clerk")) == tiandu_window


def test_a_clerk_sits_at_one_window_at_a_time_and_the_history_stays(client, demo):
    clerk = User.objects.get(username="famen_clerk")
    assert services.seat_of(clerk) == _famen_window()  # the demo seats the clerk at window 1
    second = _famen_window(2)
    services.take_seat(clerk, second)
    assert services.seat_of(clerk) == second and services.clerk_at(second) == clerk
    assert services.clerk_at(_famen_window()) is None
    assert Seat.objects.filter(user=clerk).count() == 2
    services.leave_seat(clerk)
    assert services.seat_of(clerk) is None


def test_ids_that_are_not_numbers_answer_404_not_500(client, demo):
    _login(client, "famen_director")
    for center in ("abc", "²", "9" * 40):
        response = client.post(
            "/manage/devices/", {"center": center, "kind": DeviceKind.HALL_SCREEN, "name": "x"}
        )
        assert response.status_code == 404
    center = _famen_window().center_id
    response = client.post(
        "/manage/devices/", {"center": center, "kind": DeviceKind.HALL_SCREEN, "window": "x", "name": "x"}
    )
    assert response.status_code == 422 and not Device.objects.exists()
    _login(client, "famen_clerk")
    assert client.post("/workbench/seat/", {"window": "abc"}).status_code == 404
