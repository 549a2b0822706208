"""A person's timeline: their conversations, the actions agreed in them and
each follow-up of those actions, newest first, a page at a time.

The three kinds live in three tables. Pages are found by key, not by number
(keyset paging): each kind gives the next 21 (when, kind, id) rows after the
last one shown, walking its (person, when) index, one UNION of the three
picks the 20 that come first and tells whether there are more, and then the
objects on the page are read, one small query per kind. So a page costs the
same few queries, and reads the same few rows, whether the person has five
events or five thousand (counting them, or skipping to page 50 with OFFSET,
would read them all).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

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
from deal.models import User, staff_name_fields
from people.models import Person

EVENTS_PER_PAGE = 20

# Kinds of event. Numbers rather than words so that the UNION's column has
# the same type on every database; at the same moment the later step in a
# story comes first (a follow-up before the action, the action before the
# conversation it was agreed in).
CONVERSATION = 1
ACTION = 2
FOLLOW_UP = 3
KINDS = {str(CONVERSATION), str(ACTION), str(FOLLOW_UP)}


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
    """A page of events, with the keys of the pages either side of it (None
    where there is none)."""

    events: list[TimelineEvent]
    newer: str | None = None
    older: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.events and self.newer is None

    @property
    def is_paged(self) -> bool:
        return bool(self.newer or self.older)


@dataclass(frozen=True, order=True)
class EventKey:
    """Where an event sits in the timeline's order: (when, kind, id)."""

    at: dt.datetime
    kind: int
    id: int

    def __str__(self) -> str:
        return f"{self.at.astimezone(dt.UTC):%Y%m%dT%H%M%S%f}_{self.kind}_{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> EventKey | None:
        """The key in a page link; None for anything else (a link typed by
        hand, an old page number), which shows the newest page."""
        at, kind, pk = ((text or "").split("_") + ["", ""])[:3]
        if not (kind in KINDS and pk.isdigit() and len(pk) < 19 and len(at) == 21):
            return None
        try:
            when = dt.datetime.strptime(at, "%Y%m%dT%H%M%S%f").replace(tzinfo=dt.UTC)
        except ValueError:
            return None
        return cls(when, int(kind), int(pk))


def _kinds_of(person: Person) -> list[tuple[int, str, QuerySet]]:
    """Each kind of event in the person's record: (kind, the column that says
    when, the rows)."""
    # The steps of one follow-up save (a new status and a note, say) share
    # their moment: they are one entry, found by its first step.
    earlier_step = FollowUp.objects.filter(
        action=OuterRef("action"), at=OuterRef("at"), id__lt=OuterRef("id")
    )
    return [
        # A discarded draft is gone; a draft's actions are not agreed yet.
        (
            CONVERSATION,
            "happened_at",
            Conversation.objects.filter(person=person).exclude(status=ConversationStatus.DISCARDED),
        ),
        (
            ACTION,
            "created_at",
            AgreedAction.objects.filter(person=person).exclude(status=ActionStatus.DRAFT),
        ),
        (
            FOLLOW_UP,
            "at",
            FollowUp.objects.filter(action__person=person).filter(~Exists(earlier_step)),
        ),
    ]


def _beyond(kind: int, at: str, key: EventKey, newer: bool) -> Q:
    """The rows of one kind that come after `key` in the timeline's order
    (when, kind, id), going towards older events or, with `newer`, newer ones.
    The kind is the same on every row of a part, so the comparison of the
    three columns comes down to one on when (and id, for the key's own kind)."""
    if kind == key.kind:
        if newer:
            return Q(**{f"{at}__gt": key.at}) | Q(**{at: key.at, "pk__gt": key.id})
        return Q(**{f"{at}__lt": key.at}) | Q(**{at: key.at, "pk__lt": key.id})
    if newer:
        return Q(**{f"{at}__gte" if kind > key.kind else f"{at}__gt": key.at})
    return Q(**{f"{at}__lte" if kind < key.kind else f"{at}__lt": key.at})


def _next_rows(person: Person, key: EventKey | None, newer: bool) -> list[EventKey]:
    """Up to a page and one more of event keys beyond `key` (from the newest
    when there is none), nearest first, in one round trip."""
    direction = "" if newer else "-"
    parts, params = [], []
    for kind, at, rows in _kinds_of(person):
        if key is not None:
            rows = rows.filter(_beyond(kind, at, key, newer))
        part = (
            rows.annotate(
                event_at=F(at),
                event_kind=Value(kind, output_field=IntegerField()),
                event_id=F("pk"),
            )
            .order_by(f"{direction}{at}", f"{direction}pk")
            .values_list("event_at", "event_kind", "event_id")[: EVENTS_PER_PAGE + 1]
        )
        sql, part_params = part.query.sql_with_params()
        # Each part is ordered and limited on its own, so it walks its index
        # and stops; the subselect lets SQLite take an ORDER BY in a UNION.
        parts.append(f"SELECT * FROM ({sql}) part_{kind}")  # noqa: S608 - our own SQL
        params.extend(part_params)
    order = "ASC" if newer else "DESC"
    query = (
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) events "  # noqa: S608 - our own SQL
        f"ORDER BY event_at {order}, event_kind {order}, event_id {order} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, EVENTS_PER_PAGE + 1])
        return [EventKey(_as_datetime(at), kind, pk) for at, kind, pk in cursor.fetchall()]


def person_timeline(
    person: Person, before: str | None = None, after: str | None = None
) -> Timeline:
    """The newest page of the person's timeline, or the page of events just
    older than the key `before`, or just newer than the key `after` (the keys
    of the page links). A key that is not one shows the newest page."""
    newer = EventKey.parse(after)
    older = None if newer else EventKey.parse(before)
    if newer is not None:
        rows = _next_rows(person, newer, newer=True)
        more_newer = len(rows) > EVENTS_PER_PAGE
        rows = rows[:EVENTS_PER_PAGE][::-1]
        if rows:
            return Timeline(
                events=_read_events(person, rows),
                newer=str(rows[0]) if more_newer else None,
                older=str(rows[-1]),
            )
        # Nothing newer than that (a link from before the newest events were
        # discarded, say): the newest page.
    rows = _next_rows(person, older, newer=False)
    more_older = len(rows) > EVENTS_PER_PAGE
    rows = rows[:EVENTS_PER_PAGE]
    return Timeline(
        events=_read_events(person, rows),
        newer=(str(rows[0]) if rows else str(older)) if older is not None else None,
        older=str(rows[-1]) if more_older else None,
    )


def _as_datetime(value) -> dt.datetime:
    """A raw cursor on SQLite gives text or naive UTC datetimes, which the ORM
    would have converted; PostgreSQL's are already aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


# What an entry shows of each record (templates/conversations/sections/
# timeline.html, and the titles and details below).
CONVERSATION_SHOWN = ("kind", "place", "what_matters", "status", "happened_at", "person_id")
ACTION_SHOWN = (
    "what",
    "due",
    "status",
    "owner_type",
    "owner_name",
    "owner_user_id",
    "created_by_id",
    "responsible_id",
    "person_id",
)
FOLLOW_UP_SHOWN = (
    "action_id",
    "kind",
    "note",
    "from_status",
    "to_status",
    "from_due",
    "to_due",
    "by_id",
    "at",
)


def _read_events(person: Person, rows: list[EventKey]) -> list[TimelineEvent]:
    """The objects behind a page of event keys: one query per kind that is on
    the page."""
    ids: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        ids[row.kind].append(row.id)
    # Each read takes only the columns an entry shows: a member of staff is
    # shown by name, and reading every column of three of them for each
    # action took longer than the rest of the timeline together.
    conversations = (
        Conversation.objects.select_related("recorded_by")
        .only(*CONVERSATION_SHOWN, *staff_name_fields("recorded_by"))
        .annotate(
            agreed=Count("actions", filter=~Q(actions__status=ActionStatus.DRAFT)),
            unfinished=Count("actions", filter=Q(actions__status=ActionStatus.DRAFT)),
        )
        .in_bulk(ids[CONVERSATION])
        if ids[CONVERSATION]
        else {}
    )
    actions = (
        AgreedAction.objects.select_related("owner_user", "created_by", "responsible")
        .only(
            *ACTION_SHOWN,
            *staff_name_fields("owner_user"),
            *staff_name_fields("created_by"),
            *staff_name_fields("responsible"),
        )
        .in_bulk(ids[ACTION])
        if ids[ACTION]
        else {}
    )
    firsts = FollowUp.objects.filter(pk__in=ids[FOLLOW_UP]) if ids[FOLLOW_UP] else []
    steps: dict[tuple[int, dt.datetime], list[FollowUp]] = defaultdict(list)
    if ids[FOLLOW_UP]:
        # Every step of the saves on this page, in one query.
        for step in (
            FollowUp.objects.select_related("by", "action")
            .only(
                *FOLLOW_UP_SHOWN,
                *staff_name_fields("by"),
                *(f"action__{name}" for name in ACTION_SHOWN),
            )
            .filter(
                action_id__in=firsts.values("action_id"),
                at__in=firsts.values("at"),
            )
            .order_by("at", "id")
        ):
            steps[(step.action_id, step.at)].append(step)
    follow_ups = {group[0].pk: group for group in steps.values()}

    events = []
    for at, kind, pk in ((row.at, row.kind, row.id) for row in rows):
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
        FollowUpKind.MOVED: "Action moved to another team",
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
