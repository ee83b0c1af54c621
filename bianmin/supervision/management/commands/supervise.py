"""Run the 电子监察 sweep once (default: today); running it twice for one day raises nothing new."""

import datetime as dt

from django.core.management.base import BaseCommand

from bianmin.core import clock
from bianmin.supervision.models import WarningKind
from bianmin.supervision.sweep import run


class Command(BaseCommand):
    help = "电子监察巡查：预警、黄牌、督办单、红牌；同一天重复执行不会重复生成"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD，默认今天")

    def handle(self, *args, **options):
        day = options.get("date")
        if day and day != clock.today():
            # Timestamps (orders, timeline events) belong to the swept day, not to when the command ran.
            with clock.pinned(dt.datetime.combine(day, dt.time(1, 5), tzinfo=clock.SHANGHAI)):
                raised = run(day)
        else:
            raised = run(day)
        if options["verbosity"]:
            labels = dict(WarningKind.choices)
            parts = [f"{labels.get(k, k)} {n}" for k, n in sorted(raised.items())] or ["无新增"]
            self.stdout.write(f"{day or clock.today()} 巡查完成：" + "，".join(parts))
