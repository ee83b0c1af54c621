"""Read-only admin views: hand-offs are recorded by the services, never edited by hand."""

from django.contrib import admin

from bianmin.proxy.models import Handover, HandoverCase


class HandoverCaseInline(admin.TabularInline):
    model = HandoverCase
    extra = 0
    can_delete = False
    fields = ("case", "state", "note", "received_at", "received_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("id", "direction", "state", "village", "township", "agent", "created_at")
    list_filter = ("direction", "state")
    inlines = [HandoverCaseInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
