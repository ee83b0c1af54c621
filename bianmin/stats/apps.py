from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "bianmin.stats"
    verbose_name = "统计分析"

    def ready(self):
        # Subscribes the rollups to the case actions (same transaction) and to generate_cases.
        from bianmin.stats import rollup  # noqa: F401
