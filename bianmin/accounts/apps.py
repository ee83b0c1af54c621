from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bianmin.accounts"
    verbose_name = "人员与岗位"
