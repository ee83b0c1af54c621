"""rebuild_stats: recompute the statistics rollups of a period from the cases and their timelines."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from bianmin.stats.rollup import case_span, rebuild


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "按办件及其时间线重算统计汇总（默认：全部办件的时间范围）"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="截止日期 YYYY-MM-DD（含）")

    def handle(self, *args, date_from=None, date_to=None, **options):
        span = case_span()
        if span is None and not (date_from and date_to):
            self.stdout.write("没有办件，无需重算")
            return
        first = _date(date_from) if date_from else span[0]
        last = _date(date_to) if date_to else span[1]
        if first > last:
            raise CommandError("起始日期不能晚于截止日期")
        started = time.monotonic()

        def progress(a, b, written):
            if options["verbosity"] > 1:
                self.stdout.write(f"{a:%Y-%m}：累计 {written} 行，{time.monotonic() - started:.0f} 秒")

        rows = rebuild(first, last, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"已重算 {first}～{last} 的统计，{rows} 行，用时 {time.monotonic() - started:.1f} 秒"
            )
        )
