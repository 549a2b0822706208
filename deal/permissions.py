"""What each role may do.

One table, read by views (to refuse) and by the navigation (to show only what a
role may use). Reading a person's record additionally needs membership of the
person's team: see people.models.PersonQuerySet.visible_to.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from deal.audit import Actor, audit_record
from deal.models import AuditAction, Role


class Capability(StrEnum):
    WORK_WITH_PEOPLE = "work_with_people"  # find, add, view and change people of my teams
    MANAGE_STAFF = "manage_staff"  # invite, change and deactivate staff; teams; themes
    CONFIRM_MEMBERS = "confirm_members"  # confirm who joins a team (see deal.services)
    MANAGE_TEAM = "manage_team"  # the team view: figures, comments, handing on work
    # Read the whole audit log, export everything held about a person.
    GOVERN_INFORMATION = "govern_information"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.FRONTLINE: frozenset({Capability.WORK_WITH_PEOPLE}),
    Role.MANAGER: frozenset(
        {Capability.WORK_WITH_PEOPLE, Capability.CONFIRM_MEMBERS, Capability.MANAGE_TEAM}
    ),
    # An admin runs the service; reading case records is not part of that.
    # (An admin confirms joins only of a team with no manager.)
    Role.ADMIN: frozenset({Capability.MANAGE_STAFF, Capability.CONFIRM_MEMBERS}),
    # Information governance reads what was done to records, not the records
    # in the course of work: no team, no case pages.
    Role.IG: frozenset({Capability.GOVERN_INFORMATION}),
}


def user_can(user, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin_waiting:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user, capability: Capability) -> None:
    if not user_can(user, capability):
        raise PermissionDenied


def capability_required(capability: Capability):
    """Decorate a view: anonymous users go to sign in; others without the
    capability get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def manager_only(view):
    """Only a manager reaches these pages (the team view and what hangs from
    it, the reports); anyone else signed in gets the same 404 as for a page
    that is not there."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_can(request.user, Capability.MANAGE_TEAM):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


# Further checks on a record of the user's own team, registered by the apps
# above (people registers restricted records: people.services.check_restriction).
# Each takes the request and the record and raises to refuse.
RecordCheck = Callable[[HttpRequest, Any], None]
_RECORD_CHECKS: list[RecordCheck] = []


def register_record_check(check: RecordCheck) -> None:
    if check not in _RECORD_CHECKS:
        _RECORD_CHECKS.append(check)


def get_for_team(
    request,
    queryset,
    pk: int,
    *,
    team_id_of,
    record_view: bool = True,
    detail: str = "",
    checks: bool = True,
):
    """The record with this id if it belongs to one of the signed-in user's
    teams: the one door to case records.

    Missing and "not yours" get the same 404, so ids cannot be probed. Then
    the registered record checks (a restricted record asks for a reason). A
    refusal is written to the audit log, and so is each view (`record_view`).
    `team_id_of` says which team a record belongs to.
    """
    return check_for_team(
        request,
        queryset.filter(pk=pk).first(),
        team_id_of=team_id_of,
        record_view=record_view,
        detail=detail,
        checks=checks,
    )


def check_for_team(
    request,
    record,
    *,
    team_id_of,
    record_view: bool = True,
    detail: str = "",
    checks: bool = True,
):
    """get_for_team for a record already read (None when there is none),
    by a prepared query, say (deal.prepared)."""
    if record is None:
        raise Http404("No such record")
    actor = Actor.from_request(request)
    if team_id_of(record) not in request.user.team_ids():
        audit_record(actor=actor, action=AuditAction.DENIED, obj=record, detail=detail)
        raise Http404("No such record")
    # (The page that asks for a reason to open a restricted record is
    # itself reached with checks=False.)
    for check in _RECORD_CHECKS if checks else ():
        check(request, record)
    if record_view:
        audit_record(actor=actor, action=AuditAction.VIEW, obj=record, detail=detail)
    return record
