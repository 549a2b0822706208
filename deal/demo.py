"""Demo data for the core: two teams and a login for each role.

`manage.py seed_demo` runs each app's `demo.py` in the order of
INSTALLED_APPS, handing each the same DemoData, so an app adds demo records of
its own without the apps below it knowing it exists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.utils import timezone

from deal.factories import TeamFactory, UserFactory, join_team
from deal.models import ROLES_CONFIRMED_BY_ADMINS, PulseAnswer, Role, Team, User

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


@dataclass
class DemoData:
    """What the apps' demo steps share as they run, in order."""

    password: str
    teams: list[Team] = field(default_factory=list)
    staff: dict[str, User] = field(default_factory=dict)
    # Each team's frontline worker, by the team's index in TEAMS.
    workers: dict[int, User] = field(default_factory=dict)
    # People added by this run (not those from an earlier one), with their
    # worker: later apps give them conversations and the like.
    new_people: list = field(default_factory=list)
    # Lines printed when all is done.
    report: list[str] = field(default_factory=list)


def add_demo_data(demo: DemoData) -> None:
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
        if role in ROLES_CONFIRMED_BY_ADMINS:
            user.admin_confirmed_at = user.admin_confirmed_at or timezone.now()
        user.set_password(demo.password)
        user.save()
        user.memberships.exclude(team__in=[teams[i] for i in team_indexes]).delete()
        staff[email] = user
    # Demo joins are confirmed by the demo manager (her own by nobody: she
    # was there first).
    manager = staff["manager@example.org"]
    for email, _name, _role, team_indexes in STAFF:
        for i in team_indexes:
            confirmer = None if staff[email] == manager else manager
            join_team(staff[email], teams[i], confirmed_by=confirmer)
    demo.teams = teams
    demo.staff = staff
    demo.workers = {0: staff["worker@example.org"], 1: staff["worker2@example.org"]}
    _add_pulse(teams)
    demo.report.append("Sign in at /accounts/login/ with any of these, password: " + demo.password)
    for email, name, role, _ in STAFF:
        demo.report.append(f"  {email:<22} {name} ({Role(role).label})")


# Made-up staff pulse answers for the last three complete months: enough from
# the first team to show its figures, too few from the second to show any.
PULSE_ANSWERS_PER_MONTH = {0: 7, 1: 3}


def _add_pulse(teams: list[Team]) -> None:
    from deal.pulse import recent_months

    rng = random.Random("deal-demo-pulse")
    for index, team in enumerate(teams):
        for month in recent_months(4)[:-1]:
            if PulseAnswer.objects.filter(team=team, month=month).exists():
                continue
            PulseAnswer.objects.bulk_create(
                PulseAnswer(
                    team=team,
                    month=month,
                    can_act=rng.choice([3, 4, 4, 5]),
                    backed=rng.choice([2, 3, 4, 4, 5]),
                    right_job=rng.choice([3, 4, 5, 5]),
                )
                for _ in range(PULSE_ANSWERS_PER_MONTH[index])
            )
