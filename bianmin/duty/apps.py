from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "bianmin.duty"
    verbose_name = "值班、AB岗、签到与去向"

    def ready(self):
        from bianmin.accounts import standins
        from bianmin.duty.services import StandinResolver

        standins.register(StandinResolver())
