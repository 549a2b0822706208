"""Who may do what in the directory."""

from deal.permissions import Capability, user_can


def reads_directory(user) -> bool:
    """Everyone who works with people, and admins, who look after it."""
    return user_can(user, Capability.WORK_WITH_PEOPLE) or user_can(user, Capability.MANAGE_STAFF)


def edits_directory(user) -> bool:
    """Managers and admins; frontline workers read it."""
    return user_can(user, Capability.MANAGE_STAFF) or (
        user_can(user, Capability.WORK_WITH_PEOPLE) and user.is_manager
    )
