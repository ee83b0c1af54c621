from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bianmin.portal"
    verbose_name = "群众门户"
