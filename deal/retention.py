"""Retention: once a person's record has been closed for RETENTION_YEARS, what
identifies them is removed and the rest kept for counting (how many
conversations, of what kind, about which themes; how many actions, done or
not). Each app registers what it removes (an anonymiser) in its
AppConfig.ready(), as for subject access, so a new part covers its own
records; deal/ knows no app.

Anonymising rewrites change histories, action trails and the resident values
in the audit log, which the app's database role may not do: it runs as the
owner role (MIGRATION_DATABASE_URL; see deal.database_roles).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from deal.audit import Actor, audit_record
from deal.models import AuditAction

REMOVED = "(removed)"


@dataclass(frozen=True)
class Anonymiser:
    name: str
    # Takes a person's id; removes what identifies them from the app's records.
    anonymise: Callable[[int], None]
    order: int = 50


@dataclass(frozen=True)
class Candidates:
    """Finds the people whose retention period has run out:
    [{"id", "closed_at", "team"}], and marks one done."""

    due: Callable[[dt.datetime], list[dict]]


_ANONYMISERS: dict[str, Anonymiser] = {}
_CANDIDATES: list[Candidates] = []


def register(anonymiser: Anonymiser) -> None:
    _ANONYMISERS[anonymiser.name] = anonymiser


def register_candidates(candidates: Candidates) -> None:
    _CANDIDATES[:] = [candidates]


def cutoff(years: int, now: dt.datetime | None = None) -> dt.datetime:
    """`years` before now (29 February counts back to 28 February)."""
    now = now or timezone.now()
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def due_for_anonymising(years: int) -> list[dict]:
    return _CANDIDATES[0].due(cutoff(years)) if _CANDIDATES else []


def anonymise_person(person_id: int, *, actor: Actor, reason: str) -> None:
    """Remove what identifies one person from every app's records, the audit
    log's values included; all or nothing; audited."""
    with transaction.atomic():
        for anonymiser in sorted(_ANONYMISERS.values(), key=lambda a: (a.order, a.name)):
            anonymiser.anonymise(person_id)
        redact_audit_values(person_id)
        audit_record(
            actor=actor,
            action=AuditAction.ANONYMISE,
            object_type="people.person",
            object_id=person_id,
            about_person=person_id,
            detail=reason,
        )


def _without_the_append_only_trigger():
    """The audit log's trigger refuses every UPDATE, the owner's too; the
    owner turns it off for this transaction only (ALTER TABLE takes a lock
    held until the transaction ends, so nothing else writes meanwhile)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE deal_auditevent DISABLE TRIGGER deal_audit_append_only")


def _with_the_trigger_again():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE deal_auditevent ENABLE TRIGGER deal_audit_append_only")


def redact_audit_values(person_id: int) -> None:
    """Keep who did what and when about the person, not the values: each
    change's before and after become "(removed)"."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, changes FROM deal_auditevent WHERE about_person = %s", [person_id]
        )
        rows = cursor.fetchall()
    updates = []
    for event_id, changes in rows:
        if isinstance(changes, str):
            changes = json.loads(changes)
        if changes:
            updates.append((json.dumps({name: [REMOVED, REMOVED] for name in changes}), event_id))
    if not updates:
        return
    _without_the_append_only_trigger()
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE deal_auditevent SET changes = %s WHERE id = %s", updates)
    _with_the_trigger_again()


def redact_old_searches(before: dt.datetime) -> int:
    """What staff searched for (often a resident's name) is kept for the
    retention period, then removed, from the detail and the page's query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, path FROM deal_auditevent WHERE action = 'search' AND at < %s "
            "AND detail <> %s",
            [before, "Searched (words removed)"],
        )
        rows = cursor.fetchall()
    if not rows:
        return 0
    with transaction.atomic():
        _without_the_append_only_trigger()
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE deal_auditevent SET detail = %s, path = %s WHERE id = %s",
                [("Searched (words removed)", (path or "").split("?")[0], pk) for pk, path in rows],
            )
        _with_the_trigger_again()
    return len(rows)
