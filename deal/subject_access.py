"""Subject access: everything held about one person, put together from what
each app registers, so deal/ knows no app and a new part (the directory,
decisions) adds its own records by registering an exporter in its
AppConfig.ready().

An exporter takes a person's id and gives JSON-ready data: a dict for one
record, a list of dicts for many, or None when it holds nothing. The exporter
named "details" says whether the person exists at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from deal.audit import value_for_log

Exported = dict | list | None


@dataclass(frozen=True)
class Exporter:
    # The key in the JSON download; unique (registering again replaces).
    name: str
    # The heading on the printable page.
    title: str
    export: Callable[[int], Exported]
    # Lower first.
    order: int = 50


@dataclass(frozen=True)
class Finder:
    """Finds people by what a subject access request gives (a name, an NHS
    number, a date of birth), across every team: [{"id", "name", ...}]."""

    find: Callable[[str], list[dict]]


_EXPORTERS: dict[str, Exporter] = {}
_FINDER: list[Finder] = []
DETAILS = "details"


def register(exporter: Exporter) -> None:
    _EXPORTERS[exporter.name] = exporter


def register_finder(finder: Finder) -> None:
    _FINDER[:] = [finder]


def find_people(text: str) -> list[dict]:
    return _FINDER[0].find(text) if _FINDER else []


@dataclass
class Section:
    name: str
    title: str
    data: Exported


def export_person(person_id: int) -> list[Section] | None:
    """Every app's records about the person, in order; None when there is no
    such person."""
    exporters = sorted(_EXPORTERS.values(), key=lambda e: (e.order, e.name))
    sections = []
    for exporter in exporters:
        data = exporter.export(person_id)
        if exporter.name == DETAILS and data is None:
            return None
        sections.append(Section(exporter.name, exporter.title, data))
    return sections


def as_json(person_id: int, sections: list[Section]) -> dict:
    return {"person": person_id, **{s.name: s.data for s in sections}}


@dataclass
class Node:
    """A piece of an export as the printable page draws it."""

    kind: str  # "text", "list" or "record"
    text: str = ""
    items: list = None  # Nodes, for a list
    fields: list = None  # (label, Node) pairs, for a record


def printable(data) -> Node:
    if isinstance(data, dict):
        return Node("record", fields=[(str(k), printable(v)) for k, v in data.items()])
    if isinstance(data, list):
        return Node("list", items=[printable(v) for v in data])
    if data is None or data == "":
        return Node("text", text="")
    if isinstance(data, bool):
        return Node("text", text="Yes" if data else "No")
    return Node("text", text=str(data))


# --- Helpers for exporters -----------------------------------------------------------

# Never part of an export: how the service works, not what it holds about them.
INTERNAL_FIELDS = {
    "search_given",
    "search_family",
    "search_names",
    "postcode_outward",
    "version",
    "submission_key",
    "last_submission_key",
    "history_change_reason",
    "history_id",
    "history_user_id",
}


def record(obj: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """A record's fields by their names in the product's words, readable:
    choices as their labels, people and teams by name (select_related them)."""
    skip = INTERNAL_FIELDS | set(exclude)
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.attname in skip:
            continue
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif field.is_relation:
            # By name when it was read with the record (select_related), else
            # by id: never a query for each row.
            if field.is_cached(obj):
                related = getattr(obj, field.name)
                value = None if related is None else str(related)
            else:
                value = getattr(obj, field.attname)
        else:
            value = getattr(obj, field.attname)
        data[label] = value_for_log(value)
    return data


def history(rows: Iterable[models.Model], *, exclude: Iterable[str] = ()) -> list[dict]:
    """Change-history rows (django-simple-history) as: when, who, what kind of
    change, and the record as it then was."""
    kinds = {"+": "Added", "~": "Changed", "-": "Removed"}
    out = []
    for row in rows:
        fields = record(
            row,
            exclude={"history_date", "history_user", "history_type", "id", *exclude},
        )
        out.append(
            {
                "When": value_for_log(row.history_date),
                "Who": str(row.history_user) if row.history_user_id else None,
                "Change": kinds.get(row.history_type, row.history_type),
                **fields,
            }
        )
    return out


def audit_trail(person_id: int) -> list[dict]:
    """Who has opened, searched for, changed or exported the person's
    records, and when: from the audit log."""
    from deal.models import AuditEvent

    events = (
        AuditEvent.objects.filter(about_person=person_id)
        .select_related("user")
        .order_by("at", "id")
    )
    return [
        {
            "When": value_for_log(e.at),
            "Who": str(e.user) if e.user_id else "Not signed in",
            "What": e.get_action_display(),
            "Record": f"{e.object_type} {e.object_id}".strip(),
            "Detail": e.detail,
        }
        for e in events
    ]


def register_own() -> None:
    register(Exporter("audit", "Who has seen or changed their records", audit_trail, order=90))
