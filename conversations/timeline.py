"""A person's timeline: their conversations, the actions agreed in them and
each follow-up of those actions, newest first, a page at a time.

The three kinds live in three tables. One UNION of (when, kind, id) over them
is ordered and paged in the database, then the objects on the page are read,
one small query per kind. So a page costs the same few queries whether the
person has five events or five thousand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, IntegerField, QuerySet, Value

from conversations.models import (
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
)
from deal.models import User
from people.models import Person

EVENTS_PER_PAGE = 20

# Kinds of event. Numbers rather than words so that the UNION's column has
# the same type on every database; at the same moment the later step in a
# story comes first (a follow-up before the action, the action before the
# conversation it was agreed in).
CONVERSATION = 1
ACTION = 2
FOLLOW_UP = 3


@dataclass(frozen=True)
class TimelineEvent:
    """One entry on the timeline. `item` is the Conversation, AgreedAction or
    FollowUp itself, read with what the timeline shows of it."""

    kind: str
    at: dt.datetime
    title: str
    by: User
    item: Conversation | AgreedAction | FollowUp


@dataclass(frozen=True)
class Timeline:
    """A page of events (`page.object_list` holds TimelineEvents) and the page
    numbers to offer, with None where some are left out ("1 … 4 5 6 … 9")."""

    page: Page
    page_numbers: list[int | None]

    @property
    def events(self) -> list[TimelineEvent]:
        return self.page.object_list

    @property
    def is_empty(self) -> bool:
        return self.page.paginator.count == 0


def _events_of(person: Person) -> QuerySet:
    """(at, kind, id) of every event in the person's record, newest first."""

    def columns(qs: QuerySet, kind: int, at: str) -> QuerySet:
        # The same annotations in the same order on every part of the UNION;
        # order_by() drops each model's default ordering, which a part of a
        # UNION may not have.
        return (
            qs.order_by()
            .annotate(
                event_at=F(at),
                event_kind=Value(kind, output_field=IntegerField()),
                event_id=F("pk"),
            )
            .values_list("event_at", "event_kind", "event_id")
        )

    # A discarded draft is gone; a draft's actions are not agreed yet.
    conversations = columns(
        Conversation.objects.filter(person=person).exclude(status=ConversationStatus.DISCARDED),
        CONVERSATION,
        "happened_at",
    )
    actions = columns(
        AgreedAction.objects.filter(person=person).exclude(status=ActionStatus.DRAFT),
        ACTION,
        "created_at",
    )
    follow_ups = columns(FollowUp.objects.filter(action__person=person), FOLLOW_UP, "at")
    return conversations.union(actions, follow_ups, all=True).order_by(
        "-event_at", "-event_kind", "-event_id"
    )


def person_timeline(person: Person, page_number: int | str | None = None) -> Timeline:
    """The page of the person's timeline asked for: the first page when the
    number is missing or not a number, the last when it is past the end."""
    paginator = Paginator(_events_of(person), EVENTS_PER_PAGE)
    page = paginator.get_page(page_number)
    page.object_list = _read_events(person, list(page.object_list))
    page_numbers = [
        None if n == Paginator.ELLIPSIS else n
        for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Timeline(page=page, page_numbers=page_numbers)


def _read_events(person: Person, rows: list[tuple]) -> list[TimelineEvent]:
    """The objects behind a page of (at, kind, id) rows: one query per kind
    that is on the page."""
    ids: dict[int, list[int]] = defaultdict(list)
    for _at, kind, pk in rows:
        ids[kind].append(pk)
    conversations = (
        Conversation.objects.select_related("recorded_by").in_bulk(ids[CONVERSATION])
        if ids[CONVERSATION]
        else {}
    )
    actions = (
        AgreedAction.objects.select_related("owner_user", "created_by").in_bulk(ids[ACTION])
        if ids[ACTION]
        else {}
    )
    follow_ups = (
        FollowUp.objects.select_related("by", "action").in_bulk(ids[FOLLOW_UP])
        if ids[FOLLOW_UP]
        else {}
    )

    events = []
    for at, kind, pk in rows:
        if kind == CONVERSATION:
            conversation = conversations[pk]
            conversation.person = person
            events.append(
                TimelineEvent(
                    kind="conversation",
                    at=at,
                    title=conversation.get_kind_display() or "Conversation",
                    by=conversation.recorded_by,
                    item=conversation,
                )
            )
        elif kind == ACTION:
            action = actions[pk]
            # owner_display names the person when they will do it themself.
            action.person = person
            events.append(
                TimelineEvent(
                    kind="action", at=at, title="Action agreed", by=action.created_by, item=action
                )
            )
        else:
            follow_up = follow_ups[pk]
            events.append(
                TimelineEvent(
                    kind="follow_up",
                    at=at,
                    title=follow_up_title(follow_up),
                    by=follow_up.by,
                    item=follow_up,
                )
            )
    return events


def follow_up_title(follow_up: FollowUp) -> str:
    if follow_up.kind == FollowUpKind.STATUS:
        if follow_up.to_status == ActionStatus.OPEN:
            return "Action reopened"
        return f"Action marked {follow_up.get_to_status_display().lower()}"
    return {
        FollowUpKind.NOTE: "Follow-up note",
        FollowUpKind.REASSIGNED: "Action reassigned",
        FollowUpKind.CHANGED: "Action corrected",
    }.get(follow_up.kind, "Action followed up")
