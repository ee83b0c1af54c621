"""`manage.py supervise` and the huey task run the same sweep; the figures count what the ledger shows."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.supervision.figures import figures, person_figures
from bianmin.supervision.models import Card, SweepRun
from bianmin.supervision.tasks import supervise_daily

from .conftest import accepted_case, sweep_on

pytestmark = pytest.mark.django_db


def test_command_twice_for_a_day_raises_once(api):
    accepted_case(api)  # deadline 10/10
    out = StringIO()
    call_command("supervise", "--date", "2026-10-11", stdout=out)
    call_command("supervise", "--date", "2026-10-11", stdout=out)
    lines = out.getvalue().splitlines()
    assert "超期未办结 1" in lines[0] and lines[1].endswith("无新增")
    assert SweepRun.objects.get(day=dt.date(2026, 10, 11)).runs == 2
    # Timestamps belong to the swept day.
    assert Card.objects.get().order.issued_at.astimezone(clock.SHANGHAI).date() == dt.date(2026, 10, 11)


def test_periodic_task_is_the_same_sweep(api):
    accepted_case(api)

    with clock.pinned("2026-10-11T01:05:00+08:00"):
        assert supervise_daily.call_local() == {"overdue": 1}
        assert supervise_daily.call_local() == {}


def test_figures_count_orders_and_cards_of_the_subtree(api):
    accepted_case(api)
    for day in ["2026-10-11", "2026-10-14"]:
        sweep_on(day, times=1)
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    expected = {
        "orders": 1,
        "orders_answered_on_time": 0,
        "orders_open": 1,
        "yellow_cards": 1,
        "red_cards": 1,
    }
    assert figures("610324000000", *october) == expected
    assert figures("610324106000", *october) == expected
    assert figures("610324100000", *october)["orders"] == 0  # 天度镇
    uid = User.objects.get(username="famen_minzheng").pk
    assert person_figures([uid], *october)[uid] == expected
