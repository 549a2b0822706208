"""Demo conversations for most of the people added by this run, over recent
months, with agreed actions in every state and their follow-ups."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from conversations.factories import AgreedActionFactory, ConversationFactory, FollowUpFactory
from conversations.models import (
    ActionStatus,
    Conversation,
    ConversationComment,
    ConversationKind,
    ConversationStatus,
    FollowUpKind,
    Owner,
    Place,
    Theme,
)


def add_demo_data(demo) -> None:
    for person, worker in demo.new_people:
        if random.random() < 0.7:
            _make_conversations(person, worker)
    _add_manager_comment(demo)


def _add_manager_comment(demo) -> None:
    """The demo manager has commented on one of the worker's conversations and
    marked it reviewed, so the worker's My work shows a new comment."""
    manager, worker = demo.staff["manager@example.org"], demo.workers[0]
    if ConversationComment.objects.filter(by=manager).exists():
        return
    conversation = (
        Conversation.objects.filter(recorded_by=worker, status=ConversationStatus.COMPLETE)
        .order_by("-happened_at", "-id")
        .first()
    )
    if conversation is not None:
        ConversationComment.objects.create(
            conversation=conversation,
            by=manager,
            text="Good to see what matters to them in their own words. "
            "Worth asking about the allotment next time.",
            marks_reviewed=True,
            submission_key=uuid.uuid4(),
        )


def _make_conversations(person, worker) -> None:
    """A few conversations over recent months, with agreed actions in every
    state: some done, some honestly not done, some overdue."""
    themes = list(Theme.objects.filter(is_active=True))
    today = timezone.localdate()
    count = random.randint(1, 3)
    for number in range(count):
        days_ago = (count - number) * random.randint(20, 40)
        happened_at = timezone.now() - dt.timedelta(days=days_ago, hours=random.randint(1, 6))
        draft = number == count - 1 and random.random() < 0.15
        wellbeing = random.random() < 0.6
        conversation = ConversationFactory(
            person=person,
            recorded_by=worker,
            happened_at=happened_at,
            place=random.choice(Place.values),
            kind=ConversationKind.FIRST
            if number == 0
            else random.choice(
                [
                    ConversationKind.FOLLOW_UP,
                    ConversationKind.GOOD_LIFE,
                    ConversationKind.CRISIS,
                ]
            ),
            what_matters=person.what_matters.first().text if person.what_matters.exists() else "",
            status=ConversationStatus.DRAFT if draft else ConversationStatus.COMPLETE,
            completed_at=None if draft else happened_at,
            life_satisfaction=random.randint(3, 9) if wellbeing else None,
            worthwhile=random.randint(3, 9) if wellbeing else None,
            happiness=random.randint(2, 9) if wellbeing else None,
            anxiety=random.randint(1, 8) if wellbeing else None,
        )
        conversation.themes.set(random.sample(themes, k=min(len(themes), random.randint(1, 3))))
        conversation.profile_entries.set(person.entries.all()[:3])
        for _ in range(random.randint(1, 3)):
            _make_action(conversation, worker, happened_at, today)


def _make_action(conversation, worker, agreed_at, today) -> None:
    agreed_on = timezone.localtime(agreed_at).date()
    owner = random.choice(Owner.values)
    names = {
        Owner.SOMEONE_IN_LIFE: "Their daughter",
        Owner.PARTNER: random.choice(
            ["Citizens Advice Wigan", "Wigan and Leigh Housing", "Age UK Wigan Borough"]
        ),
        Owner.COMMUNITY: random.choice(
            [
                "Thursday Knit and Natter",
                "Leigh Spinners Mill walking group",
                "Hindley men's shed",
            ]
        ),
    }
    due = agreed_on + dt.timedelta(days=random.randint(7, 45))
    status = ActionStatus.OPEN
    if conversation.is_draft:
        # Not agreed until the conversation is completed.
        status = ActionStatus.DRAFT
    elif due < today and random.random() < 0.7:
        status = random.choice([ActionStatus.DONE, ActionStatus.DONE, ActionStatus.NOT_DONE])
    action = AgreedActionFactory(
        conversation=conversation,
        owner_type=owner,
        owner_user=worker if owner == Owner.STAFF else None,
        owner_name=names.get(owner, ""),
        due=due,
        status=status,
        status_reason="They were in hospital that week" if status == ActionStatus.NOT_DONE else "",
        created_by=worker,
        created_at=agreed_at,
    )
    if status not in (ActionStatus.OPEN, ActionStatus.DRAFT):
        FollowUpFactory(
            action=action,
            kind=FollowUpKind.STATUS,
            from_status=ActionStatus.OPEN,
            to_status=status,
            note=action.status_reason,
            by=worker,
            at=timezone.make_aware(dt.datetime.combine(min(due, today), dt.time(15, 0))),
        )
