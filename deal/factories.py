"""factory-boy factories for staff and teams: used by the tests and by
seed_demo, so demo data and test data are made the same way."""

import factory

from deal.models import Role, Team, User

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

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)
