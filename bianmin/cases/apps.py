from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "bianmin.cases"
    verbose_name = "办件"

    def ready(self):
        from bianmin.cases import notices  # noqa: F401  (the applicant's notices subscribe to the hooks)
        from bianmin.cases.actions.registry import register_event_labels

        register_event_labels({"receive": "收件", "reveal": "查看完整证件号码", "upload": "上传扫描件"})

        from django.db.models.signals import post_migrate, post_save

        from bianmin.cases import signals
        from bianmin.regions.models import Region

        post_migrate.connect(signals.partition_after_migrate, sender=self, dispatch_uid="cases_partition")
        post_save.connect(signals.partition_for_new_county, sender=Region, dispatch_uid="county_partition")
