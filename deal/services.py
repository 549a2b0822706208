"""Looking after staff and teams: inviting, changing role and teams,
confirming a join, deactivating a leaver, and teams themselves.

The rules of separation of duties live here, and both the service's own pages
(/manage/) and the Django admin (/admin/) go through them:

- an admin never holds a team; a user works with people or runs the service;
- nobody changes their own role or teams, or deactivates themselves;
- the last active admin stays an active admin;
- joining a team counts only once a manager of that team confirms it (a second
  admin when the team has no manager).

Every write is one transaction with an audit entry holding before and after.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from deal.audit import Actor, audit_record
from deal.models import (
    ROLES_CONFIRMED_BY_ADMINS,
    AuditAction,
    Invitation,
    Membership,
    Role,
    Team,
    User,
    normalise_email,
)

INVITATION_HOURS = 72


# --- The rules ------------------------------------------------------------------------


def other_active_admins(user: User):
    return User.objects.filter(
        role=Role.ADMIN, is_active=True, admin_confirmed_at__isnull=False
    ).exclude(pk=user.pk)


def check_staff_change(
    *,
    actor_user: User | None,
    user: User,
    role: str,
    team_ids: Iterable[int],
    is_active: bool = True,
    django_admin: bool = False,
) -> None:
    """Refuse a change of role, teams, being active or reaching the Django
    admin (`django_admin`: superuser or staff) that breaks a rule.
    Raises ValidationError keyed by field, so a form can show it by the field."""
    team_ids = set(team_ids)
    errors: dict[str, str] = {}
    if django_admin and role != Role.ADMIN:
        # The Django admin can change anyone's role: someone with a team who
        # reached it would hold case records and admin powers at once.
        errors["is_superuser"] = (
            "Only an admin can be a superuser or staff. Choose the admin role, or untick both."
        )
    if user.pk is not None and actor_user is not None and actor_user.pk == user.pk:
        current_teams = set(user.memberships.values_list("team_id", flat=True))
        if role != user.role or team_ids != current_teams:
            errors["role"] = "You cannot change your own role or teams. Ask another admin."
        if not is_active:
            errors["is_active"] = "You cannot deactivate your own account"
    if role == Role.ADMIN and team_ids:
        errors["teams"] = "An admin cannot be in a team. Choose no teams, or choose another role."
    elif role == Role.IG and team_ids:
        errors["teams"] = (
            "Information governance cannot be in a team. Choose no teams, or choose another role."
        )
    if (
        user.pk is not None
        and user.role == Role.ADMIN
        and user.is_active
        and (role != Role.ADMIN or not is_active)
        and not other_active_admins(user).exists()
    ):
        key = "role" if role != Role.ADMIN else "is_active"
        errors.setdefault(
            key, f"{user} is the only active admin. Make someone else an admin first."
        )
    if errors:
        raise ValidationError(errors)


def team_managers(team: Team, *, excluding: User | None = None):
    """Active managers whose membership of the team is confirmed."""
    managers = User.objects.filter(
        role=Role.MANAGER,
        is_active=True,
        memberships__team=team,
        memberships__confirmed_at__isnull=False,
    )
    if excluding is not None:
        managers = managers.exclude(pk=excluding.pk)
    return managers


def can_confirm(user: User, membership: Membership) -> bool:
    """A manager of the team confirms; for a team with no manager, an admin
    other than the one who asked. Never the joiner themself."""
    if not user.is_authenticated or not user.is_active or user.pk == membership.user_id:
        return False
    if membership.is_confirmed:
        return False
    managers = team_managers(membership.team, excluding=membership.user)
    if managers.exists():
        return managers.filter(pk=user.pk).exists()
    return (
        user.role == Role.ADMIN
        and not user.is_admin_waiting
        and user.pk != membership.requested_by_id
    )


def admins_waiting_for(user: User):
    """New admins this admin may confirm: not themself, not one they asked for."""
    if not user.is_active or user.role != Role.ADMIN or user.is_admin_waiting:
        return User.objects.none()
    return (
        User.objects.filter(
            role__in=ROLES_CONFIRMED_BY_ADMINS, is_active=True, admin_confirmed_at__isnull=True
        )
        .exclude(pk=user.pk)
        .exclude(admin_requested_by=user)
        .select_related("admin_requested_by")
        .order_by("date_joined", "pk")
    )


def memberships_waiting_for(user: User):
    """The joins this user may confirm, oldest first."""
    waiting = (
        Membership.objects.waiting()
        .filter(user__is_active=True)
        .exclude(user=user)
        .select_related("user", "team", "requested_by")
        .order_by("requested_at", "pk")
    )
    if not user.is_active:
        return waiting.none()
    if user.role == Role.MANAGER:
        return waiting.filter(team_id__in=user.team_ids())
    if user.role == Role.ADMIN:
        if user.is_admin_waiting:
            return waiting.none()
        managed = Membership.objects.confirmed().filter(
            user__role=Role.MANAGER, user__is_active=True
        )
        return waiting.exclude(team_id__in=managed.values("team_id")).exclude(requested_by=user)
    return waiting.none()


# --- Helpers ------------------------------------------------------------------------


def _team_names(team_ids: Iterable[int]) -> list[str]:
    return list(
        Team.objects.filter(pk__in=set(team_ids)).order_by("name").values_list("name", flat=True)
    )


def _request_teams(*, actor: Actor, user: User, team_ids: Iterable[int]) -> None:
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(user=user, team_id=team_id, requested_by=actor.user, requested_at=now)
            for team_id in sorted(set(team_ids))
        ]
    )


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Inviting -----------------------------------------------------------------------


def _send_invitation(
    *, actor: Actor, user: User, link_for: Callable[[User, str], str]
) -> Invitation:
    now = timezone.now()
    # Only the newest link works.
    user.invitations.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_hash_token(token),
        created_by=actor.user,
        created_at=now,
        expires_at=now + timedelta(hours=INVITATION_HOURS),
    )
    context = {"user": user, "link": link_for(user, token), "hours": INVITATION_HOURS}
    # Sent last, once every check has passed: a refused invite sends nothing,
    # and an email that cannot be sent undoes the invite.
    send_mail(
        subject="You have been invited to Deal Conversations",
        message=render_to_string("manage/invitation_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return invitation


@transaction.atomic
def staff_invite(
    *,
    actor: Actor,
    email: str,
    full_name: str,
    role: str,
    teams: Iterable[Team],
    link_for: Callable[[User, str], str],
) -> User:
    """Add a member of staff with no password and email them a one-time link
    to set their own. Their teams wait for a manager to confirm."""
    team_ids = [team.pk for team in teams]
    email = normalise_email(email)
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            {"email": "There is already a member of staff with this email address"}
        )
    candidate = User(email=email, full_name=full_name, role=role)
    check_staff_change(actor_user=actor.user, user=candidate, role=role, team_ids=team_ids)
    user = User.objects.create_user(
        email,
        None,
        full_name=full_name,
        role=role,
        admin_requested_by=actor.user if role in ROLES_CONFIRMED_BY_ADMINS else None,
    )
    _request_teams(actor=actor, user=user, team_ids=team_ids)
    _send_invitation(actor=actor, user=user, link_for=link_for)
    audit_record(
        actor=actor,
        action=AuditAction.INVITE,
        obj=user,
        detail=f"Invited {user.full_name}",
        changes={
            "name": [None, user.full_name],
            "email": [None, user.email],
            "role": [None, user.get_role_display()],
            "teams": [None, _team_names(team_ids)],
        },
    )
    return user


@transaction.atomic
def staff_invite_again(
    *, actor: Actor, user: User, link_for: Callable[[User, str], str]
) -> Invitation:
    if user.has_usable_password() or not user.is_active:
        raise ValidationError("This member of staff has already set their password")
    invitation = _send_invitation(actor=actor, user=user, link_for=link_for)
    audit_record(
        actor=actor, action=AuditAction.INVITE, obj=user, detail="Sent a new invitation link"
    )
    return invitation


def invitation_for(user_id: int, token: str) -> Invitation | None:
    """The invitation this link is for, if it still works: not used, not
    expired, and for this very user."""
    # Found by the token alone (it is unique) and the user compared after, so
    # a made-up id never reaches the database.
    invitation = (
        Invitation.objects.select_related("user")
        .filter(token_hash=_hash_token(token or ""))
        .first()
    )
    if (
        invitation is None
        or invitation.user_id != user_id
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
        or not invitation.user.is_active
        or invitation.user.has_usable_password()
    ):
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    # Claim the invitation first: of two submissions at once, one wins.
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("This link has already been used")
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=Actor(user=user),
        action=AuditAction.CHANGE,
        obj=user,
        detail="Set their password from the invitation",
    )
    return user


def note_role_change(*, actor: Actor, user: User) -> None:
    """A new admin waits for a second admin; anyone else is no admin at all."""
    user.admin_requested_by = actor.user if user.role in ROLES_CONFIRMED_BY_ADMINS else None
    user.admin_confirmed_by = None
    user.admin_confirmed_at = None


@transaction.atomic
def admin_confirm(*, actor: Actor, user: User) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not admins_waiting_for(actor.user).filter(pk=user.pk).exists():
        raise ValidationError("You cannot confirm this")
    user.admin_confirmed_by = actor.user
    user.admin_confirmed_at = timezone.now()
    user.save(update_fields=["admin_confirmed_by", "admin_confirmed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CONFIRM,
        obj=user,
        detail=f"Confirmed {user.full_name} as {user.get_role_display().lower()}",
        changes={user.get_role_display().lower(): ["waiting", "confirmed"]},
    )


# --- Changing role and teams; leaving ------------------------------------------------


@transaction.atomic
def staff_change(*, actor: Actor, user: User, role: str, teams: Iterable[Team]) -> None:
    """Change a member of staff's role and teams. Teams taken away end at
    once; teams added wait for a manager of the team to confirm."""
    user = User.objects.select_for_update().get(pk=user.pk)
    team_ids = {team.pk for team in teams}
    check_staff_change(actor_user=actor.user, user=user, role=role, team_ids=team_ids)
    before_ids = set(user.memberships.values_list("team_id", flat=True))
    before_role = user.get_role_display()
    user.memberships.exclude(team_id__in=team_ids).delete()
    _request_teams(actor=actor, user=user, team_ids=team_ids - before_ids)
    changes = {}
    if role != user.role:
        user.role = role
        note_role_change(actor=actor, user=user)
        user.save(
            update_fields=["role", "admin_requested_by", "admin_confirmed_by", "admin_confirmed_at"]
        )
        changes["role"] = [before_role, user.get_role_display()]
    if team_ids != before_ids:
        changes["teams"] = [_team_names(before_ids), _team_names(team_ids)]
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=user,
            detail="Changed role or teams",
            changes=changes,
        )


@transaction.atomic
def staff_deactivate(*, actor: Actor, user: User) -> None:
    """A leaver: they cannot sign in and every session of theirs ends now.
    Their name stays on what they recorded, and what they own stays in its
    team until handed on."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return
    check_staff_change(
        actor_user=actor.user,
        user=user,
        role=user.role,
        team_ids=user.memberships.values_list("team_id", flat=True),
        is_active=False,
    )
    user.invitations.filter(used_at__isnull=True).update(expires_at=timezone.now())
    User.objects.filter(pk=user.pk).update(
        is_active=False, session_version=F("session_version") + 1
    )
    audit_record(
        actor=actor,
        action=AuditAction.DEACTIVATE,
        obj=user,
        detail=f"Deactivated {user.full_name}",
        changes={"active": [True, False]},
    )


@transaction.atomic
def staff_reactivate(*, actor: Actor, user: User) -> None:
    """Someone back: they can sign in again, but their teams wait for a
    manager to confirm them again."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    user.memberships.update(
        confirmed_at=None, confirmed_by=None, requested_by=actor.user, requested_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.REACTIVATE,
        obj=user,
        detail=f"Reactivated {user.full_name}",
        changes={"active": [False, True]},
    )


# --- Confirming a join ----------------------------------------------------------------


@transaction.atomic
def membership_confirm(*, actor: Actor, membership: Membership) -> None:
    membership = (
        Membership.objects.select_for_update().select_related("team", "user").get(pk=membership.pk)
    )
    if not can_confirm(actor.user, membership):
        raise ValidationError("You cannot confirm this")
    membership.confirmed_by = actor.user
    membership.confirmed_at = timezone.now()
    membership.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CONFIRM,
        obj=membership.user,
        detail=f"Confirmed {membership.user.full_name} in {membership.team.name}",
        changes={"confirmed in team": [None, membership.team.name]},
    )


@transaction.atomic
def membership_decline(*, actor: Actor, membership: Membership) -> None:
    membership = (
        Membership.objects.select_for_update().select_related("team", "user").get(pk=membership.pk)
    )
    if not can_confirm(actor.user, membership):
        raise ValidationError("You cannot decline this")
    membership.delete()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=membership.user,
        detail=f"Declined {membership.user.full_name} joining {membership.team.name}",
        changes={"teams": [[membership.team.name + " (waiting)"], []]},
    )


# --- Teams ------------------------------------------------------------------------------

TEAM_FIELDS = {"name": "name", "contact_phone": "phone", "contact_email": "email"}


@transaction.atomic
def team_save(*, actor: Actor, team: Team, fields: dict) -> Team:
    """Add a team, or change its name and contact details."""
    creating = team.pk is None
    before = {key: ("" if creating else getattr(team, key)) for key in TEAM_FIELDS}
    for key in TEAM_FIELDS:
        if key in fields:
            setattr(team, key, fields[key])
    team.save()
    changes = {
        label: [None if creating else before[key], getattr(team, key)]
        for key, label in TEAM_FIELDS.items()
        if creating or before[key] != getattr(team, key)
    }
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.CHANGE,
            obj=team,
            detail=f"{'Added' if creating else 'Changed'} team {team.name}",
            changes=changes,
        )
    return team


@transaction.atomic
def team_add_manager(*, actor: Actor, team: Team, manager: User) -> None:
    """Ask for a manager to join the team; a manager of the team (or a second
    admin) confirms, as for anyone joining."""
    manager = User.objects.select_for_update().get(pk=manager.pk)
    if manager.role != Role.MANAGER or not manager.is_active:
        raise ValidationError({"manager": "Choose an active manager"})
    current = list(manager.memberships.values_list("team_id", flat=True))
    if team.pk in current:
        raise ValidationError({"manager": f"{manager} is already in this team"})
    check_staff_change(
        actor_user=actor.user, user=manager, role=manager.role, team_ids=[*current, team.pk]
    )
    _request_teams(actor=actor, user=manager, team_ids=[team.pk])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=manager,
        detail=f"Asked for {manager.full_name} to manage {team.name}",
        changes={"teams": [_team_names(current), _team_names([*current, team.pk])]},
    )
