"""Online backup while the server runs: database + uploaded scans + manifest with checksums, as tar.gz."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bianmin.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "在线备份（服务不停）：SQLite 用在线备份接口，PostgreSQL 用 pg_dump --format=custom；"
        "连同上传文件目录和带 SHA-256 校验和的清单打包为 tar.gz"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="备份文件路径，如 backups/bianmin-20260301.tar.gz"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            manifest = create_backup(Path(options["output"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"已备份到 {options['output']}：{manifest['engine']} 数据库和 "
                    f"{len(manifest['files']) - 1} 个上传文件（{seconds:.2f} 秒）"
                )
            )
