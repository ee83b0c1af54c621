"""The B岗代办 queue reads in constant queries; proxy duty days move into the roster by a data migration."""

import datetime as dt
from importlib import import_module

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.duty import services
from bianmin.duty.models import Status, WeeklyDuty
from bianmin.proxy.models import DutyDay
from tests.cases_web.helpers import accepted


def test_the_standin_queue_runs_a_constant_number_of_queries(signed_in, now, django_assert_max_num_queries):
    minzheng = User.objects.get(username="famen_minzheng")
    services.set_whereabouts(minzheng, minzheng, Status.LEAVE, until=clock.now() + dt.timedelta(days=1))
    for n in range(3):
        accepted(n=n)
    client = signed_in("famen_director")
    client.get("/cases/queue/standin/")  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        response = client.get("/cases/queue/standin/")
    assert len(response.context["rows"]) == 3
    for n in range(3, 30):
        accepted(n=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/cases/queue/standin/")
    assert len(response.context["rows"]) >= 10


def test_proxy_duty_days_become_weekly_duties_at_the_agents_station(demo):
    agent = User.objects.get(username="famen_agent")
    WeeklyDuty.objects.all().delete()
    DutyDay.objects.create(agent=agent, weekday=5, hours="9:00–11:00", place="法门村便民服务站（周六）")
    migration = import_module("bianmin.duty.migrations.0002_weekly_duty_from_proxy")
    migration.forward(apps, None)
    duty = WeeklyDuty.objects.select_related("post__center").get(user=agent)
    assert (duty.weekday, duty.hours, duty.place) == (5, "9:00–11:00", "法门村便民服务站（周六）")
    assert duty.post.kind == "station" and duty.post.center.region_id == "610324106200"
    assert duty.post.holder == agent
    migration.forward(apps, None)  # running again changes nothing
    assert WeeklyDuty.objects.filter(user=agent).count() == 1
