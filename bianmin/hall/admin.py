from django.contrib import admin

from bianmin.hall.models import Appointment, HallSettings, Outreach, Slot, Ticket, TicketCategory


@admin.register(HallSettings)
class HallSettingsAdmin(admin.ModelAdmin):
    list_display = ["center", "slot_minutes", "slot_quota", "horizon_min", "horizon_max", "no_show_limit"]


@admin.register(TicketCategory)
class TicketCategoryAdmin(admin.ModelAdmin):
    list_display = ["center", "letter", "name", "priority", "active"]
    list_filter = ["center"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["center", "day", "number", "status", "window", "taken_at", "called_at"]
    list_filter = ["center", "status"]
    readonly_fields = ["case"]
    exclude = ["phone"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["center", "date", "start", "end", "quota", "booked"]
    list_filter = ["center"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["slot", "item", "status", "channel", "created_at"]
    list_filter = ["status", "channel"]
    exclude = ["phone", "code"]


@admin.register(Outreach)
class OutreachAdmin(admin.ModelAdmin):
    list_display = ["center", "place", "day_digits", "active"]
