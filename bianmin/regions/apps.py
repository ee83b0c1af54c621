from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "bianmin.regions"
    verbose_name = "行政区划与机构"

    def ready(self):
        from bianmin.regions import services  # noqa: F401 - connects the cache invalidation signals
