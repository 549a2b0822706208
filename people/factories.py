"""factory-boy factories for people and their profiles (Faker, en_GB):
used by the tests and by seed_demo."""

import random

import factory
import nhs_number

from deal.factories import TeamFactory, UserFactory
from people.models import (
    ConsentToShare,
    EntryKind,
    LawfulBasis,
    Person,
    PersonInLife,
    PreferredContact,
    ProfileEntry,
    WhatMatters,
)

factory.Faker._DEFAULT_LOCALE = "en_GB"

# Real towns with their real postcode districts, and the street names every
# British town has, so demo addresses read true.
TOWNS = [
    ("Wigan", ["WN1", "WN3", "WN5", "WN6"]),
    ("Leigh", ["WN7"]),
    ("Hindley", ["WN2"]),
    ("Ashton-in-Makerfield", ["WN4"]),
    ("Standish", ["WN6"]),
    ("Atherton", ["M46"]),
    ("Tyldesley", ["M29"]),
]
STREETS = [
    "Church Lane",
    "Station Road",
    "Victoria Street",
    "Mill Lane",
    "Park Road",
    "Manchester Road",
    "Wigan Lane",
    "Bolton Road",
    "Chapel Street",
    "Queen Street",
    "Market Street",
    "Elm Grove",
    "Hawthorn Avenue",
    "Orchard Close",
    "Railway Terrace",
    "Moss Lane",
    "Gidlow Lane",
    "Springfield Road",
    "Kings Road",
    "Ormskirk Road",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

WHAT_MATTERS = [
    "Staying in my own home and keeping my garden nice.",
    "Seeing my grandchildren every week. They keep me going.",
    "Getting back to work, even a few hours. I miss having a reason to get up.",
    "Not being on my own all day since my husband died.",
    "Being able to get to the shops and the library by myself.",
    "Keeping my dog. He is my best friend and I walk him every day.",
    "Singing again. I used to be in the church choir.",
    "Sorting out the money worries so I can sleep at night.",
    "Being a good dad to my two boys.",
    "Feeling useful. I have a lot to give.",
]
STRENGTHS = [
    "Good with people",
    "Very determined",
    "Handy with tools",
    "Great cook",
    "Knows everyone on the street",
    "Patient with children",
    "Good at fixing bikes",
    "Keeps going when things are hard",
    "Organised",
    "Funny, makes people laugh",
]
INTERESTS = [
    "Gardening",
    "Rugby league (Wigan Warriors)",
    "Knitting",
    "Fishing at the flash",
    "Walking the canal",
    "Bingo on Thursdays",
    "Local history",
    "Choir singing",
    "Baking",
    "Pigeons",
    "Football",
    "Crosswords",
]
NEEDS = [
    "Help with bills and letters",
    "Gets lonely in the evenings",
    "Cannot manage the stairs",
    "Needs a lift to hospital appointments",
    "Behind on rent",
    "Help filling in forms",
    "Struggles with reading small print",
    "Wants help to find work",
]
RELATIONSHIPS = [
    ("daughter", "Pops in most days and does the big shop"),
    ("son", "Rings every Sunday"),
    ("neighbour", "Keeps an eye out and takes the bins out"),
    ("friend", "Goes to bingo with them"),
    ("sister", "Helps with letters and forms"),
    ("carer", "Visits twice a day"),
]


def _postcode(outward: str) -> str:
    return f"{outward} {random.randint(1, 9)}{''.join(random.choices(INWARD_LETTERS, k=2))}"


def _town_and_postcode() -> tuple[str, str]:
    town, districts = random.choice(TOWNS)
    return town, _postcode(random.choice(districts))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["place"]

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=95)
    nhs_number = factory.LazyFunction(
        lambda: nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC)[0]
    )
    place = factory.LazyFunction(_town_and_postcode)
    address_line_1 = factory.LazyFunction(
        lambda: f"{random.randint(1, 180)} {random.choice(STREETS)}"
    )
    town = factory.LazyAttribute(lambda o: o.place[0])
    postcode = factory.LazyAttribute(lambda o: o.place[1])
    # Ofcom's range for drama: never a real number.
    phone = factory.Sequence(lambda n: f"07700 900{n % 1000:03d}")
    preferred_contact = factory.Iterator([c for c, _ in PreferredContact.choices])
    lawful_basis = LawfulBasis.PUBLIC_TASK
    consent_to_share = ConsentToShare.YES
    team = factory.SubFactory(TeamFactory)
    created_by = factory.SubFactory(UserFactory)


class WhatMattersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WhatMatters

    person = factory.SubFactory(PersonFactory)
    text = factory.Iterator(WHAT_MATTERS)
    recorded_by = factory.SelfAttribute("person.created_by")


class ProfileEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileEntry

    person = factory.SubFactory(PersonFactory)
    kind = EntryKind.STRENGTH
    text = factory.LazyAttribute(
        lambda o: random.choice(
            {EntryKind.STRENGTH: STRENGTHS, EntryKind.INTEREST: INTERESTS, EntryKind.NEED: NEEDS}[
                o.kind
            ]
        )
    )
    recorded_by = factory.SelfAttribute("person.created_by")


class PersonInLifeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonInLife
        exclude = ["role"]

    person = factory.SubFactory(PersonFactory)
    role = factory.Iterator(RELATIONSHIPS)
    name = factory.Faker("name")
    relationship = factory.LazyAttribute(lambda o: o.role[0])
    how_they_help = factory.LazyAttribute(lambda o: o.role[1])
    contact = factory.Sequence(lambda n: f"07700 900{(n + 500) % 1000:03d}")
    recorded_by = factory.SelfAttribute("person.created_by")
