from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "bianmin.hall"
    verbose_name = "大厅：取号叫号、预约与赶集服务"

    def ready(self):
        from bianmin.cases.actions.registry import register_event_labels
        from bianmin.devices.models import DeviceKind
        from bianmin.devices.services import register_kind_page
        from bianmin.hall import hooks  # noqa: F401  (links tickets and outreach to received cases)

        register_kind_page(DeviceKind.TICKET_KIOSK, "hall:kiosk")
        register_kind_page(DeviceKind.HALL_SCREEN, "hall:screen")
        register_event_labels(hooks.EVENT_LABELS)
        from bianmin.cases.tracking import register_public_words

        register_public_words(
            {
                "hall_ticket": "您在大厅取号后，窗口按号叫到您并收下了申请。",
                "outreach_intake": "工作人员在赶集（流动）服务点收下了您的申请。",
            }
        )
