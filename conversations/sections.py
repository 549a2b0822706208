"""What the conversations app contributes to pages put together from several
apps (deal/sections.py): the profile's actions, wellbeing and timeline, and
My work's actions, drafts and recent conversations."""

from __future__ import annotations

from conversations.models import (
    DUE_SOON_DAYS,
    AgreedAction,
    Conversation,
    ConversationStatus,
)
from conversations.review import new_comments_for
from conversations.timeline import person_timeline
from conversations.wellbeing import person_wellbeing
from deal.models import staff_name_fields
from deal.sections import MY_WORK_LIST_LENGTH, Section, first_and_more, register
from people.models import name_fields

# What My work's lists show of a conversation, besides its person's name.
LISTED = ("kind", "happened_at", "status", "person_id")


def record_button(request, person) -> dict:
    return {}


# What the profile's list of open actions shows of each.
OPEN_ACTION_COLUMNS = ("what", "due", "status", "owner_type", "owner_name", "owner_user", "person")


def open_actions(request, person) -> dict:
    actions = list(
        AgreedAction.objects.filter(person=person)
        .open()
        .overdue_first()
        .select_related("owner_user")
        .only(*OPEN_ACTION_COLUMNS, *staff_name_fields("owner_user"))
    )
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


def my_actions(request, subject) -> dict:
    # All open, so soonest due first is overdue first (overdue_first's CASE
    # adds nothing), and action_responsible_idx gives them in that order.
    # The list shows each action's person, so only that is joined.
    actions = (
        AgreedAction.objects.visible_to(request.user)
        .responsible(request.user)
        .overdue_or_due_soon()
        .select_related("person")
        .only("what", "due", "status", "person_id", *name_fields("person"))
        .order_by("due", "id")
    )
    shown, more = first_and_more(actions)
    return {
        "my_actions": shown,
        "my_actions_more": more,
        "due_soon_days": DUE_SOON_DAYS,
    }


def drafts(request, subject) -> dict | None:
    drafts = (
        Conversation.objects.visible_to(request.user)
        .drafts_of(request.user)
        .select_related("person")
        .only(*LISTED, *name_fields("person"))
    )
    shown, more = first_and_more(drafts)
    if not shown:
        return None
    return {"drafts": shown, "drafts_more": more}


def recent(request, subject) -> dict:
    conversations = (
        Conversation.objects.visible_to(request.user)
        .filter(recorded_by=request.user, status=ConversationStatus.COMPLETE)
        .select_related("person")
        .only(*LISTED, *name_fields("person"))
    )
    return {"recent": conversations[:MY_WORK_LIST_LENGTH]}


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


def new_comments(request, subject) -> dict | None:
    """Managers' comments on the user's conversations, until they open them."""
    comments = list(
        new_comments_for(request.user).only(
            "conversation_id",
            "at",
            "text",
            "marks_reviewed",
            *staff_name_fields("by"),
            *(f"conversation__{name}" for name in LISTED),
            *name_fields("conversation__person"),
        )[:MY_WORK_LIST_LENGTH]
    )
    return {"new_comments": comments} if comments else None


def register_review_sections() -> None:
    register(
        "my_work",
        Section("new_comments", "conversations/sections/new_comments.html", new_comments, 5),
    )
