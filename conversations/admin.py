"""The Django admin at /admin/, for superusers: themes are managed here.
Conversations and actions are worked with through the service's own pages,
which check the team and write the audit log."""

from django.contrib import admin

from conversations.models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Switched off, never deleted: past conversations keep their themes.
        return False
