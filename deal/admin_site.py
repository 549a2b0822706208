"""The Django admin at /admin/ is for superusers only, for the little that
/manage/ does not cover."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class DealAdminSite(admin.AdminSite):
    site_header = "Deal Conversations: Django admin"
    site_title = "Deal Conversations admin"

    def has_permission(self, request) -> bool:
        # "Is staff" alone is not enough: see User.reaches_django_admin.
        return getattr(request.user, "reaches_django_admin", False)


class DealAdminConfig(AdminConfig):
    default_site = "deal.admin_site.DealAdminSite"
