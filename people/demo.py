"""Demo people for each demo team: about 60, with what matters to them,
strengths, interests, needs and people in their life."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from people.factories import (
    INTERESTS,
    NEEDS,
    STRENGTHS,
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    WhatMattersFactory,
)
from people.models import BREAK_GLASS_HOURS, BreakGlass, EntryKind, Person

PEOPLE_PER_TEAM = {0: 35, 1: 25}


def add_demo_data(demo) -> None:
    """People are only added up to each team's number, so running again adds
    none."""
    for index, team in enumerate(demo.teams):
        missing = PEOPLE_PER_TEAM[index] - Person.objects.filter(team=team).count()
        for _ in range(max(missing, 0)):
            worker = demo.workers[index]
            demo.new_people.append((_make_person(team, worker), worker))
    _add_restricted_person(demo)
    demo.report.insert(0, f"Demo data ready ({len(demo.new_people)} people added).")


def _add_restricted_person(demo) -> None:
    """One record of the first team restricted to its worker, so the manager
    (not named) meets "This record is restricted" and gives a reason, and an
    opening of theirs from last week is in the team's list."""
    team, worker = demo.teams[0], demo.workers[0]
    manager = demo.staff["manager@example.org"]
    if Person.objects.filter(team=team, is_restricted=True).exists():
        return
    person = _make_person(team, worker)
    person.given_name, person.family_name, person.preferred_name = "Dorothy", "Pennington", ""
    person.named_worker = worker
    person.is_restricted = True
    person.restriction_reason = "Her son works in the Wigan Central team."
    person.save()
    person.restricted_to.set([worker])
    demo.new_people.append((person, worker))
    at = timezone.now() - dt.timedelta(days=7)
    BreakGlass.objects.create(
        person=person,
        team=team,
        user=manager,
        reason="Covering the duty line: she rang about her rent and her worker was on leave.",
        at=at,
        until=at + dt.timedelta(hours=BREAK_GLASS_HOURS),
    )
    demo.report.append(
        f"Dorothy Pennington ({team.name}) is restricted to {worker.email}: "
        "sign in as manager@example.org and find her to give a reason to open it."
    )


def _make_person(team, worker) -> Person:
    named_worker = worker if random.random() < 0.6 else None
    person = PersonFactory(team=team, created_by=worker, named_worker=named_worker)
    if random.random() < 0.85:
        WhatMattersFactory(person=person, recorded_by=worker)
    for kind, texts, most in (
        (EntryKind.STRENGTH, STRENGTHS, 3),
        (EntryKind.INTEREST, INTERESTS, 3),
        (EntryKind.NEED, NEEDS, 2),
    ):
        for text in random.sample(texts, k=random.randint(0, most)):
            ProfileEntryFactory(person=person, kind=kind, text=text, recorded_by=worker)
    for _ in range(random.randint(0, 2)):
        PersonInLifeFactory(person=person, recorded_by=worker)
    return person
