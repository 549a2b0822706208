"""What changed in a conversation, by whom and when, read from its history
(django-simple-history) for the conversation page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Value
from django.utils import timezone

from conversations.models import Conversation, ConversationStatus, Theme
from deal.models import User
from people.models import ProfileEntry

TRACKED = [
    "happened_at",
    "place",
    "kind",
    "what_matters",
    "others_present",
    "notes",
    "life_satisfaction",
    "worthwhile",
    "happiness",
    "anxiety",
    "status",
]
# Many-to-many fields: the history rows' reverse accessor, the column naming
# the chosen object, and the model of those objects.
MANY = {
    "themes": ("historicalconversation_themes_set", "theme_id", Theme),
    "staff_present": ("historicalconversation_staff_present_set", "user_id", User),
    "profile_entries": (
        "historicalconversation_profile_entries_set",
        "profileentry_id",
        ProfileEntry,
    ),
}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Change:
    at: dt.datetime
    by: User | None
    created: bool
    fields: list[FieldChange] = field(default_factory=list)
    # Finishing a draft is "Completed", not a correction of its status.
    completed: bool = False
    started_as_draft: bool = False

    @property
    def title(self) -> str:
        if self.created:
            return "Started as a draft" if self.started_as_draft else "Recorded"
        return "Completed" if self.completed else "Corrected"


def _display(conversation_field, value) -> str:
    if value in (None, ""):
        return "(blank)"
    if conversation_field.choices:
        return str(dict(conversation_field.choices).get(value, value))
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{local.day} {local:%B %Y, %H:%M}"
    return str(value)


def _chosen(records: list) -> dict[int, dict[str, frozenset[int]]]:
    """What each history row had chosen in each many-to-many field, from the
    three tables simple-history keeps them in, read in one query (a UNION)."""
    historical = Conversation.history.model
    parts = []
    for name, (accessor, column, _model) in MANY.items():
        rel = next(r for r in historical._meta.related_objects if r.get_accessor_name() == accessor)
        parts.append(
            rel.related_model.objects.filter(**{f"{rel.field.name}__in": records})
            .annotate(field_name=Value(name))
            .values_list(rel.field.attname, "field_name", column)
            .order_by()
        )
    chosen: dict[int, dict[str, set[int]]] = {
        record.pk: {name: set() for name in MANY} for record in records
    }
    for history_id, name, chosen_id in parts[0].union(*parts[1:], all=True):
        chosen[history_id][name].add(chosen_id)
    return {
        pk: {name: frozenset(ids) for name, ids in fields.items()} for pk, fields in chosen.items()
    }


def conversation_changes(conversation: Conversation) -> list[Change]:
    """Each change after the conversation was first saved, newest first, with
    the fields that changed (before and after). One query for a conversation
    never changed since it was recorded; two more for one that was (its lists
    of choices), and one for each list a change altered (their names)."""
    records = list(
        conversation.history.select_related("history_user").order_by("history_date", "history_id")
    )
    if not records:
        return []
    # The save that recorded it wrote a row for its fields and one for each
    # list chosen, all with the save's mark: that is the recording, not a
    # change (services.conversation_save).
    recorded_mark = records[0].history_change_reason
    later = [
        index
        for index, record in enumerate(records)
        if index and not (recorded_mark and record.history_change_reason == recorded_mark)
    ]
    if not later:
        return [_recorded(records[0])]
    chosen = _chosen(records)
    snapshots = [
        {**{name: getattr(record, name) for name in TRACKED}, **chosen[record.pk]}
        for record in records
    ]
    # Names only for the lists a change altered.
    changed = {
        name
        for index in later
        for name in MANY
        if snapshots[index - 1][name] != snapshots[index][name]
    }
    names = {name: {} for name in MANY}
    for name in changed:
        model = MANY[name][2]
        ids = set().union(*(snapshot[name] for snapshot in snapshots))
        names[name] = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}

    changes: list[Change] = []
    # The mark of the save the last change shown came from.
    last_mark = recorded_mark
    for index, record in enumerate(records):
        if index == 0:
            changes.append(_recorded(record))
            continue
        before, after = snapshots[index - 1], snapshots[index]
        fields = []
        for name in TRACKED:
            if before[name] != after[name]:
                model_field = Conversation._meta.get_field(name)
                fields.append(
                    FieldChange(
                        label=str(model_field.verbose_name).capitalize(),
                        before=_display(model_field, before[name]),
                        after=_display(model_field, after[name]),
                    )
                )
        for name in MANY:
            if before[name] != after[name]:
                label = str(Conversation._meta.get_field(name).verbose_name).capitalize()
                fields.append(
                    FieldChange(
                        label=label,
                        before=", ".join(sorted(names[name].get(i, "?") for i in before[name]))
                        or "(none)",
                        after=", ".join(sorted(names[name].get(i, "?") for i in after[name]))
                        or "(none)",
                    )
                )
        completed = (
            before["status"] == ConversationStatus.DRAFT
            and after["status"] == ConversationStatus.COMPLETE
        )
        if completed:
            fields = [f for f in fields if f.label != "Status"]
        if not fields and not completed:
            continue
        # One save writes a row for the fields and one for each list of choices
        # that changed, all with the save's mark (services.conversation_save):
        # they are one change, whichever of its rows changed anything.
        mark = record.history_change_reason
        if mark and mark == last_mark:
            last = changes[-1]
            if not last.created:
                _merge(last.fields, fields)
                last.completed |= completed
        else:
            changes.append(
                Change(
                    at=record.history_date,
                    by=record.history_user,
                    created=False,
                    fields=fields,
                    completed=completed,
                )
            )
            last_mark = mark
    return list(reversed(changes))


def _recorded(record) -> Change:
    """The first entry: the conversation recorded (or started as a draft)."""
    return Change(
        at=record.history_date,
        by=record.history_user,
        created=True,
        started_as_draft=record.status == ConversationStatus.DRAFT,
    )


def _merge(into: list[FieldChange], more: list[FieldChange]) -> None:
    """Fold a later part of the same change in: keep the first 'before'."""
    by_label = {change.label: change for change in into}
    for change in more:
        if change.label in by_label:
            by_label[change.label].after = change.after
        else:
            into.append(change)
