"""The factories, in one place for tests (they live in the apps because
seed_demo makes demo data with them too)."""

from conversations.factories import (
    AgreedActionFactory,
    ConversationFactory,
    FollowUpFactory,
    RiskDecisionFactory,
    ThemeFactory,
)
from deal.factories import TeamFactory, UserFactory
from people.factories import (
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    WhatMattersFactory,
)

__all__ = [
    "AgreedActionFactory",
    "ConversationFactory",
    "FollowUpFactory",
    "PersonFactory",
    "PersonInLifeFactory",
    "ProfileEntryFactory",
    "RiskDecisionFactory",
    "TeamFactory",
    "ThemeFactory",
    "UserFactory",
    "WhatMattersFactory",
]
