"""Restore a backup into an empty database and media folder, then check the timeline's hash chain."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bianmin.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份文件恢复到空的数据库和空的上传目录（先核对校验和），然后 migrate 并运行 verify_audit"
    # The target is empty: nothing to check against it yet.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup 生成的 tar.gz")

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(Path(options["archive"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            self.stdout.write(
                f"已恢复 {manifest['created_at']} 的备份（{len(manifest['files'])} 个文件），校验时间线……"
            )
        # A backup taken before the latest release: bring its schema up to this code before checking it.
        call_command("migrate", interactive=False, verbosity=0)
        call_command("verify_audit", verbosity=options["verbosity"])
