"""Seal one day (default: yesterday) for every county with an anchor over its cases' chain heads."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bianmin.cases.audit import anchor_day, yesterday


class Command(BaseCommand):
    help = "为各县生成某日（默认昨天）的时间线日锚；可重复执行，已有的日锚不变"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD，默认昨天")

    def handle(self, *args, **options):
        day = options.get("date") or yesterday()
        try:
            results = anchor_day(day)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            for anchor, created in results:
                state = "已生成" if created else "已存在"
                self.stdout.write(
                    f"{anchor.county_id} {anchor.day} {state} {anchor.hash} （{anchor.heads_count} 个办件）"
                )
