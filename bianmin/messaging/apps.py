from django.apps import AppConfig


class MessagingConfig(AppConfig):
    # Not "messages": that label belongs to django.contrib.messages (flash messages), which we also use.
    name = "bianmin.messaging"
    verbose_name = "消息"

    def ready(self):
        from bianmin.messaging import notices  # noqa: F401  (the staff notices' receivers)
