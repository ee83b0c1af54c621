from django.contrib import admin

from bianmin.devices.models import Device, Seat


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "center", "window", "prefix", "created_at", "revoked_at", "last_seen_at"]
    list_filter = ["kind", "center"]
    readonly_fields = [
        "token_hash",
        "prefix",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
        "last_seen_at",
    ]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["user", "window", "since", "until"]
    list_filter = ["window__center"]
