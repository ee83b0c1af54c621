"""Demo duty days for the two demo agents: the station's market-day mornings (逢集日)."""

from bianmin.accounts.models import User
from bianmin.proxy.models import DutyDay

DUTY = {
    "famen_agent": [(0, "9:00–12:00", "法门村便民服务站"), (3, "8:30–12:00", "法门村便民服务站（逢集）")],
    "tiandu_agent": [(1, "9:00–12:00", "天度村便民服务站"), (4, "8:30–12:00", "天度村便民服务站（逢集）")],
}


def load() -> None:
    for username, days in DUTY.items():
        agent = User.objects.filter(username=username).first()
        if agent is None:
            continue
        for weekday, hours, place in days:
            DutyDay.objects.update_or_create(
                agent=agent, weekday=weekday, defaults={"hours": hours, "place": place}
            )
