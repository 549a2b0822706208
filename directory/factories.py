"""Groups for tests and demo data."""

import factory

from directory.models import Category, Organisation, Service, ServiceArea, ServiceCategory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Wigan Community Trust {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A group; `areas` and `categories` may be given as lists."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Thursday walking group {n}")
    description = "A gentle walk round the park, then a cup of tea."
    schedules = factory.LazyFunction(
        lambda: [
            {
                "id": "48102e86-bb50-41c4-8f1e-e269368c41d1",
                "freq": "WEEKLY",
                "interval": 1,
                "byday": "TH",
                "opens_at": "10:00",
                "closes_at": "11:30",
            }
        ]
    )

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        for name in extracted or []:
            ServiceArea.objects.create(service=self, name=name)
        if create:
            self.refresh_search()
            self.save(update_fields=["search_text", "search_areas"])

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        for category in extracted or []:
            ServiceCategory.objects.create(service=self, category=category)
