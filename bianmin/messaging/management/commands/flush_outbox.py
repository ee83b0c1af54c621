import datetime as dt

from django.core.management.base import BaseCommand

from bianmin.messaging.services import STALE_AFTER, requeue_stale


class Command(BaseCommand):
    help = "重新投递仍在待发送状态的消息（与每分钟的后台任务相同）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=float, default=STALE_AFTER.total_seconds(),
            help="只处理写入超过这么多秒的消息（默认 60）",
        )  # fmt: skip

    def handle(self, *args, older_than, **options):
        count = requeue_stale(dt.timedelta(seconds=older_than))
        self.stdout.write(f"已重新投递 {count} 条待发送消息")
