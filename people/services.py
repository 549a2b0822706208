"""Changes to a person's record. Each is one transaction and leaves an entry in
the audit log."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from deal.audit import Actor, audit_record, changes_between
from deal.models import AuditAction, Membership, Team
from deal.permissions import check_for_team
from deal.prepared import by_pk, prepared
from people.models import (
    BREAK_GLASS_HOURS,
    BreakGlass,
    EntryKind,
    Person,
    PersonInLife,
    PersonStatus,
    ProfileEntry,
    Submission,
    TransferRequest,
    TransferStatus,
    WhatMatters,
    forget_closed,
)
from people.signals import person_moved_team


def get_person_for(request: HttpRequest, pk: int, *, record_view: bool = True) -> Person:
    """The person with this id if the signed-in user may open their record
    (see deal.permissions.get_for_team)."""
    return check_for_team(
        request,
        by_pk(_person_with_profile_joins, pk),
        team_id_of=lambda person: person.team_id,
        record_view=record_view,
    )


@prepared
def _person_with_profile_joins(*, pk: int):
    # Read for every page about a person, so prepared (deal.prepared).
    return Person.objects.with_profile_joins().filter(pk=pk)


def submission_key(form_key: uuid.UUID | None, *, user, scope: str) -> uuid.UUID:
    """The key a form's sending is kept under: the form's key, the member of
    staff and what it adds to ("person 12 strengths"). A form with no key (an
    altered page) gets a new one, so it is saved, once."""
    return uuid.uuid5(form_key or uuid.uuid4(), f"{user.pk}:{scope}")


def already_submitted(key: uuid.UUID) -> Submission | None:
    return Submission.objects.filter(key=key).first()


def submit_once(*, actor: Actor, key: uuid.UUID, save: Callable[[], str]) -> tuple[str, bool]:
    """Run `save` (which returns the address of what it added) once for this
    key, in one transaction with the key. Returns that address and whether this
    call saved; a sending that raced another with the same key finds the other
    one's address, and nothing of its own is kept."""
    try:
        with transaction.atomic():
            saved_to = save()
            Submission.objects.create(key=key, user=actor.user, saved_to=saved_to)
    except IntegrityError:
        # The same form, sent at the same moment, was saved first (the key's
        # unique constraint held this one back until that one committed).
        first = already_submitted(key)
        if first is None:
            raise
        return first.saved_to, False
    return saved_to, True


@transaction.atomic
def person_create(*, actor: Actor, fields: dict[str, Any], what_matters: str = "") -> Person:
    person = Person(**fields, created_by=actor.user)
    person.full_clean(exclude=["created_by"])
    person.save()
    if what_matters.strip():
        WhatMatters.objects.create(person=person, text=what_matters.strip(), recorded_by=actor.user)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person)
    return person


class PersonChangedError(Exception):
    """Someone else saved the person's details after the user opened them."""

    def __init__(self, current: Person) -> None:
        super().__init__(f"{current} was changed by someone else")
        self.current = current


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, fields: dict[str, Any], last_saved: str = ""
) -> list[str]:
    """Change a person's details; returns the names of the fields that changed.

    `last_saved` is the time of the save the user was shown; if the record has
    been saved since, or the form did not say (an altered page), nothing is
    changed and PersonChangedError says by whom.
    """
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.updated_at.isoformat() != last_saved:
        raise PersonChangedError(current)
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    if not changed:
        return []
    before = {name: getattr(person, name) for name in changed}
    for name in changed:
        setattr(person, name, fields[name])
    extra = []
    if "status" in changed:
        # The retention period runs from when the record was closed.
        person.closed_at = timezone.now() if person.status == PersonStatus.CLOSED else None
        extra.append("closed_at")
    person.full_clean(exclude=["created_by"])
    person.save(update_fields=[*changed, *extra, "updated_at"])
    if "team" in changed:
        # Whoever moves it opened it (get_person_for): named on it or giving
        # a reason, so naming them in its new team is theirs to do, and said.
        because = may_open_because(actor.user, person) if person.is_restricted else ""
        _restriction_follows_move(person, newcomer=actor.user)
        if because:
            moved_words = f"; user {actor.user.pk} named on the restriction ({because})"
        else:
            moved_words = ""
        moved = [
            words
            for _receiver, words in person_moved_team.send(Person, person=person, actor=actor)
            if words
        ]
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            detail=f"Moved to team {person.team_id}"
            + (f" with {', '.join(moved)}" if moved else "")
            + moved_words,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=person,
        detail="Changed " + ", ".join(changed),
        changes=changes_between(before, {name: getattr(person, name) for name in changed}),
    )
    return changed


@transaction.atomic
def what_matters_record(*, actor: Actor, person: Person, text: str) -> WhatMatters | None:
    """Keep a new version of what matters to the person. The earlier versions
    stay. Recording the same words again changes nothing."""
    text = text.strip()
    current = person.what_matters.first()
    if current is not None and current.text == text:
        return None
    version = WhatMatters.objects.create(person=person, text=text, recorded_by=actor.user)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=person,
        detail="Recorded what matters",
        changes={"what matters": [current.text if current else None, text]},
    )
    return version


@transaction.atomic
def profile_entry_add(*, actor: Actor, person: Person, kind: EntryKind, text: str) -> ProfileEntry:
    entry = ProfileEntry.objects.create(
        person=person, kind=kind, text=text.strip(), recorded_by=actor.user
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=person,
        detail=f"Added {entry.get_kind_display().lower()} {entry.pk}",
        changes={entry.get_kind_display().lower(): [None, entry.text]},
    )
    return entry


@transaction.atomic
def profile_entries_add(
    *, actor: Actor, person: Person, kind: EntryKind, texts: list[str]
) -> list[ProfileEntry]:
    """Add several strengths, interests or needs. One already in their profile
    (the same words, whatever the case) is not added again, so sending the
    same page twice adds nothing twice. Returns the entries added."""
    # Locks the person's row, so two sends at once cannot both add.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    have = {
        text.casefold()
        for text in ProfileEntry.objects.filter(
            person=person, kind=kind, archived_at__isnull=True
        ).values_list("text", flat=True)
    }
    added = []
    for text in texts:
        if text.casefold() not in have:
            added.append(profile_entry_add(actor=actor, person=person, kind=kind, text=text))
            have.add(text.casefold())
    return added


@transaction.atomic
def profile_entry_archive(*, actor: Actor, entry: ProfileEntry) -> None:
    if entry.is_archived:
        return
    entry.archived_at = timezone.now()
    entry.archived_by = actor.user
    entry.save(update_fields=["archived_at", "archived_by"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=entry.person,
        detail=f"Archived {entry.get_kind_display().lower()} {entry.pk}",
        changes={entry.get_kind_display().lower(): [entry.text, None]},
    )


@transaction.atomic
def profile_entry_restore(*, actor: Actor, entry: ProfileEntry) -> None:
    if not entry.is_archived:
        return
    entry.archived_at = None
    entry.archived_by = None
    entry.save(update_fields=["archived_at", "archived_by"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=entry.person,
        detail=f"Restored {entry.get_kind_display().lower()} {entry.pk}",
        changes={entry.get_kind_display().lower(): [None, entry.text]},
    )


@transaction.atomic
def person_in_life_save(
    *, actor: Actor, person: Person, fields: dict[str, Any], existing: PersonInLife | None = None
) -> PersonInLife:
    if existing is None:
        existing = PersonInLife(person=person, recorded_by=actor.user)
        verb = "Added"
        before = {}
    else:
        verb = "Changed"
        before = {name: getattr(existing, name) for name in fields}
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=person,
        detail=f"{verb} person in their life {existing.pk}",
        changes=changes_between(before, fields),
    )
    return existing


@transaction.atomic
def person_in_life_archive(*, actor: Actor, connection: PersonInLife) -> None:
    if connection.archived_at is not None:
        return
    connection.archived_at = timezone.now()
    connection.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=connection.person,
        detail=f"Archived person in their life {connection.pk}",
        changes={"person in their life": [str(connection), None]},
    )


def known_to_other_teams(*, user, nhs_number="", given_name="", family_name="", date_of_birth=None):
    """The teams other than the user's that may already hold this person: their
    names only, nothing of the record (see AddPersonForm)."""
    return list(
        Team.objects.filter(
            people__in=Person.objects.exclude(team_id__in=user.team_ids()).likely_duplicates(
                nhs_number=nhs_number,
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
            )
        )
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def transfer_ask(*, actor: Actor, from_team: Team, to_team: Team, match: dict) -> int:
    """Ask `from_team` to hand over the records of theirs that match what was
    typed (`match`: the likely-duplicate fields). Asking again while a request
    waits changes nothing. Returns how many records were asked for."""
    if to_team.pk not in actor.user.team_ids() or from_team.pk in actor.user.team_ids():
        raise PermissionDenied("Ask for a record for one of your teams, from another team")
    people = list(Person.objects.filter(team=from_team).likely_duplicates(**match))
    for person in people:
        if TransferRequest.objects.waiting().filter(person=person, to_team=to_team).exists():
            continue
        try:
            with transaction.atomic():
                transfer = TransferRequest.objects.create(
                    person=person, from_team=from_team, to_team=to_team, requested_by=actor.user
                )
        except IntegrityError:
            continue  # asked at the same moment by a colleague
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=transfer,
            detail=f"Asked team {from_team.pk} to transfer person {person.pk} to team {to_team.pk}",
        )
    return len(people)


class TransferDecidedError(Exception):
    """The request was decided (or the record moved) since the page was drawn."""


@transaction.atomic
def transfer_decide(
    *, actor: Actor, transfer: TransferRequest, accept: bool, reason: str = ""
) -> TransferRequest:
    """The holding team's manager accepts or declines. Accepting moves the
    record to the asking team; each app moves what it holds for the person
    (people.signals.person_moved_team), and both sides are audited."""
    transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    user = actor.user
    if not (user.is_manager and person.team_id in user.team_ids()):
        raise PermissionDenied("Only a manager of the team holding the record decides")
    if not transfer.is_waiting or person.team_id != transfer.from_team_id:
        raise TransferDecidedError
    now = timezone.now()
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.decided_by = user
    transfer.decided_at = now
    transfer.decline_reason = "" if accept else reason.strip()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    if not accept:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=transfer,
            detail=f"Declined transferring person {person.pk} to team {transfer.to_team_id}",
        )
        return transfer
    # Read before the record leaves the team: whether the manager deciding may
    # open it now (named on it, or holding a break-glass opening).
    may_open = person.is_restricted and may_open_because(user, person)
    from_team = person.team
    person.team = transfer.to_team
    fields = ["team", "updated_at"]
    if not person.named_worker_id or transfer.to_team_id not in person.named_worker.team_ids():
        # Their named worker stays with the old team (or they had none):
        # whoever asked takes over.
        person.named_worker = transfer.requested_by
        fields.append("named_worker")
    person.save(update_fields=fields)
    # Whoever asked is named on a restricted record only when the manager who
    # accepts may open it themself, as with handing on (people.open_work):
    # otherwise anyone in another team who knows a person's name and date of
    # birth (the relative the restriction is for, or the member of staff whose
    # own record it is) could ask for it and, once an unknowing manager
    # accepts, open it without a reason. They give one instead.
    _restriction_follows_move(person, newcomer=transfer.requested_by if may_open else None)
    restriction = ""
    if person.is_restricted:
        restriction = (
            f"; user {transfer.requested_by_id} named on the restriction by {user} ({may_open})"
            if may_open
            else f"; user {transfer.requested_by_id} not named on the restriction, as {user} "
            "may not open the record: they give a reason to open it"
        )
    moved = [
        words
        for _receiver, words in person_moved_team.send(
            Person, person=person, actor=actor, receiving_worker=transfer.requested_by
        )
        if words
    ]
    detail = (
        f"Transferred from team {from_team.pk} to team {transfer.to_team_id} at the request "
        f"of user {transfer.requested_by_id}"
        + (f" with {', '.join(moved)}" if moved else "")
        + restriction
    )
    # Both sides: the record (which the receiving team now holds) and the
    # request (which the team that held it decided).
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=person, detail=detail)
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=transfer, detail="Accepted. " + detail)
    # Other teams' requests for the same record are answered: it has moved.
    for other in TransferRequest.objects.waiting().filter(person=person).exclude(pk=transfer.pk):
        other.status = TransferStatus.DECLINED
        other.decided_by = user
        other.decided_at = now
        other.decline_reason = "The record was transferred to another team"
        other.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=other, detail="Declined: moved")
    return transfer


# --- Restricted records -----------------------------------------------------------------


class RecordRestricted(Exception):
    """The user is in the person's team but not named on the record's
    restriction and holds no open break-glass: the page asks for a reason
    (people.middleware.RestrictedRecordMiddleware draws it)."""

    def __init__(self, person: Person) -> None:
        super().__init__(f"Person {person.pk}'s record is restricted")
        self.person = person


def _person_of_record(record) -> Person | None:
    if isinstance(record, Person):
        return record
    # Conversations, actions and decisions are read with their person joined
    # (their with_joins), so this costs no query.
    person = getattr(record, "person", None)
    return person if isinstance(person, Person) else None


def check_restriction(request: HttpRequest, record) -> None:
    """The record check for every case page (deal.permissions.get_for_team):
    a restricted person's record, and anything of theirs, opens only for the
    named staff and for whoever gave a reason in the last hours. An
    unrestricted record costs no query."""
    person = _person_of_record(record)
    if person is None or not person.is_restricted:
        return
    if not Person.objects.closed_to(request.user).filter(pk=person.pk).exists():
        return
    raise RecordRestricted(person)


def may_open_because(user, person: Person) -> str:
    """Why this member of staff may open a restricted record now, in words for
    the audit log, or "" if they may not (PersonQuerySet.closed_to)."""
    if person.restricted_to.filter(pk=user.pk).exists():
        return "named on the restriction"
    opening = BreakGlass.objects.open_for(user).filter(person=person).order_by("-until").first()
    if opening is not None:
        return f"opened giving a reason (break-glass {opening.pk})"
    return ""


def _restriction_follows_move(person: Person, *, newcomer) -> None:
    """A restricted record that moves team stays restricted: named staff not
    in the new team come off it, and whoever moved it there (or asked for it)
    is named, so the record is not closed to its whole new team."""
    if not person.is_restricted:
        return
    members = set(
        Membership.objects.confirmed()
        .filter(team_id=person.team_id)
        .values_list("user_id", flat=True)
    )
    person.restricted_to.remove(*[u for u in person.restricted_to.all() if u.pk not in members])
    if newcomer is not None and newcomer.pk in members:
        person.restricted_to.add(newcomer)


def can_restrict(user, person: Person) -> bool:
    """The team's manager, or the person's named worker, who knows the case
    best and is often the first to learn why it needs restricting."""
    if not user.is_authenticated or person.team_id not in user.team_ids():
        return False
    return user.is_manager or person.named_worker_id == user.pk


@transaction.atomic
def person_restrict(*, actor: Actor, person: Person, named: list, reason: str) -> None:
    """Restrict the record to the named staff of its team, or change who they
    are and why. Audited with the names before and after."""
    user = actor.user
    if not can_restrict(user, person):
        raise PermissionDenied("Only the team's manager or the named worker restricts a record")
    person = Person.objects.select_for_update().get(pk=person.pk)
    members = set(
        Membership.objects.confirmed()
        .filter(team_id=person.team_id)
        .values_list("user_id", flat=True)
    )
    if not named or any(u.pk not in members for u in named):
        raise ValidationError("Select who can open the record, from its team")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Enter why the record is restricted")
    before_names = sorted(u.full_name for u in person.restricted_to.all())
    before = {
        "restricted": person.is_restricted,
        "restriction_reason": person.restriction_reason,
        "restricted_to": before_names,
    }
    person.is_restricted = True
    person.restriction_reason = reason
    person.save(update_fields=["is_restricted", "restriction_reason", "updated_at"])
    person.restricted_to.set(named)
    forget_closed(actor.user)
    after = {
        "restricted": True,
        "restriction_reason": reason,
        "restricted_to": sorted(u.full_name for u in named),
    }
    changes = changes_between(before, after)
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            detail=(
                "Restricted the record" if not before["restricted"] else "Changed the restriction"
            )
            + " to users "
            + ", ".join(str(u.pk) for u in sorted(named, key=lambda u: u.pk)),
            changes=changes,
        )


@transaction.atomic
def person_unrestrict(*, actor: Actor, person: Person) -> None:
    """Lift the restriction: the whole team opens the record again."""
    if not can_restrict(actor.user, person):
        raise PermissionDenied("Only the team's manager or the named worker lifts a restriction")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_restricted:
        return
    names = sorted(u.full_name for u in person.restricted_to.all())
    reason = person.restriction_reason
    person.is_restricted = False
    person.restriction_reason = ""
    person.save(update_fields=["is_restricted", "restriction_reason", "updated_at"])
    person.restricted_to.clear()
    forget_closed(actor.user)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=person,
        detail="Lifted the restriction",
        changes={
            "restricted": [True, False],
            "restriction_reason": [reason, ""],
            "restricted_to": [names, []],
        },
    )


@transaction.atomic
def break_glass_open(*, actor: Actor, person: Person, reason: str) -> BreakGlass:
    """A member of the person's team, not named on the restriction, opens the
    record for BREAK_GLASS_HOURS by giving a reason. Kept (append-only) and
    audited; listed for the team's manager and information governance."""
    user = actor.user
    if person.team_id not in user.team_ids():
        raise PermissionDenied("Only the person's team may open their record")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Enter why you need to open this record")
    now = timezone.now()
    opening = BreakGlass.objects.create(
        person=person,
        team_id=person.team_id,
        user=user,
        reason=reason,
        at=now,
        until=now + dt.timedelta(hours=BREAK_GLASS_HOURS),
    )
    forget_closed(user)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=opening,
        about_person=person.pk,
        detail=f"Opened restricted record of person {person.pk} giving a reason "
        f"(break-glass {opening.pk}, until {opening.until.isoformat()})",
        changes={"reason": [None, reason]},
    )
    return opening
