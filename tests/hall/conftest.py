"""Hall fixtures: 法门镇's center, a kiosk and a screen with their tokens, the clerk seated at window 1."""

import pytest

from bianmin.accounts.models import User
from bianmin.devices import services as devices
from bianmin.devices.models import DeviceKind
from bianmin.regions.models import Center, Window


@pytest.fixture
def famen(demo):
    return Center.objects.select_related("region").get(region__name="法门镇", level="township")


@pytest.fixture
def kiosk_token(famen):
    director = User.objects.get(username="famen_director")
    return devices.issue(director, famen, DeviceKind.TICKET_KIOSK, "大厅取号机")[1]


@pytest.fixture
def screen_token(famen):
    director = User.objects.get(username="famen_director")
    return devices.issue(director, famen, DeviceKind.HALL_SCREEN, "大厅屏")[1]


@pytest.fixture
def window1(famen):
    return Window.objects.get(center=famen, number=1)


@pytest.fixture
def clerk(window1):
    user = User.objects.get(username="famen_clerk")
    devices.take_seat(user, window1)
    return user
