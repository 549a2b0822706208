"""What a member of staff still holds: counted by the apps that hold it.

deal/ imports no app, yet the page of a leaver must say how much open work
they have. So each app registers a counter here when it starts
(its AppConfig.ready), and deal/ only adds up what it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A counter takes a user and gives a label and {team id: how many}. Given
# `closed_to=viewer`, it counts only what is on records the viewer may not
# open now (restricted records), so the hand-on page can say so.
Counter = Callable[..., tuple[str, dict[int, int]]]

_COUNTERS: list[Counter] = []


@dataclass(frozen=True)
class OpenWork:
    label: str
    count: int
    by_team: dict[int, int]


def register(counter: Counter) -> None:
    if counter not in _COUNTERS:
        _COUNTERS.append(counter)


def open_work_of(user) -> list[OpenWork]:
    work = []
    for counter in _COUNTERS:
        label, by_team = counter(user)
        work.append(OpenWork(label=label, count=sum(by_team.values()), by_team=by_team))
    return work


def open_work_closed_to(user, viewer) -> list[OpenWork]:
    """The part of open_work_of(user) on records the viewer may not open."""
    work = []
    for counter in _COUNTERS:
        label, by_team = counter(user, closed_to=viewer)
        work.append(OpenWork(label=label, count=sum(by_team.values()), by_team=by_team))
    return work


# A mover hands on what a worker holds in one team. It is given who is doing
# it (an Actor), the worker, the team id, and `colleague_for(person_id)`,
# which says which colleague takes what concerns that person; it moves the
# records, keeps each move on the record's trail and in the audit log, and
# gives a label and how many it moved. Called inside one transaction.
Mover = Callable[..., tuple[str, int]]

_MOVERS: list[Mover] = []


def register_mover(mover: Mover) -> None:
    if mover not in _MOVERS:
        _MOVERS.append(mover)


class ColleagueChooser:
    """Share the work out among the colleagues in turn, a person at a time: a
    person's actions and their named worker go to the same colleague, whichever
    app asks first. `chosen` keeps who took each person's work."""

    def __init__(self, colleagues: list) -> None:
        self.colleagues = colleagues
        self.chosen: dict[int, object] = {}

    def __call__(self, person_id: int):
        if person_id not in self.chosen:
            self.chosen[person_id] = self.colleagues[len(self.chosen) % len(self.colleagues)]
        return self.chosen[person_id]


# Whose records the work is on: each app that moves work gives the ids of the
# people its part concerns (worker, team id -> set of person ids), so the
# hand-on can say beforehand which restricted records it touches.
PeopleOf = Callable[[object, int], set[int]]
_PEOPLE_OF: list[PeopleOf] = []


def register_people_of(people_of: PeopleOf) -> None:
    if people_of not in _PEOPLE_OF:
        _PEOPLE_OF.append(people_of)


def people_of_work(worker, team_id: int) -> set[int]:
    ids: set[int] = set()
    for people_of in _PEOPLE_OF:
        ids |= people_of(worker, team_id)
    return ids


@dataclass(frozen=True)
class RestrictedNote:
    """What handing on means for one restricted record: who takes it on and
    whether they will open it (named on it) or must give a reason."""

    person_id: int
    person_name: str
    # The colleagues taking it on who may not open it now.
    colleagues: tuple
    # True: the hand-on names them on the restriction (the manager may open
    # the record and it is its named worker that moves); False: they will
    # need to give a reason to open it.
    named: bool


# What handing on means for restricted records (people registers it): given
# the manager handing on, the worker, and {person id: the colleagues who may
# take it on}, a RestrictedNote for each restricted record among them that one
# of those colleagues may not open now.
RestrictionNotes = Callable[..., list[RestrictedNote]]
_RESTRICTION_NOTES: list[RestrictionNotes] = []


def register_restriction_notes(notes: RestrictionNotes) -> None:
    if notes not in _RESTRICTION_NOTES:
        _RESTRICTION_NOTES.append(notes)


def restriction_notes(*, viewer, worker, takers: dict[int, list]) -> list[RestrictedNote]:
    notes: list[RestrictedNote] = []
    for hook in _RESTRICTION_NOTES:
        notes += hook(viewer=viewer, worker=worker, takers=takers)
    return notes


def move_open_work(
    *, actor, worker, team_id: int, colleagues: list
) -> tuple[dict[str, int], dict[int, object]]:
    """Hand on everything the worker holds in the team: ({label: how many},
    {person id: the colleague who took their work})."""
    colleague_for = ColleagueChooser(colleagues)
    moved = {}
    for mover in _MOVERS:
        label, count = mover(
            actor=actor, worker=worker, team_id=team_id, colleague_for=colleague_for
        )
        moved[label] = count
    return moved, colleague_for.chosen
