"""What identifies a person in their conversations, actions and decisions,
removed once their record's retention period has run out (deal.retention).
The rows stay, with their kind, place, themes, dates, statuses and wellbeing
scores, so reports still count them; the words go, from the change history
and the trails too."""

from __future__ import annotations

from conversations.models import (
    AgreedAction,
    Conversation,
    DecisionStep,
    FollowUp,
    RiskDecision,
)
from deal.retention import REMOVED, Anonymiser, register


def anonymise(person_id: int) -> None:
    Conversation.history.filter(person_id=person_id).delete()
    AgreedAction.history.filter(person_id=person_id).delete()
    Conversation.objects.filter(person_id=person_id).update(
        what_matters="", notes="", others_present=""
    )
    AgreedAction.objects.filter(person_id=person_id).update(
        what=REMOVED, owner_name="", status_reason=""
    )
    FollowUp.objects.filter(action__person_id=person_id).update(note="")
    RiskDecision.objects.filter(person_id=person_id).update(
        what=REMOVED,
        why_it_matters="",
        benefits="",
        what_could_go_wrong="",
        risk_of_not_doing="",
        what_will_help="",
        their_view="",
        backing_comment="",
        learning="",
    )
    DecisionStep.objects.filter(decision__person_id=person_id).update(note="")


def register_retention() -> None:
    register(Anonymiser("conversations", anonymise, order=50))
