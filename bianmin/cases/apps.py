from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "bianmin.cases"
    verbose_name = "办件"

    def ready(self):
        from bianmin.cases import notices  # noqa: F401  (the applicant's notices subscribe to the hooks)
        from bianmin.cases.actions.registry import register_event_labels

        register_event_labels({"receive": "收件", "reveal": "查看完整证件号码", "upload": "上传扫描件"})
