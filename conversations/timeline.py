"""A person's timeline: their conversations, the actions agreed in them and
each follow-up of those actions, newest first, a page at a time.

The three kinds live in three tables. Pages are found by key, not by number
(keyset paging): each kind gives the next 21 (when, kind, id) rows after the
last one shown, walking its (person, when) index, and one UNION of the three
picks the 20 that come first and tells whether there are more. The
conversations and actions come in that UNION with what their entries show
(CARRIED); only the follow-ups, whose entry gathers every step of one save,
are read afterwards. So a page costs two queries, and reads the same few
rows, whether the person has five events or five thousand (counting them, or
skipping to page 50 with OFFSET, would read them all).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import IntegerField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from conversations.models import (
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
)
from deal.models import STAFF_NAME_FIELDS, User, staff_name_fields
from deal.prepared import prepared
from deal.templatetags.govuk import govuk_date, govuk_datetime
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
    # Where its link goes: the conversation, or the action (a follow-up's).
    url: str = ""

    # Written here rather than by the template's filters: a page has twenty
    # entries, and each filter and look-up in a template costs more than the
    # work it does.
    @property
    def when(self) -> str:
        """ "4 March 2025 at 2:30pm"."""
        return govuk_datetime(self.at)

    @property
    def when_iso(self) -> str:
        """For <time datetime="…">, in the service's time zone."""
        return timezone.localtime(self.at).isoformat()

    @property
    def html(self) -> SafeString:
        """The entry as MOJ Frontend's timeline item. Written here, each value
        escaped as the template would: twenty entries of a dozen template
        look-ups each were most of the timeline's drawing."""
        url = _escaped(self.url)
        if self.kind == "conversation":
            title = f'<a class="govuk-link" href="{url}">{_escaped(self.title)}</a>'
            description = _DRAFT_TAG if self.item.is_draft else ""
            description += _lines(self.details)
        elif self.kind == "action":
            title = _escaped(self.title)
            action = self.item
            description = (
                f'<p class="govuk-body govuk-!-margin-bottom-1"><a class="govuk-link"'
                f' href="{url}">{_escaped(action.what)}</a></p><p class="govuk-body">Who will do'
                f" it: {_escaped(action.owner_display)}<br>Responsible:"
                f" {_escaped(action.responsible)}<br>Due by {govuk_date(action.due)}</p>"
            )
        else:
            title = _escaped(self.title)
            description = (
                f'<p class="govuk-body govuk-!-margin-bottom-1">Action: <a class="govuk-link"'
                f' href="{url}">{_escaped(self.item.action.what)}</a></p>{_lines(self.details)}'
            )
        return mark_safe(  # noqa: S308 - every value escaped above
            f'<div class="moj-timeline__item"><div class="moj-timeline__header">'
            # A line break between the title and "by …", which MOJ Frontend
            # draws on one line: the space a reader sees between them.
            f'<h3 class="moj-timeline__title">{title}</h3>\n'
            f'<p class="moj-timeline__byline">by {_escaped(self.by)}</p></div>'
            f'<p class="moj-timeline__date"><time datetime="{_escaped(self.when_iso)}">'
            f"{_escaped(self.when)}</time></p>"
            f'<div class="moj-timeline__description">{description}</div></div>'
        )


# As the template escapes a value: text, not what is already safe HTML.
_escaped = conditional_escape

_DRAFT_TAG = (
    '<p class="govuk-body govuk-!-margin-bottom-1">'
    '<strong class="govuk-tag govuk-tag--grey">Draft</strong></p>'
)


def _lines(lines: tuple[str, ...]) -> str:
    """What an entry says beneath its title, in the person's words."""
    return "".join(
        f'<p class="govuk-body govuk-!-margin-bottom-1 app-their-words">{_escaped(line)}</p>'
        for line in lines
    )


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


@dataclass(frozen=True)
class _Kind:
    """One kind of event as a part of the UNION (_part): its table, the
    column that says when, and which of its rows are events (a discarded
    conversation is gone; a draft's actions are not agreed yet; the steps of
    one follow-up save share their moment and are one entry, found by its
    first step). What each part carries besides is in CARRIED_COLUMNS."""

    kind: int
    model: type[models.Model]
    at: str
    # The status a row of the kind must not have ("" for a follow-up).
    not_status: str = ""


KINDS_OF_EVENT = (
    _Kind(CONVERSATION, Conversation, "happened_at", ConversationStatus.DISCARDED.value),
    _Kind(ACTION, AgreedAction, "created_at", ActionStatus.DRAFT.value),
    _Kind(FOLLOW_UP, FollowUp, "at"),
)


def _beyond(kind: int, at: str, pk: str, key_kind: int, newer: bool) -> tuple[str, int]:
    """The condition picking the rows of one kind (its table `t`, when in
    column `at`, its id in `pk`) that come after a key of `key_kind` in the
    timeline's order (when, kind, id), going towards older events or, with
    `newer`, newer ones; and how many of the key's values it takes (when; or
    when, when and id). The kind is the same on every row of a part, so the
    comparison of the three columns comes down to one on when (and id, for
    the key's own kind)."""
    beyond = ">" if newer else "<"
    if kind == key_kind:
        return f"(t.{at} {beyond} %s OR (t.{at} = %s AND t.{pk} {beyond} %s))", 3
    # At the same moment, a kind that comes before the key's in this
    # direction is already past it.
    level = kind > key_kind if newer else kind < key_kind
    return f"t.{at} {beyond}{'=' if level else ''} %s", 1


@dataclass(frozen=True)
class _Row:
    """A row of the UNION: the event's key and what it carries for the
    entry (CARRIED_COLUMNS, by name): a conversation's or an action's
    columns, a follow-up's action."""

    key: EventKey
    carried: dict


@dataclass(frozen=True)
class _Carried:
    """A column the UNION carries for the entries of one kind: a column of
    the part's own row (`field`), a member of staff's name or email
    (`staff`, by the relation naming them) or how many of a conversation's
    actions are agreed (`counted`: "agreed" or "unfinished")."""

    kind: int
    name: str
    field: str = ""
    staff: str = ""
    counted: str = ""


def _carried_columns() -> tuple[_Carried, ...]:
    columns = []
    for kind, fields, staff in (
        (CONVERSATION, CONVERSATION_SHOWN, CONVERSATION_STAFF),
        (ACTION, ACTION_SHOWN, ACTION_STAFF),
    ):
        columns += [_Carried(kind, f"k{kind}_{name}", field=name) for name in fields]
        columns += [
            _Carried(kind, f"k{kind}_{relation}_id", field=f"{relation}_id") for relation in staff
        ]
        columns += [
            _Carried(kind, f"k{kind}_{relation}_{name}", staff=relation, field=name)
            for relation in staff
            for name in STAFF_NAME_FIELDS
        ]
    columns += [
        _Carried(CONVERSATION, f"k{CONVERSATION}_{n}", counted=n) for n in ("agreed", "unfinished")
    ]
    # A follow-up's action: with its moment, which saves' steps to read.
    columns.append(_Carried(FOLLOW_UP, f"k{FOLLOW_UP}_action_id", field="action_id"))
    return tuple(columns)


def _model_field(column: _Carried) -> models.Field:
    """The model field a carried column is read from."""
    if column.staff:
        return User._meta.get_field(column.field)
    model = {CONVERSATION: Conversation, ACTION: AgreedAction, FOLLOW_UP: FollowUp}[column.kind]
    return next(f for f in model._meta.concrete_fields if f.attname == column.field)


def _sql_type(column: _Carried) -> str:
    """The column's type, for the NULL the other kinds' parts give: a bare
    NULL in a subselect is text to PostgreSQL, which a UNION cannot match
    with a date."""
    if column.counted:
        return IntegerField().cast_db_type(connection)
    field = _model_field(column)
    return (field.target_field if field.is_relation else field).cast_db_type(connection)


@functools.cache
def _carrying(kind: int, vendor: str) -> tuple[str, str, tuple]:
    """One kind's part of the UNION around the part's own query: the select
    list and joins before and after it, and their parameters (which come
    before the part's). It carries the key and every carried column: the
    kind's own, and a NULL for every other kind's. The staff are joined and
    a conversation's actions counted outside the part, so only the page's
    rows are looked up and the part still walks its index and stops. The
    same for every person and page, so written once (for each database
    vendor: the NULLs' types are its own)."""
    quote = connection.ops.quote_name
    selected = ["part.event_at", "part.event_kind", "part.event_id"]
    params = []
    for column in CARRIED_COLUMNS:
        if column.kind != kind:
            selected.append(f"CAST(NULL AS {_sql_type(column)})")
        elif column.staff:
            selected.append(
                f"{quote('staff_' + column.staff)}.{quote(_model_field(column).column)}"
            )
        elif column.counted:
            actions = AgreedAction._meta
            same = "=" if column.counted == "unfinished" else "<>"
            selected.append(
                f"(SELECT COUNT(*) FROM {quote(actions.db_table)} counted"  # noqa: S608 - our own SQL
                f" WHERE counted.{quote(actions.get_field('conversation').column)} = part.event_id"
                f" AND counted.{quote(actions.get_field('status').column)} {same} %s)"
            )
            params.append(ActionStatus.DRAFT.value)
        else:
            selected.append(f"part.{quote(_model_field(column).column)}")
    joins = []
    for relation in {CONVERSATION: CONVERSATION_STAFF, ACTION: ACTION_STAFF}.get(kind, ()):
        alias = quote("staff_" + relation)
        joins.append(
            f" LEFT JOIN {quote(User._meta.db_table)} {alias}"
            f" ON {alias}.{quote(User._meta.pk.column)} = part.{quote(relation + '_id')}"
        )
    return f"SELECT {', '.join(selected)} FROM (", f") part{''.join(joins)}", tuple(params)  # noqa: S608 - our own SQL


@functools.cache
def _part(kind: _Kind, key_kind: int | None, newer: bool, vendor: str) -> str:
    """One kind's rows of a page, nearest first, as SQL: the next 21 of the
    person's beyond the key (a key of `key_kind`; none for the newest page),
    walking the kind's (person, when) index and stopping, with the columns
    its entries show (CARRIED_COLUMNS, by name). Written once for each shape
    of page and database vendor, so a page builds no query, only its
    parameters (see _part_params): the ORM took longer to build these three
    than the database to run them."""
    quote = connection.ops.quote_name
    meta = kind.model._meta
    at = quote(meta.get_field(kind.at).column)
    own = [
        f"t.{quote(_model_field(c).column)}"
        for c in CARRIED_COLUMNS
        if c.kind == kind.kind and not (c.staff or c.counted)
    ]
    pk = quote(meta.pk.column)
    selected = ", ".join(
        [f"t.{at} AS event_at", f"{kind.kind} AS event_kind", f"t.{pk} AS event_id", *own]
    )
    if kind.kind == FOLLOW_UP:
        actions = AgreedAction._meta
        action_id = quote(meta.get_field("action").column)
        tables = (
            f"{quote(meta.db_table)} t INNER JOIN {quote(actions.db_table)} a"
            f" ON a.{quote(actions.pk.column)} = t.{action_id}"
        )
        conditions = [
            f"a.{quote(actions.get_field('person').column)} = %s",
            f"NOT EXISTS (SELECT 1 FROM {quote(meta.db_table)} earlier"  # noqa: S608 - our own SQL
            f" WHERE earlier.{action_id} = t.{action_id} AND earlier.{at} = t.{at}"
            f" AND earlier.{pk} < t.{pk})",
        ]
    else:
        tables = f"{quote(meta.db_table)} t"
        conditions = [f"t.{quote(meta.get_field('person').column)} = %s"]
    if kind.not_status:
        conditions.append(f"t.{quote(meta.get_field('status').column)} <> %s")
    if key_kind is not None:
        conditions.append(_beyond(kind.kind, at, pk, key_kind, newer)[0])
    order = "ASC" if newer else "DESC"
    before, after, _carried_params = _carrying(kind.kind, vendor)
    # Each part is ordered and limited on its own, so it walks its index and
    # stops; the subselect lets SQLite take an ORDER BY in a UNION.
    return (
        f"SELECT * FROM ({before}SELECT {selected} FROM {tables}"  # noqa: S608 - our own SQL
        f" WHERE {' AND '.join(conditions)} ORDER BY t.{at} {order}, t.{pk} {order} LIMIT %s"
        f"{after}) part_{kind.kind}"
    )


def _part_params(kind: _Kind, person: Person, key: EventKey | None, newer: bool) -> list:
    """The parameters of _part's SQL, in its order."""
    _before, _after, carried_params = _carrying(kind.kind, connection.vendor)
    params = [*carried_params, person.pk]
    if kind.not_status:
        params.append(kind.not_status)
    if key is not None:
        at = connection.ops.adapt_datetimefield_value(key.at)
        taken = _beyond(kind.kind, "", "", key.kind, newer)[1]
        params.extend([at, at, key.id][:taken])
    params.append(EVENTS_PER_PAGE + 1)
    return params


def _next_rows(person: Person, key: EventKey | None, newer: bool) -> list[_Row]:
    """Up to a page and one more of events beyond `key` (from the newest
    when there is none), nearest first, with what their entries show, in
    one round trip."""
    key_kind = key.kind if key is not None else None
    vendor = connection.vendor
    parts = [_part(kind, key_kind, newer, vendor) for kind in KINDS_OF_EVENT]
    params = [p for kind in KINDS_OF_EVENT for p in _part_params(kind, person, key, newer)]
    order = "ASC" if newer else "DESC"
    query = (
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) events "  # noqa: S608 - our own SQL
        f"ORDER BY event_at {order}, event_kind {order}, event_id {order} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, EVENTS_PER_PAGE + 1])
        return [
            _Row(EventKey(_as_datetime(at), kind, pk), dict(zip(CARRIED_NAMES, rest, strict=True)))
            for at, kind, pk, *rest in cursor.fetchall()
        ]


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
                newer=str(rows[0].key) if more_newer else None,
                older=str(rows[-1].key),
            )
        # Nothing newer than that (a link from before the newest events were
        # discarded, say): the newest page.
    rows = _next_rows(person, older, newer=False)
    more_older = len(rows) > EVENTS_PER_PAGE
    rows = rows[:EVENTS_PER_PAGE]
    return Timeline(
        events=_read_events(person, rows),
        newer=(str(rows[0].key) if rows else str(older)) if older is not None else None,
        older=str(rows[-1].key) if more_older else None,
    )


def _as_datetime(value) -> dt.datetime:
    """A raw cursor on SQLite gives text or naive UTC datetimes, which the ORM
    would have converted; PostgreSQL's are already aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


# What an entry shows of each record (templates/conversations/sections/
# timeline.html, and the titles and details below). A conversation's and an
# action's come in the UNION (CARRIED_COLUMNS); a follow-up's are read with
# the other steps of its save.
CONVERSATION_SHOWN = ("kind", "place", "what_matters", "status")
ACTION_SHOWN = ("what", "due", "status", "owner_type", "owner_name")
# The staff an entry names, by their relation, each by name (User.__str__).
CONVERSATION_STAFF = ("recorded_by",)
ACTION_STAFF = ("owner_user", "created_by", "responsible")
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
CARRIED_COLUMNS = _carried_columns()
CARRIED_NAMES = tuple(column.name for column in CARRIED_COLUMNS)


@prepared
def _steps_of(*, action_ids, first: dt.datetime, last: dt.datetime):
    """The steps of these actions' saves from `first` to `last`. Prepared
    (deal.prepared): by the actions' number alone, not the moments', so that
    a few shapes serve every page."""
    return (
        FollowUp.objects.select_related("by", "action")
        .only(
            *FOLLOW_UP_SHOWN,
            *staff_name_fields("by"),
            *(f"action__{name}" for name in ACTION_SHOWN),
            "action__person_id",
        )
        .filter(action_id__in=action_ids, at__gte=first, at__lte=last)
        .order_by("at", "id")
    )


def _read_events(person: Person, rows: list[_Row]) -> list[TimelineEvent]:
    """The entries of a page: its conversations and actions made from what
    the UNION carried, and its follow-ups read with every step of their
    saves, in one query."""
    steps: dict[tuple[int, dt.datetime], list[FollowUp]] = defaultdict(list)
    saves = {
        (row.carried[f"k{FOLLOW_UP}_action_id"], row.key.at)
        for row in rows
        if row.key.kind == FOLLOW_UP
    }
    if saves:
        # Every step of those actions between the first and the last of those
        # moments: a few rows more than the saves' own where an action had
        # other saves between, which the check below leaves out.
        moments = [at for _action_id, at in saves]
        for step in _steps_of(
            action_ids=[action_id for action_id, _at in saves],
            first=min(moments),
            last=max(moments),
        ):
            if (step.action_id, step.at) in saves:
                steps[(step.action_id, step.at)].append(step)
    follow_ups = {group[0].pk: group for group in steps.values()}

    events = []
    for row in rows:
        at = row.key.at
        if row.key.kind == CONVERSATION:
            conversation = _carried(Conversation, row, person, happened_at=at)
            conversation.agreed = row.carried[f"k{CONVERSATION}_agreed"]
            conversation.unfinished = row.carried[f"k{CONVERSATION}_unfinished"]
            events.append(
                TimelineEvent(
                    kind="conversation",
                    at=at,
                    title=conversation_title(conversation),
                    by=conversation.recorded_by,
                    item=conversation,
                    details=conversation_details(conversation),
                    url=conversation.get_absolute_url(),
                )
            )
        elif row.key.kind == ACTION:
            # owner_display names the person when they will do it themself.
            action = _carried(AgreedAction, row, person, created_at=at)
            events.append(
                TimelineEvent(
                    kind="action",
                    at=at,
                    title="Action agreed",
                    by=action.created_by,
                    item=action,
                    url=action.get_absolute_url(),
                )
            )
        else:
            group = follow_ups[row.key.id]
            events.append(
                TimelineEvent(
                    kind="follow_up",
                    at=at,
                    title=_joined([follow_up_title(step) for step in group if step.kind != "note"])
                    or "Follow-up note",
                    by=group[0].by,
                    item=group[0],
                    details=tuple(_step_detail(step) for step in group if step.note),
                    url=group[0].action.get_absolute_url(),
                )
            )
    return events


def _carried(model: type[models.Model], row: _Row, person: Person, **known):
    """The conversation or action of a row as the ORM would have read it
    with only the columns carried (any other is deferred: reading one by
    mistake costs a query, never a wrong value), with its person and the
    staff it names."""
    kind = row.key.kind
    values = {"id": row.key.id, "person_id": person.pk, **known}
    staff: dict[str, dict] = defaultdict(dict)
    for column in CARRIED_COLUMNS:
        if column.kind != kind or column.counted:
            continue
        value = row.carried[column.name]
        if column.staff:
            staff[column.staff][column.field] = value
        else:
            # A raw cursor on SQLite gives a date as text, which the ORM
            # would have converted.
            field = model._meta.get_field(column.field.removesuffix("_id"))
            values[column.field] = (
                value if value is None or field.is_relation else field.to_python(value)
            )
    instance = _from_db(model, values)
    instance.person = person
    for relation, names in staff.items():
        user_id = values[f"{relation}_id"]
        setattr(instance, relation, _from_db(User, {"id": user_id, **names}) if user_id else None)
    return instance


def _from_db(model: type[models.Model], values: dict):
    """An instance as a query reading only these columns makes it."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


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
