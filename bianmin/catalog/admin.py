"""Django admin for the catalog (Chinese labels come from the models' verbose names)."""

from django.contrib import admin

from bianmin.catalog.models import Delegation, Field, Item, Material, TakeOn


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["position", "name", "issuer", "originals", "copies", "required", "deferrable", "standard"]


class FieldInline(admin.TabularInline):
    model = Field
    extra = 0
    fields = ["position", "code", "label", "datatype", "required", "choices"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "status", "region", "lead_department", "promised_limit_days"]
    list_filter = ["status", "item_type", "lead_department__kind", "region"]
    search_fields = ["code", "name", "search_key"]
    list_select_related = ["region", "lead_department"]
    autocomplete_fields = []
    filter_horizontal = ["joint_departments"]
    readonly_fields = ["search_key", "created_at", "updated_at"]
    inlines = [MaterialInline, FieldInline]


class TakeOnInline(admin.TabularInline):
    model = TakeOn
    extra = 0


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "basic_code", "region", "department", "delegated_on"]
    inlines = [TakeOnInline]
