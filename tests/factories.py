"""The factories, in one place for tests (they live in the apps because
seed_demo makes demo data with them too)."""

from deal.factories import TeamFactory, UserFactory
from people.factories import (
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    WhatMattersFactory,
)

__all__ = [
    "PersonFactory",
    "PersonInLifeFactory",
    "ProfileEntryFactory",
    "TeamFactory",
    "UserFactory",
    "WhatMattersFactory",
]
