"""What the people app holds about a person, for a subject access request
(deal.subject_access)."""

from __future__ import annotations

from deal.audit import value_for_log
from deal.subject_access import Exporter, Finder, history, record, register, register_finder
from people.models import BreakGlass, Person, PersonInLife, ProfileEntry, WhatMatters
from people.search import parse_search

FOUND_AT_MOST = 20


def details(person_id: int):
    person = Person.objects.select_related("team", "named_worker", "created_by").filter(
        pk=person_id
    )
    person = person.first()
    return record(person) if person is not None else None


def details_history(person_id: int):
    rows = Person.history.filter(id=person_id).select_related(
        "history_user", "team", "named_worker", "created_by"
    )
    return history(rows.order_by("history_date", "history_id"))


def what_matters(person_id: int):
    rows = WhatMatters.objects.filter(person_id=person_id).select_related("recorded_by")
    return [record(r, exclude={"person", "conversation"}) for r in rows.order_by("recorded_at")]


def entries(person_id: int):
    rows = ProfileEntry.objects.filter(person_id=person_id).select_related(
        "recorded_by", "archived_by"
    )
    changes = ProfileEntry.history.filter(person_id=person_id).select_related(
        "history_user", "recorded_by", "archived_by"
    )
    by_entry: dict[int, list] = {}
    for row in changes.order_by("history_date", "history_id"):
        by_entry.setdefault(row.id, []).append(row)
    return [
        {
            **record(r, exclude={"person", "source_conversation"}),
            "History": history(by_entry.get(r.pk, []), exclude={"person", "source_conversation"}),
        }
        for r in rows
    ]


def people_in_life(person_id: int):
    rows = PersonInLife.objects.filter(person_id=person_id).select_related("recorded_by")
    changes = PersonInLife.history.filter(person_id=person_id).select_related(
        "history_user", "recorded_by"
    )
    by_row: dict[int, list] = {}
    for row in changes.order_by("history_date", "history_id"):
        by_row.setdefault(row.id, []).append(row)
    return [
        {
            **record(r, exclude={"person"}),
            "History": history(by_row.get(r.pk, []), exclude={"person"}),
        }
        for r in rows
    ]


def restriction(person_id: int):
    """Whether their record is restricted, why, and to whom."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not person.is_restricted:
        return {"Restricted": "No"}
    return {
        "Restricted": "Yes",
        "Why the record is restricted": person.restriction_reason,
        "Who can open it without giving a reason": [
            u.full_name for u in person.restricted_to.order_by("full_name", "id")
        ],
    }


def break_glass(person_id: int):
    """Each time someone gave a reason to open their restricted record."""
    rows = BreakGlass.objects.filter(person_id=person_id).select_related("user", "team")
    return [
        {
            "When": value_for_log(row.at),
            "Who": row.user.full_name,
            "Team": row.team.name,
            "Why": row.reason,
            "Open to them until": value_for_log(row.until),
        }
        for row in rows.order_by("at", "id")
    ]


def find(text: str) -> list[dict]:
    """Anyone in any team matching a name, NHS number, postcode or date of
    birth, as the search box reads them."""
    query = parse_search(text)
    if query.is_empty:
        return []
    # Information governance answers for every record, restricted or not:
    # no user to leave closed records out for.
    people = Person.objects.search(query).select_related("team")
    return [
        {
            "id": p.pk,
            "name": p.full_name,
            "date_of_birth": p.date_of_birth,
            "postcode": p.postcode,
            "team": p.team.name,
            "status": p.get_status_display(),
        }
        for p in people.order_by("family_name", "given_name", "id")[:FOUND_AT_MOST]
    ]


def register_exporters() -> None:
    register(Exporter("details", "Their details", details, order=10))
    register(Exporter("details_history", "Changes to their details", details_history, order=11))
    register(Exporter("what_matters", "What matters to them", what_matters, order=20))
    register(Exporter("profile_entries", "Strengths, interests and needs", entries, order=21))
    register(Exporter("people_in_their_life", "People in their life", people_in_life, order=22))
    register(Exporter("restriction", "Restriction of their record", restriction, order=90))
    register(
        Exporter(
            "break_glass", "Their restricted record opened with a reason", break_glass, order=91
        )
    )
    register_finder(Finder(find))
