from django.apps import AppConfig


class ProxyConfig(AppConfig):
    name = "bianmin.proxy"
    verbose_name = "村级全程代办"

    def ready(self):
        # The case timeline labels proxy hand-offs by name, and the proxy rules guard the case actions.
        from bianmin.cases.actions.registry import register_event_labels
        from bianmin.proxy import guards  # noqa: F401  (subscribes to the case hooks)
        from bianmin.proxy.models import EVENT_LABELS

        register_event_labels(EVENT_LABELS)
