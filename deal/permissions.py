"""What each role may do.

One table, read by views (to refuse) and by the navigation (to show only what a
role may use). Reading a person's record additionally needs membership of the
person's team: see people.models.PersonQuerySet.visible_to.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from deal.models import Role


class Capability(StrEnum):
    WORK_WITH_PEOPLE = "work_with_people"  # find, add, view and change people of my teams
    MANAGE_STAFF = "manage_staff"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.FRONTLINE: frozenset({Capability.WORK_WITH_PEOPLE}),
    Role.MANAGER: frozenset({Capability.WORK_WITH_PEOPLE}),
    # An admin runs the service; reading case records is not part of that.
    Role.ADMIN: frozenset({Capability.MANAGE_STAFF}),
}


def user_can(user, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user, capability: Capability) -> None:
    if not user_can(user, capability):
        raise PermissionDenied


def capability_required(capability: Capability):
    """Decorate a view: anonymous users go to sign in; others without the
    capability get 403."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
