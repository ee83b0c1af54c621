"""Read-only admin views of cases: corrections go through the services, never the admin."""

from django.contrib import admin

from bianmin.cases.models import Case, Event


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ("at", "actor_name", "role", "action", "from_state", "to_state", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "item", "center", "state", "case_class", "received_at", "deadline")
    list_filter = ("state", "case_class", "channel")
    search_fields = ("number",)
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
