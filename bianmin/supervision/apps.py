from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "bianmin.supervision"
    verbose_name = "电子监察"

    def ready(self):
        # Orders and answers are events on the subject case's timeline; steps follow the case's clock.
        from bianmin.cases.actions.registry import register_event_labels
        from bianmin.supervision import hooks, tasks  # noqa: F401  (subscribes; declares the periodic task)

        register_event_labels(hooks.EVENT_LABELS)
