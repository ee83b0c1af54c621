"""Demo posts (AB岗), weekly duties, this month's and next month's roster, and sign-in settings.

法门镇: 1号综合受理窗口 A famen_clerk, B famen_director; 民政所 A famen_minzheng, B famen_director (the center
head backs up the 民政 post: a clerk of the window must not approve what they accepted, 受审分离); 人社所 A
famen_renshe; 法门村便民服务站 A famen_agent. 天度镇: 1号窗口 A tiandu_clerk; 天度村站 A tiandu_agent.
"""

import datetime as dt

from bianmin.accounts.models import User
from bianmin.cases.clock import current_calendar
from bianmin.core import clock
from bianmin.duty.models import DutyPost, DutySettings, PostKind, RosterEntry, WeeklyDuty
from bianmin.duty.services import month_days
from bianmin.regions.demo import center_code, department_code
from bianmin.regions.models import Center, Department, Window

FAMEN, TIANDU = "610324106000", "610324100000"

# The agents' regular station days (formerly proxy.DutyDay): weekday, hours, place.
WEEKLY = {
    "famen_agent": [(0, "9:00–12:00", "法门村便民服务站"), (3, "8:30–12:00", "法门村便民服务站（逢集）")],
    "tiandu_agent": [(1, "9:00–12:00", "天度村便民服务站"), (4, "8:30–12:00", "天度村便民服务站（逢集）")],
}
WINDOWS = {FAMEN: {1: ("famen_clerk", "famen_director")}, TIANDU: {1: ("tiandu_clerk", None)}}
DEPARTMENTS = {FAMEN: {"MZ": ("famen_minzheng", "famen_director"), "RS": ("famen_renshe", None)}}
STATIONS = {"610324106200": "famen_agent", "610324100200": "tiandu_agent"}
# The demo centers' networks (a documentation range; on a laptop, sign in with the wall QR instead).
NETWORK = "192.0.2.0/24"


def _user(username):
    return User.objects.filter(username=username).first() if username else None


def load() -> None:
    posts = []
    for township, windows in WINDOWS.items():
        center = Center.objects.get(code=center_code(township))
        DutySettings.objects.get_or_create(center=center, defaults={"networks": NETWORK})
        for number, (a, b) in windows.items():
            window = Window.objects.get(center=center, number=number)
            post, _ = DutyPost.objects.update_or_create(
                window=window,
                defaults={"center": center, "kind": PostKind.WINDOW, "name": f"{number}号{window.name}",
                          "holder": _user(a), "backup": _user(b)},
            )  # fmt: skip
            posts.append(post)
    for township, departments in DEPARTMENTS.items():
        for key, (a, b) in departments.items():
            dept = Department.objects.select_related("center").get(code=department_code(township, key))
            post, _ = DutyPost.objects.update_or_create(
                department=dept,
                defaults={"center": dept.center, "kind": PostKind.DEPARTMENT, "name": dept.short_name or dept.name,
                          "holder": _user(a), "backup": _user(b)},
            )  # fmt: skip
            posts.append(post)
    stations = {}
    for village, username in STATIONS.items():
        station = Center.objects.filter(region_id=village, level="village").first()
        agent = _user(username)
        if station is None or agent is None:
            continue
        post = DutyPost.objects.filter(center=station, kind=PostKind.STATION).first()
        if post is None:
            post = DutyPost.objects.create(
                center=station, kind=PostKind.STATION, name=f"{station.name}代办员", holder=agent
            )
        stations[username] = post
        for weekday, hours, place in WEEKLY[username]:
            WeeklyDuty.objects.update_or_create(
                user=agent, weekday=weekday, defaults={"post": post, "hours": hours, "place": place}
            )
    _roster(posts, stations)


def _roster(posts, stations) -> None:
    """This month and next: the A holders on working days, the agents on their weekly days."""
    calendar = current_calendar()
    first = clock.today().replace(day=1)
    now = clock.now()
    days = month_days(first) + month_days((first + dt.timedelta(days=32)).replace(day=1))
    wanted = []
    for day in days:
        if calendar.is_workday(day):
            wanted += [(p, p.holder, day) for p in posts if p.holder_id]
        for username, post in stations.items():
            if day.weekday() in {w for w, _, _ in WEEKLY[username]}:
                wanted.append((post, post.holder, day))
    taken = set(RosterEntry.objects.filter(day__gte=days[0], day__lte=days[-1]).values_list("user_id", "day"))
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(post=post, user=user, day=day, set_at=now)
            for post, user, day in wanted
            if (user.pk, day) not in taken
        ]
    )
