from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "bianmin.inquiries"
    verbose_name = "咨询投诉工单"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps

        from bianmin.inquiries import notices  # noqa: F401  (subscribes the messages to the steps)

        if apps.is_installed("bianmin.supervision"):
            from bianmin.inquiries import supervision

            supervision.register()
