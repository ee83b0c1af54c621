from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "bianmin.cases"
    verbose_name = "办件"
