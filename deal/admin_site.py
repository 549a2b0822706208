"""The Django admin at /admin/ is for superusers only, for the little that
/manage/ does not cover."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class DealAdminSite(admin.AdminSite):
    site_header = "Deal Conversations: Django admin"
    site_title = "Deal Conversations admin"

    def has_permission(self, request) -> bool:
        # "Is staff" alone is not enough: only superusers come in, and only
        # with the admin role (which holds no team), confirmed by a second admin.
        user = request.user
        return user.is_active and user.is_superuser and user.is_admin and not user.is_admin_waiting


class DealAdminConfig(AdminConfig):
    default_site = "deal.admin_site.DealAdminSite"
