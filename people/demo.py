"""Demo people for each demo team: about 60, with what matters to them,
strengths, interests, needs and people in their life."""

from __future__ import annotations

import random

from people.factories import (
    INTERESTS,
    NEEDS,
    STRENGTHS,
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    WhatMattersFactory,
)
from people.models import EntryKind, Person

PEOPLE_PER_TEAM = {0: 35, 1: 25}


def add_demo_data(demo) -> None:
    """People are only added up to each team's number, so running again adds
    none."""
    for index, team in enumerate(demo.teams):
        missing = PEOPLE_PER_TEAM[index] - Person.objects.filter(team=team).count()
        for _ in range(max(missing, 0)):
            worker = demo.workers[index]
            demo.new_people.append((_make_person(team, worker), worker))
    demo.report.insert(0, f"Demo data ready ({len(demo.new_people)} people added).")


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
