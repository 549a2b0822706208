"""What the conversations app contributes to pages put together from several
apps (deal/sections.py): the profile's actions, wellbeing and timeline, and
My work's actions, drafts and recent conversations."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from conversations.models import (
    DUE_SOON_DAYS,
    AgreedAction,
    Conversation,
    ConversationStatus,
)
from conversations.review import new_comments_in
from conversations.timeline import person_timeline
from conversations.wellbeing import person_wellbeing
from deal.models import staff_name_fields
from deal.prepared import prepared
from deal.sections import (
    MY_WORK_LIST_LENGTH,
    Section,
    first_and_more_of,
    first_and_more_query,
    register,
)
from people.models import name_fields, seen_by

# What My work's lists show of a conversation, besides its person's name.
LISTED = ("kind", "happened_at", "status", "person_id")


def record_button(request, person) -> dict:
    return {}


# What the profile's list of open actions shows of each.
OPEN_ACTION_COLUMNS = ("what", "due", "status", "owner_type", "owner_name", "owner_user", "person")


@prepared
def _open_actions(*, person_id: int, today: dt.date):
    # On every profile, so prepared (deal.prepared).
    return (
        AgreedAction.objects.filter(person=person_id)
        .open()
        .overdue_first(today)
        .select_related("owner_user")
        .only(*OPEN_ACTION_COLUMNS, *staff_name_fields("owner_user"))
    )


def open_actions(request, person) -> dict:
    actions = _open_actions(person_id=person.pk, today=timezone.localdate())
    for action in actions:
        action.person = person  # for owner_display, without a query each
    return {"open_actions": actions}


def wellbeing(request, person) -> dict:
    return {"wellbeing": person_wellbeing(person)}


def timeline(request, person) -> dict:
    return {
        "timeline": person_timeline(
            person,
            before=request.GET.get("timeline_before"),
            after=request.GET.get("timeline_after"),
        )
    }


# My work's lists are prepared queries (deal.prepared): the same on every
# request but for the user, their teams and the day.


@prepared
def _my_actions(*, team_ids, closed, user_id: int, until: dt.date):
    # All open, so soonest due first is overdue first (overdue_first's CASE
    # adds nothing), and action_responsible_idx gives them in that order.
    # The list shows each action's person, so only that is joined.
    return first_and_more_query(
        AgreedAction.objects.visible_in(team_ids, closed)
        .responsible(user_id)
        .due_by(until)
        .select_related("person")
        .only("what", "due", "status", "person_id", *name_fields("person"))
        .order_by("due", "id")
    )


def my_actions(request, subject) -> dict:
    until = timezone.localdate() + dt.timedelta(days=DUE_SOON_DAYS)
    rows = _my_actions(**seen_by(request.user), user_id=request.user.pk, until=until)
    shown, more = first_and_more_of(rows)
    return {
        "my_actions": shown,
        "my_actions_more": more,
        "due_soon_days": DUE_SOON_DAYS,
    }


@prepared
def _drafts(*, team_ids, closed, user_id: int):
    return first_and_more_query(
        Conversation.objects.visible_in(team_ids, closed)
        .drafts_of(user_id)
        .select_related("person")
        .only(*LISTED, *name_fields("person"))
    )


def drafts(request, subject) -> dict | None:
    shown, more = first_and_more_of(_drafts(**seen_by(request.user), user_id=request.user.pk))
    if not shown:
        return None
    return {"drafts": shown, "drafts_more": more}


@prepared
def _recent(*, team_ids, closed, user_id: int):
    return (
        Conversation.objects.visible_in(team_ids, closed)
        .filter(recorded_by=user_id, status=ConversationStatus.COMPLETE)
        .select_related("person")
        .only(*LISTED, *name_fields("person"))[:MY_WORK_LIST_LENGTH]
    )


def recent(request, subject) -> dict:
    return {"recent": _recent(**seen_by(request.user), user_id=request.user.pk)}


def links(request, subject) -> dict:
    return {}


def register_sections() -> None:
    register(
        "profile_buttons",
        Section("record", "conversations/sections/record_button.html", record_button, 10),
    )
    register(
        "profile",
        Section("open_actions", "conversations/sections/open_actions.html", open_actions, 20),
    )
    register(
        "profile", Section("wellbeing", "conversations/sections/wellbeing.html", wellbeing, 30)
    )
    register("profile", Section("timeline", "conversations/sections/timeline.html", timeline, 90))
    register(
        "my_work", Section("my_actions", "conversations/sections/my_actions.html", my_actions, 10)
    )
    register("my_work", Section("drafts", "conversations/sections/drafts.html", drafts, 30))
    register("my_work", Section("recent", "conversations/sections/recent.html", recent, 50))
    register("my_work_links", Section("actions", "conversations/sections/links.html", links, 20))
    register_review_sections()


@prepared
def _new_comments(*, team_ids, closed, user_id: int):
    return new_comments_in(team_ids, closed, user_id).only(
        "conversation_id",
        "at",
        "text",
        "marks_reviewed",
        *staff_name_fields("by"),
        *(f"conversation__{name}" for name in LISTED),
        *name_fields("conversation__person"),
    )[:MY_WORK_LIST_LENGTH]


def new_comments(request, subject) -> dict | None:
    """Managers' comments on the user's conversations, until they open them."""
    comments = _new_comments(**seen_by(request.user), user_id=request.user.pk)
    return {"new_comments": comments} if comments else None


def register_review_sections() -> None:
    register(
        "my_work",
        Section("new_comments", "conversations/sections/new_comments.html", new_comments, 5),
    )
