"""Load demo data: two teams, four staff logins and about 60 people.

Safe to run again: teams and staff are found or made, people are only added
up to the target. The demo password is DEMO_PASSWORD, or a new random one,
printed at the end.
"""

import os
import random
import secrets

import factory.random
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deal.factories import TeamFactory, UserFactory
from deal.models import Role, User
from people.factories import (
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    WhatMattersFactory,
)
from people.models import EntryKind, Person

TEAMS = ["Wigan Central Community Team", "Leigh and Atherton Community Team"]
STAFF = [
    ("worker@example.org", "Sam Ashworth", Role.FRONTLINE, [0]),
    ("manager@example.org", "Priya Shah", Role.MANAGER, [0]),
    ("worker2@example.org", "Dan Hughes", Role.FRONTLINE, [1]),
    ("admin@example.org", "Alex Morgan", Role.ADMIN, []),
]
PEOPLE_PER_TEAM = {0: 35, 1: 25}


class Command(BaseCommand):
    help = "Load demo teams, staff and people (refuses when DEBUG is off unless --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (never in live use)"
        )

    def handle(self, *args, force: bool = False, **options):
        if not (settings.DEBUG or settings.ALLOW_DEMO_DATA or force):
            raise CommandError(
                "Refusing to load demo data with DEBUG off: this looks like a live service. "
                "Use --force if you are sure."
            )
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        # The same people every time, so a demo can be followed from notes.
        factory.random.reseed_random("deal-demo")
        random.seed("deal-demo")

        with transaction.atomic():
            teams = [TeamFactory(name=name) for name in TEAMS]
            staff = {}
            for email, name, role, team_indexes in STAFF:
                user = User.objects.filter(email=email).first() or UserFactory(
                    email=email, full_name=name, role=role
                )
                user.full_name, user.role, user.is_active = name, role, True
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                user.set_password(password)
                user.save()
                user.teams.set([teams[i] for i in team_indexes])
                staff[email] = user

            workers = {0: staff["worker@example.org"], 1: staff["worker2@example.org"]}
            added = 0
            for index, team in enumerate(teams):
                missing = PEOPLE_PER_TEAM[index] - Person.objects.filter(team=team).count()
                for _ in range(max(missing, 0)):
                    self._make_person(team, workers[index])
                    added += 1

        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({added} people added)."))
        self.stdout.write("Sign in at /accounts/login/ with any of these, password: " + password)
        for email, name, role, _ in STAFF:
            self.stdout.write(f"  {email:<22} {name} ({Role(role).label})")

    def _make_person(self, team, worker) -> None:
        named_worker = worker if random.random() < 0.6 else None  # noqa: S311
        person = PersonFactory(team=team, created_by=worker, named_worker=named_worker)
        if random.random() < 0.85:  # noqa: S311
            WhatMattersFactory(person=person, recorded_by=worker)
        for kind, most in ((EntryKind.STRENGTH, 3), (EntryKind.INTEREST, 3), (EntryKind.NEED, 2)):
            for _ in range(random.randint(0, most)):  # noqa: S311
                ProfileEntryFactory(person=person, kind=kind, recorded_by=worker)
        for _ in range(random.randint(0, 2)):  # noqa: S311
            PersonInLifeFactory(person=person, recorded_by=worker)
