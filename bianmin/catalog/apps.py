from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "bianmin.catalog"
    verbose_name = "事项清单"
