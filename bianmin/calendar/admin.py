"""Django admin: the calendar tables, read-only.

Edits go through the 工作日历 page (bianmin.calendar.services) so each one is validated and bumps the
revision every process watches; a change saved here would be invisible to running workers.
"""

from django.contrib import admin

from bianmin.calendar.models import CalendarDay, CalendarRevision, CalendarYear
from bianmin.core.admin import ReadOnlyAdmin


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "confirmed", "source", "updated_at", "updated_by"]
    list_filter = ["confirmed"]
    list_select_related = ["updated_by"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "region", "updated_at", "updated_by"]
    list_filter = ["kind", ("region", admin.EmptyFieldListFilter), "year"]
    search_fields = ["name", "region__name", "region__code"]
    date_hierarchy = "date"
    list_select_related = ["region", "updated_by"]


@admin.register(CalendarRevision)
class CalendarRevisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "token", "changed_at"]
