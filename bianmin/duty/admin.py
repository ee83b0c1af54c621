from django.contrib import admin

from bianmin.duty.models import Attendance, DutyPost, DutySettings, RosterEntry, WeeklyDuty, Whereabouts


@admin.register(DutyPost)
class DutyPostAdmin(admin.ModelAdmin):
    list_display = ("name", "center", "kind", "holder", "backup", "is_active")
    list_filter = ("kind", "is_active")
    raw_id_fields = ("center", "window", "department", "holder", "backup")


@admin.register(WeeklyDuty)
class WeeklyDutyAdmin(admin.ModelAdmin):
    list_display = ("user", "post", "weekday", "hours", "place")
    raw_id_fields = ("user", "post")


@admin.register(DutySettings)
class DutySettingsAdmin(admin.ModelAdmin):
    list_display = ("center", "start", "end", "grace_minutes")
    raw_id_fields = ("center",)


class ReadOnly(admin.ModelAdmin):
    """Sign-ins, whereabouts and roster rows are written by their pages; the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(ReadOnly):
    list_display = ("day", "user", "center", "signed_in_at", "late", "signed_out_at")
    date_hierarchy = "day"


@admin.register(Whereabouts)
class WhereaboutsAdmin(ReadOnly):
    list_display = ("user", "status", "village", "until", "set_at", "set_by")


@admin.register(RosterEntry)
class RosterEntryAdmin(ReadOnly):
    list_display = ("day", "post", "user", "set_by")
    date_hierarchy = "day"
