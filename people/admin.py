"""People are worked with through the service's own pages, which check the team
and write the audit log; the Django admin only lists them for superusers."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from people.models import Person


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "team", "status"]
    list_filter = ["team", "status"]
    search_fields = ["search_names", "nhs_number", "postcode"]
    list_select_related = ["team"]
    readonly_fields = ["created_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
