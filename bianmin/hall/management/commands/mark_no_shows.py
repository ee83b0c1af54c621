"""End of day: appointments whose day passed without arrival become no-shows (count toward the bar)."""

from django.core.management.base import BaseCommand

from bianmin.hall.services import mark_no_shows


class Command(BaseCommand):
    help = "标记爽约：预约日已过仍未到场的预约记为爽约（每日营业结束后运行）"

    def handle(self, *args, **options):
        n = mark_no_shows()
        if options["verbosity"]:
            self.stdout.write(f"已标记爽约 {n} 条")
