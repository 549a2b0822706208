"""How the directory hooks into conversations without conversations knowing
it: the names offered on the record form, and linking an action to the
group picked there, in the same transaction as the action's save."""

from __future__ import annotations

from conversations.models import AgreedAction, Owner
from conversations.owner_names import register
from conversations.signals import action_saved
from directory.models import Connection, Service

GROUP_OWNERS = (Owner.PARTNER, Owner.COMMUNITY)


def offered_groups(person) -> list[tuple[str, str]]:
    """The active groups, for the record form's name box."""
    return [
        (name, "in the directory")
        for name in Service.objects.offered().order_by("name").values_list("name", flat=True)
    ]


def group_named(name: str) -> Service | None:
    """The one active group with this name, as picked from the list (or typed
    exactly); None when there is none, or more than one."""
    name = " ".join(name.split())
    if not name:
        return None
    found = list(Service.objects.offered().filter(name__iexact=name)[:2])
    return found[0] if len(found) == 1 else None


def link_picked_group(sender, *, action: AgreedAction, actor, created: bool, changed, **kwargs):
    """An action done by a group named as one in the directory is linked to
    it. Changing who does it (or the name) moves or drops the link; a link
    made by hand stays while the name is unchanged."""
    if not created and not {"owner_type", "owner_name"} & set(changed):
        return
    connection = Connection.objects.filter(action=action).select_related("service").first()
    service = group_named(action.owner_name) if action.owner_type in GROUP_OWNERS else None
    if service is None:
        if connection is not None:
            connection.delete()
        return
    if connection is None:
        Connection.objects.create(action=action, service=service, linked_by=actor.user)
    elif connection.service_id != service.pk:
        connection.service = service
        connection.linked_by = actor.user
        connection.save(update_fields=["service", "linked_by"])


def connect() -> None:
    register(offered_groups)
    action_saved.connect(link_picked_group, sender=AgreedAction, dispatch_uid="directory-link")
