"""Changes to a person's record. Each is one transaction and leaves an entry in
the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from deal.audit import Actor, audit_record, changes_between
from deal.models import AuditAction
from deal.permissions import get_for_team
from people.models import (
    EntryKind,
    Person,
    PersonInLife,
    PersonStatus,
    ProfileEntry,
    WhatMatters,
)
from people.signals import person_moved_team


def get_person_for(request: HttpRequest, pk: int, *, record_view: bool = True) -> Person:
    """The person with this id if the signed-in user may open their record
    (see deal.permissions.get_for_team)."""
    return get_for_team(
        request,
        Person.objects.with_profile_joins(),
        pk,
        team_id_of=lambda person: person.team_id,
        record_view=record_view,
    )


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
    been saved since, nothing is changed and PersonChangedError says by whom.
    """
    current = Person.objects.select_for_update().get(pk=person.pk)
    if last_saved and current.updated_at.isoformat() != last_saved:
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
            + (f" with {', '.join(moved)}" if moved else ""),
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
