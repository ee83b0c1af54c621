"""Recompute every timeline hash chain and every county anchor; exit 1 naming the first break."""

import time

from django.core.management.base import BaseCommand, CommandError

from bianmin.cases.audit import verify


class Command(BaseCommand):
    help = "校验办件时间线哈希链和各县日锚；发现断点时列出第一个被改动的办件编号和事件，并以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("--case", help="只校验这个办件编号")
        parser.add_argument("--county", help="只校验这个县（12 位区划代码）的办件和日锚")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            report = verify(case_number=options.get("case"), county=options.get("county"))
        except LookupError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        summary = (
            f"{report.cases} 个办件，{report.events} 条事件，{report.anchors} 个日锚（{seconds:.2f} 秒）"
        )
        if not report.ok:
            for found in report.breaks[1:20]:
                self.stderr.write(f"  另有断点：{found}")
            raise CommandError(f"时间线被改动：{report.breaks[0]}；共 {len(report.breaks)} 处断点。{summary}")
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"时间线完好：{summary}"))
