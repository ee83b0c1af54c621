from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bianmin.core"
    verbose_name = "基础"
