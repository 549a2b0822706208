"""factory-boy factories for staff and teams: used by the tests and by
seed_demo, so demo data and test data are made the same way."""

import factory
from django.utils import timezone

from deal.models import ROLES_CONFIRMED_BY_ADMINS, Membership, Role, Team, User

factory.Faker._DEFAULT_LOCALE = "en_GB"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Community team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    role = Role.FRONTLINE
    password = factory.django.Password("correct horse battery staple")
    # Admins made for tests and the demo are confirmed ones.
    admin_confirmed_at = factory.LazyAttribute(
        lambda user: timezone.now() if user.role in ROLES_CONFIRMED_BY_ADMINS else None
    )

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        # Confirmed members, as most staff are; see join_team for the rest.
        if create and extracted:
            for team in extracted:
                join_team(self, team)


def join_team(user: User, team: Team, *, confirmed_by: User | None = None, confirmed=True):
    """Put a user in a team: confirmed (by `confirmed_by`, or nobody) or waiting."""
    membership, _ = Membership.objects.update_or_create(
        user=user,
        team=team,
        defaults={
            "confirmed_by": confirmed_by,
            "confirmed_at": timezone.now() if confirmed else None,
        },
    )
    user.__dict__.pop("_membership_rows", None)
    return membership
