from django.apps import AppConfig


class ProxyConfig(AppConfig):
    name = "bianmin.proxy"
    verbose_name = "村级全程代办"

    def ready(self):
        # The case timeline labels its events from one table; proxy hand-offs add their own rows to it.
        from bianmin.cases.lifecycle import ACTION_LABELS
        from bianmin.proxy.models import EVENT_LABELS

        ACTION_LABELS.update(EVENT_LABELS)
