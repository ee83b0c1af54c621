from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "bianmin.ratings"
    verbose_name = "好差评"

    def ready(self):
        # Ratings and rectification steps are events on the case's timeline; the pad is a device page; the
        # pad prompt and the SMS invitation follow the case actions through the hooks.
        from bianmin.cases.actions.registry import register_event_labels
        from bianmin.devices.models import DeviceKind
        from bianmin.devices.services import register_kind_page
        from bianmin.ratings import hooks  # noqa: F401  (subscribes to the case hooks)
        from bianmin.ratings.models import EVENT_LABELS

        register_event_labels(EVENT_LABELS)
        from bianmin.cases.tracking import register_public_words
        from bianmin.ratings.models import PRIVATE_EVENTS, PUBLIC_WORDS

        register_public_words(PUBLIC_WORDS, internal=PRIVATE_EVENTS)
        register_kind_page(DeviceKind.RATING_PAD, "ratings:pad")
        # The workbench card shows how many rectifications wait on this user's side (one COUNT).
        from bianmin.ratings.services import open_rectification_count
        from bianmin.workbench.views import COUNTERS

        COUNTERS["open_rectifications"] = open_rectification_count
        # Open rectifications reach the 电子监察 sweep and its manual orders (interfaces.md #2).
        from django.apps import apps

        if apps.is_installed("bianmin.supervision"):
            from bianmin.ratings import supervision

            supervision.register()
