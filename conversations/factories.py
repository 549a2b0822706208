"""factory-boy factories for conversations and agreed actions: used by the
tests and by seed_demo."""

import datetime as dt

import factory
from django.utils import timezone

from conversations.models import (
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationKind,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    Owner,
    Place,
    Theme,
)
from people.factories import PersonFactory

factory.Faker._DEFAULT_LOCALE = "en_GB"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["name"]

    name = factory.Iterator(["Loneliness", "Money", "Housing", "Health", "Work", "Family"])


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    person = factory.SubFactory(PersonFactory)
    team = factory.SelfAttribute("person.team")
    recorded_by = factory.SelfAttribute("person.created_by")
    happened_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    place = Place.HOME
    kind = ConversationKind.FIRST
    what_matters = "Seeing my grandchildren every week."
    status = ConversationStatus.COMPLETE
    completed_at = factory.LazyAttribute(lambda o: o.happened_at)


class AgreedActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreedAction

    conversation = factory.SubFactory(ConversationFactory)
    person = factory.SelfAttribute("conversation.person")
    team = factory.SelfAttribute("conversation.person.team")
    what = factory.Iterator(
        [
            "Ring the credit union about a loan",
            "Go along to the Thursday knit and natter group",
            "Refer to Citizens Advice for help with the bills",
            "Ask the GP about a hearing test",
        ]
    )
    owner_type = Owner.STAFF
    owner_user = factory.SelfAttribute("conversation.recorded_by")
    responsible = factory.LazyAttribute(lambda o: o.owner_user or o.conversation.recorded_by)
    due = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    status = ActionStatus.OPEN
    created_by = factory.SelfAttribute("conversation.recorded_by")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    action = factory.SubFactory(AgreedActionFactory)
    kind = FollowUpKind.NOTE
    note = "Rang them; they have an appointment next week."
    by = factory.SelfAttribute("action.created_by")
