"""What the people app contributes to pages put together from several apps
(deal/sections.py): the profile's own parts, and My work's people."""

from __future__ import annotations

from deal.prepared import prepared
from deal.sections import Section, first_and_more_of, first_and_more_query, register
from people.models import (
    Person,
    PersonStatus,
    TransferRequest,
    latest_what_matters,
    name_fields,
    profile_lists,
    seen_by,
)


def what_matters(request, person: Person) -> dict:
    latest, earlier = latest_what_matters(person)
    return {"what_matters": latest, "earlier_what_matters": earlier}


def entries(request, person: Person) -> dict:
    return {"entry_sections": profile_lists(person).entry_sections}


def people_in_life(request, person: Person) -> dict:
    return {"people_in_life": profile_lists(person).people_in_life}


@prepared
def _my_people(*, team_ids, closed, user_id: int):
    # A prepared query (deal.prepared): the same on every request but for
    # the user and their teams.
    return first_and_more_query(
        Person.objects.in_teams(team_ids)
        .filter(named_worker=user_id, status=PersonStatus.OPEN)
        .with_closed(closed)
        .only(*name_fields(), "is_restricted", "postcode", "updated_at")
        .order_by("-updated_at")
    )


def my_people(request, subject) -> dict:
    shown, more = first_and_more_of(_my_people(**seen_by(request.user), user_id=request.user.pk))
    return {"my_people": shown, "my_people_more": more}


def links(request, subject) -> dict:
    return {}


def transfers_waiting(request, subject) -> dict | None:
    """Managers: other teams waiting for a record this team holds."""
    count = TransferRequest.objects.to_decide_by(request.user).count()
    return {"transfers_waiting": count} if count else None


def team_break_glass(request, team) -> dict:
    """The link from the team view to the team's break-glass openings. No
    query: the list itself counts them."""
    return {"team": team}


def register_sections() -> None:
    register(
        "team",
        Section("break_glass", "people/sections/team_break_glass.html", team_break_glass, 50),
    )
    register(
        "profile", Section("what_matters", "people/sections/what_matters.html", what_matters, 10)
    )
    register("profile", Section("entries", "people/sections/entries.html", entries, 40))
    register(
        "profile",
        Section("people_in_life", "people/sections/people_in_life.html", people_in_life, 50),
    )
    register("my_work", Section("my_people", "people/sections/my_people.html", my_people, 80))
    register(
        "my_work",
        Section(
            "transfers_waiting", "people/sections/transfers_waiting.html", transfers_waiting, 5
        ),
    )
    register("my_work_links", Section("people", "people/sections/links.html", links, 10))
