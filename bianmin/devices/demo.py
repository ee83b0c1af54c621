"""Demo seats: each township clerk sits at their center's window 1, so the pad and the caller work at once."""

from bianmin.accounts.models import User
from bianmin.devices import services
from bianmin.devices.models import Seat
from bianmin.regions.models import Window

SEATED = {"famen_clerk": "法门镇", "tiandu_clerk": "天度镇"}


def load() -> None:
    for username, township in SEATED.items():
        user = User.objects.filter(username=username).first()
        window = Window.objects.filter(center__region__name=township, number=1).first()
        if user is None or window is None or Seat.objects.filter(user=user, until__isnull=True).exists():
            continue
        services.take_seat(user, window)
