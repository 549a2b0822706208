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
from math import ceil

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator

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
    # What the entry says beneath its title, a line each.
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timeline:
    """A page of events (`page.object_list` holds TimelineEvents); the shared
    pagination include draws its links from the page."""

    page: Page

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
    # The steps of one follow-up save (a new status and a note, say) share
    # their moment: they are one entry, found by its first step.
    earlier_step = FollowUp.objects.filter(
        action=OuterRef("action"), at=OuterRef("at"), id__lt=OuterRef("id")
    )
    follow_ups = columns(
        FollowUp.objects.filter(action__person=person).filter(~Exists(earlier_step)),
        FOLLOW_UP,
        "at",
    )
    return conversations.union(actions, follow_ups, all=True).order_by(
        "-event_at", "-event_kind", "-event_id"
    )


def person_timeline(person: Person, page_number: int | str | None = None) -> Timeline:
    """The page of the person's timeline asked for: the first page when the
    number is missing or not a number, the last when it is past the end."""
    events = _events_of(person)
    try:
        # Past any real timeline: a number too big for the database's OFFSET
        # is simply past the end.
        number = min(int(page_number), 10**9)
    except (TypeError, ValueError):
        number = 1
    rows, total = _page_and_total(events, number) if number >= 1 else ([], 0)
    if not rows and number != 1:
        # Past the end (an old link), or below the first: the last page, as
        # Paginator.get_page does.
        total = events.count()
        number = max(ceil(total / EVENTS_PER_PAGE), 1)
        rows, total = _page_and_total(events, number)
    paginator = Paginator(events, EVENTS_PER_PAGE)
    # The count came with the page, so the paginator does not ask again.
    paginator.__dict__["count"] = total
    page = Page(_read_events(person, rows), number, paginator)
    return Timeline(page=page)


def _page_and_total(events: QuerySet, number: int) -> tuple[list[tuple], int]:
    """A page of (at, kind, id) rows and the number of events in all, in one
    round trip (a window count over the UNION) rather than two."""
    sql, params = events.query.sql_with_params()
    query = (
        "SELECT event_at, event_kind, event_id, COUNT(*) OVER () "  # noqa: S608 - our own SQL
        f"FROM ({sql}) events ORDER BY event_at DESC, event_kind DESC, event_id DESC "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, EVENTS_PER_PAGE, (number - 1) * EVENTS_PER_PAGE])
        fetched = cursor.fetchall()
    total = fetched[0][3] if fetched else 0
    return [(_as_datetime(at), kind, pk) for at, kind, pk, _ in fetched], total


def _as_datetime(value) -> dt.datetime:
    """A raw cursor on SQLite gives text or naive UTC datetimes, which the ORM
    would have converted; PostgreSQL's are already aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _read_events(person: Person, rows: list[tuple]) -> list[TimelineEvent]:
    """The objects behind a page of (at, kind, id) rows: one query per kind
    that is on the page."""
    ids: dict[int, list[int]] = defaultdict(list)
    for _at, kind, pk in rows:
        ids[kind].append(pk)
    conversations = (
        Conversation.objects.select_related("recorded_by")
        .annotate(
            agreed=Count("actions", filter=~Q(actions__status=ActionStatus.DRAFT)),
            unfinished=Count("actions", filter=Q(actions__status=ActionStatus.DRAFT)),
        )
        .in_bulk(ids[CONVERSATION])
        if ids[CONVERSATION]
        else {}
    )
    actions = (
        AgreedAction.objects.select_related("owner_user", "created_by", "responsible").in_bulk(
            ids[ACTION]
        )
        if ids[ACTION]
        else {}
    )
    firsts = FollowUp.objects.filter(pk__in=ids[FOLLOW_UP]) if ids[FOLLOW_UP] else []
    steps: dict[tuple[int, dt.datetime], list[FollowUp]] = defaultdict(list)
    if ids[FOLLOW_UP]:
        # Every step of the saves on this page, in one query.
        for step in (
            FollowUp.objects.select_related("by", "action")
            .filter(
                action_id__in=firsts.values("action_id"),
                at__in=firsts.values("at"),
            )
            .order_by("at", "id")
        ):
            steps[(step.action_id, step.at)].append(step)
    follow_ups = {group[0].pk: group for group in steps.values()}

    events = []
    for at, kind, pk in rows:
        if kind == CONVERSATION:
            conversation = conversations[pk]
            conversation.person = person
            events.append(
                TimelineEvent(
                    kind="conversation",
                    at=at,
                    title=conversation_title(conversation),
                    by=conversation.recorded_by,
                    item=conversation,
                    details=conversation_details(conversation),
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
            group = follow_ups[pk]
            events.append(
                TimelineEvent(
                    kind="follow_up",
                    at=at,
                    title=_joined([follow_up_title(step) for step in group if step.kind != "note"])
                    or "Follow-up note",
                    by=group[0].by,
                    item=group[0],
                    details=tuple(_step_detail(step) for step in group if step.note),
                )
            )
    return events


def follow_up_title(follow_up: FollowUp) -> str:
    if follow_up.kind == FollowUpKind.STATUS:
        if follow_up.to_status == ActionStatus.OPEN:
            return "Action reopened"
        return f"Action marked {follow_up.get_to_status_display().lower()}"
    if follow_up.kind == FollowUpKind.DUE and follow_up.from_due and follow_up.to_due:
        return f"Due date moved from {follow_up.from_due:%-d %B %Y} to {follow_up.to_due:%-d %B %Y}"
    return {
        FollowUpKind.NOTE: "Follow-up note",
        FollowUpKind.REASSIGNED: "Action handed on",
        FollowUpKind.CHANGED: "Action corrected",
    }.get(follow_up.kind, "Action followed up")


def conversation_title(conversation: Conversation) -> str:
    kind = conversation.get_kind_display() or "Conversation"
    where = conversation.get_place_display()
    return f"{kind}, {where[:1].lower()}{where[1:]}" if where else kind


def conversation_details(conversation: Conversation) -> tuple[str, ...]:
    """What matters (a snippet, when this conversation said it changed) and
    how many actions were agreed."""
    lines = []
    if conversation.what_matters:
        snippet = Truncator(conversation.what_matters).words(12)
        lines.append(f"What matters: “{snippet}”")
    agreed = getattr(conversation, "agreed", 0)
    unfinished = getattr(conversation, "unfinished", 0)
    if agreed:
        lines.append(f"{agreed} action{'s' if agreed != 1 else ''} agreed")
    elif not unfinished:
        lines.append("No actions agreed")
    if unfinished:
        lines.append(f"{unfinished} unfinished action{'s' if unfinished != 1 else ''} in the draft")
    return tuple(lines)


def _joined(titles: list[str]) -> str:
    """ "Action marked done" and "Due date moved…" as one title."""
    if not titles:
        return ""
    rest = [t[:1].lower() + t[1:] for t in titles[1:]]
    return ", ".join([titles[0], *rest])


def _step_detail(step: FollowUp) -> str:
    if step.kind == FollowUpKind.STATUS:
        return f"Why: {step.note}"
    if step.kind == FollowUpKind.DUE:
        return f"Why the date moved: {step.note}"
    if step.kind == FollowUpKind.NOTE:
        return f"Note: {step.note}"
    return step.note
