from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "bianmin.devices"
    verbose_name = "大厅设备与窗口座席"
