from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "bianmin.supervision"
    verbose_name = "电子监察"

    def ready(self):
        # Orders and answers are events on the subject case's timeline; steps follow the case's clock.
        from bianmin.cases.actions.registry import register_event_labels
        from bianmin.supervision import hooks, tasks  # noqa: F401  (subscribes; declares the periodic task)

        register_event_labels(hooks.EVENT_LABELS)
        from bianmin.cases.tracking import register_public_words

        # The applicant learns that the county is pressing on their case; answers and cards stay internal.
        register_public_words(
            {"supervision_order": "县效能监察已对本件发出督办，要求有关单位抓紧办理并按期回告。"},
            internal=("supervision_answer", "supervision_closed", "supervision_red", "supervision_returned"),
        )
