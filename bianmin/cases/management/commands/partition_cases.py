"""Partition cases_case by county on an existing PostgreSQL database, or (--check) say whether it is."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bianmin.cases import partitioning


class Command(BaseCommand):
    help = (
        "把办件表（cases_case）按县分区（仅 PostgreSQL；已分区时不做任何事）；"
        "--check 只显示是否已分区及各分区的办件数"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查：是否已分区，各分区多少行")
        parser.add_argument("--database", default="default")

    def handle(self, *args, check=False, database="default", **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(f"按县分区只适用于 PostgreSQL（当前数据库：{connection.vendor}）")
        if not check:
            done = partitioning.partition_cases_by_county(connection)
            self.stdout.write("已按县分区。" if done else "办件表早已按县分区，未做改动。")
        if not partitioning.is_partitioned(connection):
            self.stdout.write("cases_case 未分区（普通表）。")
            return
        rows = partitioning.partition_rows(connection)
        self.stdout.write(f"cases_case 已按县分区（PARTITION BY LIST (county)），{len(rows)} 个分区：")
        for name, bound, count in rows:
            self.stdout.write(f"  {name:<32} {bound:<36} {count:>10} 行")
        self.stdout.write(f"  合计 {sum(c for _n, _b, c in rows)} 行")
