"""Build the demo county (扶风县) with its people; idempotent, so running it twice changes nothing."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app contributes a demo loader; order matters (regions before the people who work in them).
LOADERS = [
    "bianmin.regions.demo",
    "bianmin.accounts.demo",
    "bianmin.calendar.demo",
    "bianmin.catalog.demo",
    "bianmin.devices.demo",
    "bianmin.hall.demo",
    "bianmin.duty.demo",
    "bianmin.cases.demo",
    "bianmin.proxy.demo_cases",
    "bianmin.ratings.demo",
    "bianmin.inquiries.demo",
]
# Loaders of sample work (cases), which --no-cases leaves out: tests count cases from zero.
CASE_LOADERS = {
    "bianmin.cases.demo",
    "bianmin.proxy.demo_cases",
    "bianmin.ratings.demo",
    "bianmin.inquiries.demo",
}


class Command(BaseCommand):
    help = "加载演示数据：扶风县及其乡镇、村、中心、部门和演示账号（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-cases", action="store_true", help="只加载区划、人员、日历和事项，不生成演示办件"
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            for path in LOADERS:
                if options.get("no_cases") and path in CASE_LOADERS:
                    continue
                import_module(path).load()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("演示数据已就绪：扶风县（610324000000）"))
