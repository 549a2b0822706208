"""What identifies a person in the people app, removed once their record's
retention period has run out (deal.retention). The record, their strengths,
interests and needs and the people in their life stay as rows, so they are
still counted; their words and details go, from the change history too."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from deal.retention import REMOVED, Anonymiser, Candidates, register, register_candidates
from people.models import (
    BreakGlass,
    Person,
    PersonInLife,
    PersonStatus,
    ProfileEntry,
    WhatMatters,
)


def due(before: dt.datetime) -> list[dict]:
    people = Person.objects.filter(
        status=PersonStatus.CLOSED, closed_at__lt=before, anonymised_at__isnull=True
    ).select_related("team")
    return [
        {"id": p.pk, "closed_at": p.closed_at, "team": p.team.name}
        for p in people.order_by("closed_at", "id")
    ]


def anonymise(person_id: int) -> None:
    # The history first, then the record: saving it writes one new history
    # row, already anonymised.
    Person.history.filter(id=person_id).delete()
    ProfileEntry.history.filter(person_id=person_id).delete()
    PersonInLife.history.filter(person_id=person_id).delete()
    Person.objects.filter(pk=person_id).update(
        given_name=REMOVED,
        family_name=REMOVED,
        preferred_name="",
        pronouns="",
        date_of_birth=None,
        nhs_number="",
        address_line_1="",
        address_line_2="",
        town="",
        postcode="",
        postcode_outward="",
        phone="",
        email="",
        preferred_contact="",
        language="",
        communication_needs="",
        consent_notes="",
        closed_reason="",
        restriction_reason="",
        search_given="",
        search_family="",
        search_names="",
        anonymised_at=timezone.now(),
    )
    WhatMatters.objects.filter(person_id=person_id).update(text=REMOVED)
    # A reason given to open their restricted record may say what it is about.
    BreakGlass.objects.filter(person_id=person_id).update(reason=REMOVED)
    ProfileEntry.objects.filter(person_id=person_id).update(text=REMOVED)
    PersonInLife.objects.filter(person_id=person_id).update(
        name=REMOVED, relationship="", how_they_help="", contact=""
    )


def register_retention() -> None:
    register(Anonymiser("people", anonymise, order=90))
    register_candidates(Candidates(due))
