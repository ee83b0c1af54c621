from django.contrib import admin

from bianmin.regions.models import Center, Department, Region, Window


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    filter_horizontal = ["departments"]


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "region", "service_phone"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region"]
    inlines = [WindowInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "center", "phone"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region", "center"]
    list_select_related = ["region", "center"]
