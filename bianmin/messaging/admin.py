"""Read-only admin view of the outbox: what was sent to whom, when, and what failed."""

from django.contrib import admin

from bianmin.messaging.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "template", "phone", "state", "attempts", "sent_at", "case")
    list_filter = ("state", "template")
    search_fields = ("case__number", "phone")
    raw_id_fields = ("case",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
