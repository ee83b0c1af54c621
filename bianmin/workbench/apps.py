from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "bianmin.workbench"
    verbose_name = "工作台"
