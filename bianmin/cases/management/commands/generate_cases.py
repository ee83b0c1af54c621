"""generate_cases: add N realistic cases to the demo county in bulk (load tests, query plans)."""

import time

from django.core.management.base import BaseCommand, CommandError

from bianmin.cases.generate import generate


class Command(BaseCommand):
    help = (
        "向演示县批量生成办件（各类型、渠道、状态按实际比例，含时间线、文书、好差评和工单），不经 HTTP；"
        "先运行 load_demo"
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="生成的办件数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（同一种子结果相同）")
        parser.add_argument("--batch", type=int, default=5000, help="每批写入的办件数")
        parser.add_argument(
            "--workers", type=int, default=1, help="并行进程数（仅 PostgreSQL；每个进程负责一部分中心）"
        )
        parser.add_argument("--no-materials", action="store_true", help="不生成办件材料行")
        parser.add_argument("--no-documents", action="store_true", help="不生成文书行（受理通知书等）")
        parser.add_argument("--no-ratings", action="store_true", help="不生成好差评和差评整改")
        parser.add_argument("--no-work-orders", action="store_true", help="不生成咨询投诉工单")

    def handle(
        self,
        *args,
        count,
        seed,
        batch,
        workers,
        no_materials,
        no_documents,
        no_ratings,
        no_work_orders,
        **options,
    ):
        if count < 0 or batch < 1:
            raise CommandError("--count 不能为负，--batch 至少为 1")
        started = time.monotonic()

        def progress(done, part):
            if options["verbosity"] and (done % max(batch, part // 10) < batch or done == part):
                self.stdout.write(f"{done}/{part} 件，{time.monotonic() - started:.0f} 秒")
                self.stdout.flush()

        try:
            written = generate(
                count, seed=seed, batch=batch, materials=not no_materials, workers=workers, progress=progress,
                documents=not no_documents, ratings=not no_ratings, work_orders=not no_work_orders,
            )  # fmt: skip
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"已生成 {written} 件办件，用时 {time.monotonic() - started:.1f} 秒")
            )
