"""Demo conversations for most of the people added by this run, over recent
months, with agreed actions in every state and their follow-ups; and
positive-risk decisions in every state."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from conversations.factories import (
    AgreedActionFactory,
    ConversationFactory,
    FollowUpFactory,
    RiskDecisionFactory,
)
from conversations.models import (
    ActionStatus,
    Conversation,
    ConversationComment,
    ConversationKind,
    ConversationStatus,
    DecisionOutcome,
    DecisionStatus,
    DecisionStep,
    DecisionStepKind,
    FollowUpKind,
    Owner,
    Place,
    RiskDecision,
    Theme,
)


def add_demo_data(demo) -> None:
    for person, worker in demo.new_people:
        if random.random() < 0.7:
            _make_conversations(person, worker)
    _make_decisions(demo)
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


# Positive-risk decisions with the first people of the demo worker's team, one
# in each state, so every page and My work have something to show.
DECISIONS = [
    # (what, state, days until the review date, outcome, what was learned)
    ("Go to the match on her own by bus", DecisionStatus.WAITING, 28, "", ""),
    ("Cook his own tea with the gas hob", DecisionStatus.TALK_FIRST, 21, "", ""),
    ("Walk to the allotment alone in the mornings", DecisionStatus.BACKED, 14, "", ""),
    ("Look after her own medicines again", DecisionStatus.BACKED, -3, "", ""),
    (
        "Stay at home with support rather than move into a care home",
        DecisionStatus.OUTCOME_RECORDED,
        -10,
        DecisionOutcome.WENT_WELL,
        "A week's trial with the night sitter first made everyone confident, him most of all.",
    ),
    (
        "Take the train to Manchester to see her sister",
        DecisionStatus.OUTCOME_RECORDED,
        -20,
        DecisionOutcome.NOT_AS_HOPED,
        "The change at Bolton was too much on a busy day. Next time: the direct train, "
        "and a practice run on a Sunday.",
    ),
]


def _make_decisions(demo) -> None:
    worker = demo.workers.get(0)
    manager = demo.staff.get("manager@example.org")
    if worker is None or manager is None:
        return
    people = [p for p, w in demo.new_people if w == worker][: len(DECISIONS)]
    themes = list(Theme.objects.filter(is_active=True))
    now = timezone.now()
    today = timezone.localdate()
    for person, (what, status, review_in, outcome, learning) in zip(
        people, DECISIONS, strict=False
    ):
        proposed_at = now - dt.timedelta(days=max(10, -review_in + 30))
        decided = status in (DecisionStatus.BACKED, DecisionStatus.OUTCOME_RECORDED)
        decision = RiskDecisionFactory(
            person=person,
            proposed_by=worker,
            what=what,
            review_date=today + dt.timedelta(days=review_in),
            status=status,
            backed_by=manager if decided else None,
            backed_at=proposed_at + dt.timedelta(days=2) if decided else None,
            backing_comment="We will back you. Ring me if anything worries you." if decided else "",
            outcome=outcome,
            learning=learning,
            outcome_recorded_by=worker if outcome else None,
            outcome_recorded_at=now - dt.timedelta(days=1) if outcome else None,
        )
        RiskDecision.objects.filter(pk=decision.pk).update(created_at=proposed_at)
        if themes:
            decision.themes.set(random.sample(themes, k=min(len(themes), 2)))
        steps = [(DecisionStepKind.PROPOSED, "", worker, proposed_at)]
        if status == DecisionStatus.TALK_FIRST:
            steps.append(
                (
                    DecisionStepKind.TALK_FIRST,
                    "Can we talk about what happens if he leaves the gas on? Maybe a timer?",
                    manager,
                    proposed_at + dt.timedelta(days=1),
                )
            )
        if decided:
            steps.append(
                (
                    DecisionStepKind.BACKED,
                    decision.backing_comment,
                    manager,
                    decision.backed_at,
                )
            )
        if outcome:
            steps.append(
                (
                    DecisionStepKind.OUTCOME,
                    f"{DecisionOutcome(outcome).label}. {learning}",
                    worker,
                    decision.outcome_recorded_at,
                )
            )
        DecisionStep.objects.bulk_create(
            DecisionStep(decision=decision, kind=kind, note=note, by=by, at=at)
            for kind, note, by, at in steps
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
    closed = status not in (ActionStatus.OPEN, ActionStatus.DRAFT)
    # Closed the afternoon it was due (or today), as its trail says, so that
    # "Closed in the last 30 days" finds it.
    closed_at = timezone.make_aware(dt.datetime.combine(min(due, today), dt.time(15, 0)))
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
        closed_at=closed_at if closed else None,
    )
    if closed:
        FollowUpFactory(
            action=action,
            kind=FollowUpKind.STATUS,
            from_status=ActionStatus.OPEN,
            to_status=status,
            note=action.status_reason,
            by=worker,
            at=closed_at,
        )
