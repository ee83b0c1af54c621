from django.apps import AppConfig


class MessagingConfig(AppConfig):
    # Not "messages": that label belongs to django.contrib.messages (flash messages), which we also use.
    name = "bianmin.messaging"
    verbose_name = "消息"
