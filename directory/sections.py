"""What the directory adds to pages other apps draw (deal/sections.py): the
groups a person is connected to, on their profile; and a way into the
directory from My work."""

from __future__ import annotations

from deal.prepared import prepared
from deal.sections import NavItem, Section, register, register_navigation
from directory.models import Connection
from directory.permissions import reads_directory


def profile_groups(request, person) -> dict:
    """Each group the person is connected to once, with the latest action
    that connects them; retired groups stay, marked so."""
    groups = {}
    for connection in _connections_of(person_id=person.pk):
        groups.setdefault(connection.service_id, connection)
    return {"group_connections": list(groups.values()), "person": person}


@prepared
def _connections_of(*, person_id: int):
    # On every profile, so prepared (deal.prepared).
    return (
        Connection.objects.live()
        .filter(action__person=person_id)
        .select_related("service", "action")
        .order_by("service__name", "service_id", "-action__created_at", "-id")
    )


def my_work_link(request, subject) -> dict:
    return {}


def register_sections() -> None:
    # After people in their life (people, 50), before the timeline (90).
    register(
        "profile",
        Section("directory_groups", "directory/includes/profile_groups.html", profile_groups, 60),
    )
    register(
        "my_work_links",
        Section("directory", "directory/includes/my_work_link.html", my_work_link, 40),
    )
    register_navigation(
        NavItem(
            "directory",
            "Directory",
            "directory:list",
            reads_directory,
            40,
            ("directory",),
        )
    )
