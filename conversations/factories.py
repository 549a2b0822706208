"""factory-boy factories for conversations and agreed actions: used by the
tests and by seed_demo."""

import datetime as dt
import uuid

import factory
from django.utils import timezone

from conversations.models import (
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationKind,
    ConversationStatus,
    DecisionOutcome,
    DecisionStatus,
    FollowUp,
    FollowUpKind,
    Owner,
    Place,
    RiskDecision,
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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Its change history names who recorded it, as when staff save the
        # form (the demo's conversations, too), and carries one save's mark
        # (services.conversation_save): lists chosen on it straight after,
        # as the demo does, are part of the recording, not corrections.
        conversation = model_class(*args, **kwargs)
        conversation._history_user = conversation.recorded_by
        conversation._change_reason = uuid.uuid4().hex
        conversation.save()
        return conversation


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


class RiskDecisionFactory(factory.django.DjangoModelFactory):
    """A positive-risk decision waiting for backing; the traits `backed` and
    `with_outcome` move it on (set `backed_by` to a manager of the team)."""

    class Meta:
        model = RiskDecision

    person = factory.SubFactory(PersonFactory)
    team = factory.SelfAttribute("person.team")
    proposed_by = factory.SelfAttribute("person.created_by")
    what = factory.Iterator(
        [
            "Go to the football on her own by bus",
            "Cook his own tea with the gas hob",
            "Walk to the allotment alone in the mornings",
            "Stay at home with support rather than move into a care home",
        ]
    )
    why_it_matters = "It is what makes the week feel like their own."
    benefits = "Confidence, friends, and getting out of the house."
    what_could_go_wrong = "A fall, or getting lost on the way back."
    risk_of_not_doing = "Lonely at home, losing confidence and the habit of going out."
    what_will_help = "A mobile phone with the team's number, and a trial run with their son."
    their_view = "I know the way. I just need someone to say I can."
    review_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=28))
    status = DecisionStatus.WAITING

    class Params:
        backed = factory.Trait(
            status=DecisionStatus.BACKED,
            backed_at=factory.LazyFunction(timezone.now),
            backing_comment="We will back you.",
        )
        with_outcome = factory.Trait(
            status=DecisionStatus.OUTCOME_RECORDED,
            backed_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30)),
            review_date=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1)),
            outcome=DecisionOutcome.WENT_WELL,
            learning="A trial run first made all the difference.",
            outcome_recorded_by=factory.SelfAttribute("proposed_by"),
            outcome_recorded_at=factory.LazyFunction(timezone.now),
        )
