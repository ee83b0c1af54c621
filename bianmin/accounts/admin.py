"""Django admin for people, posts and tokens (the administrator's tools, in Chinese)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bianmin.accounts.models import ApiToken, LoginFailure, Post, User


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["region", "center", "department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "phone", "is_active", "is_superuser"]
    search_fields = ["username", "name", "phone"]
    fieldsets = BaseUserAdmin.fieldsets + (("本人信息", {"fields": ("name", "phone")}),)
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "center", "department", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__name"]
    autocomplete_fields = ["user", "region", "center", "department"]
    list_select_related = ["user", "region", "center", "department"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "address", "at"]
