"""Load demo data: two teams, four staff logins and about 60 people.

Safe to run again: teams and staff are found or made, people are only added
up to the target. The demo password is DEMO_PASSWORD, or a new random one,
printed at the end.
"""

import datetime as dt
import os
import random
import secrets

import factory.random
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from conversations.factories import AgreedActionFactory, ConversationFactory, FollowUpFactory
from conversations.models import (
    ActionStatus,
    ConversationKind,
    ConversationStatus,
    FollowUpKind,
    Owner,
    Place,
    Theme,
)
from deal.factories import TeamFactory, UserFactory, join_team
from deal.models import Role, User
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

TEAMS = ["Wigan Central Community Team", "Leigh and Atherton Community Team"]
# Ofcom's drama range: numbers that reach nobody.
TEAM_CONTACTS = [
    ("01632 960 101", "wigan.central@example.org"),
    ("01632 960 202", "leigh.atherton@example.org"),
]
STAFF = [
    ("worker@example.org", "Sam Ashworth", Role.FRONTLINE, [0]),
    ("manager@example.org", "Priya Shah", Role.MANAGER, [0]),
    ("worker2@example.org", "Dan Hughes", Role.FRONTLINE, [1]),
    ("admin@example.org", "Alex Morgan", Role.ADMIN, []),
    ("ig@example.org", "Jo Whitfield", Role.IG, []),
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
            for team, (phone, email) in zip(teams, TEAM_CONTACTS, strict=True):
                team.contact_phone, team.contact_email = phone, email
                team.save(update_fields=["contact_phone", "contact_email"])
            staff = {}
            for email, name, role, team_indexes in STAFF:
                user = User.objects.filter(email=email).first() or UserFactory(
                    email=email, full_name=name, role=role
                )
                user.full_name, user.role, user.is_active = name, role, True
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                if role in (Role.ADMIN, Role.IG):
                    user.admin_confirmed_at = user.admin_confirmed_at or timezone.now()
                user.set_password(password)
                user.save()
                user.memberships.exclude(team__in=[teams[i] for i in team_indexes]).delete()
                staff[email] = user
            # Demo joins are confirmed by the demo manager (her own by nobody:
            # she was there first).
            manager = staff["manager@example.org"]
            for email, _name, _role, team_indexes in STAFF:
                for i in team_indexes:
                    confirmer = None if staff[email] == manager else manager
                    join_team(staff[email], teams[i], confirmed_by=confirmer)

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
        if random.random() < 0.7:
            self._make_conversations(person, worker)

    def _make_conversations(self, person, worker) -> None:
        """A few conversations over recent months, with agreed actions in every
        state: some done, some honestly not done, some overdue."""
        themes = list(Theme.objects.filter(is_active=True))
        today = timezone.localdate()
        count = random.randint(1, 3)
        for number in range(count):
            days_ago = (count - number) * random.randint(20, 40)
            happened_at = timezone.now() - dt.timedelta(days=days_ago, hours=random.randint(1, 6))
            draft = number == count - 1 and random.random() < 0.15
            wellbeing = random.random() < 0.6
            conversation = ConversationFactory(
                person=person,
                recorded_by=worker,
                happened_at=happened_at,
                place=random.choice(Place.values),
                kind=ConversationKind.FIRST
                if number == 0
                else random.choice(
                    [
                        ConversationKind.FOLLOW_UP,
                        ConversationKind.GOOD_LIFE,
                        ConversationKind.CRISIS,
                    ]
                ),
                what_matters=person.what_matters.first().text
                if person.what_matters.exists()
                else "",
                status=ConversationStatus.DRAFT if draft else ConversationStatus.COMPLETE,
                completed_at=None if draft else happened_at,
                life_satisfaction=random.randint(3, 9) if wellbeing else None,
                worthwhile=random.randint(3, 9) if wellbeing else None,
                happiness=random.randint(2, 9) if wellbeing else None,
                anxiety=random.randint(1, 8) if wellbeing else None,
            )
            conversation.themes.set(random.sample(themes, k=min(len(themes), random.randint(1, 3))))
            conversation.profile_entries.set(person.entries.all()[:3])
            for _ in range(random.randint(1, 3)):
                self._make_action(conversation, worker, happened_at, today)

    def _make_action(self, conversation, worker, agreed_at, today) -> None:
        agreed_on = timezone.localtime(agreed_at).date()
        owner = random.choice(Owner.values)
        names = {
            Owner.SOMEONE_IN_LIFE: "Their daughter",
            Owner.PARTNER: random.choice(
                ["Citizens Advice Wigan", "Wigan and Leigh Housing", "Age UK Wigan Borough"]
            ),
            Owner.COMMUNITY: random.choice(
                [
                    "Thursday Knit and Natter",
                    "Leigh Spinners Mill walking group",
                    "Hindley men's shed",
                ]
            ),
        }
        due = agreed_on + dt.timedelta(days=random.randint(7, 45))
        status = ActionStatus.OPEN
        if conversation.is_draft:
            # Not agreed until the conversation is completed.
            status = ActionStatus.DRAFT
        elif due < today and random.random() < 0.7:
            status = random.choice([ActionStatus.DONE, ActionStatus.DONE, ActionStatus.NOT_DONE])
        action = AgreedActionFactory(
            conversation=conversation,
            owner_type=owner,
            owner_user=worker if owner == Owner.STAFF else None,
            owner_name=names.get(owner, ""),
            due=due,
            status=status,
            status_reason="They were in hospital that week"
            if status == ActionStatus.NOT_DONE
            else "",
            created_by=worker,
            created_at=agreed_at,
        )
        if status not in (ActionStatus.OPEN, ActionStatus.DRAFT):
            FollowUpFactory(
                action=action,
                kind=FollowUpKind.STATUS,
                from_status=ActionStatus.OPEN,
                to_status=status,
                note=action.status_reason,
                by=worker,
                at=timezone.make_aware(dt.datetime.combine(min(due, today), dt.time(15, 0))),
            )
