"""The Django admin at /admin/, for superusers: staff accounts, teams and a
read-only view of the audit log. Staff are deactivated, never deleted."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from deal.models import AuditEvent, Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name", "created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["full_name", "email"]
    filter_horizontal = ["teams"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Who they are", {"fields": ["full_name", "role", "teams"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "teams", "password1", "password2"],
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_type", "object_id", "detail", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "user__email", "detail"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
