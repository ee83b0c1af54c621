"""Django admin for the catalog, read-only: items change through the management pages' services, which
freeze published versions and check departments (the admin would skip both)."""

from django.contrib import admin

from bianmin.catalog.models import Delegation, Field, Item, Material, TakeOn
from bianmin.core.admin import ReadOnlyAdmin, ReadOnlyInline


class MaterialInline(ReadOnlyInline):
    model = Material
    fields = ["position", "name", "issuer", "originals", "copies", "required", "deferrable", "standard"]


class FieldInline(ReadOnlyInline):
    model = Field
    fields = ["position", "code", "label", "datatype", "required", "choices"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "version", "status", "region", "lead_department", "promised_limit_days"]
    list_filter = ["status", "item_type", "lead_department__kind", "region"]
    search_fields = ["code", "name", "search_key"]
    list_select_related = ["region", "lead_department"]
    inlines = [MaterialInline, FieldInline]


class TakeOnInline(ReadOnlyInline):
    model = TakeOn


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["name", "basic_code", "region", "department", "delegated_on"]
    inlines = [TakeOnInline]
