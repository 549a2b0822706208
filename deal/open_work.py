"""What a member of staff still holds: counted by the apps that hold it.

deal/ imports no app, yet the page of a leaver must say how much open work
they have. So each app registers a counter here when it starts
(its AppConfig.ready), and deal/ only adds up what it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A counter takes a user and gives a label and {team id: how many}.
Counter = Callable[[object], tuple[str, dict[int, int]]]

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


def colleague_chooser(colleagues: list) -> Callable[[int], object]:
    """Share the work out among the colleagues in turn, a person at a time: a
    person's actions and their named worker go to the same colleague, whichever
    app asks first."""
    chosen: dict[int, object] = {}

    def colleague_for(person_id: int):
        if person_id not in chosen:
            chosen[person_id] = colleagues[len(chosen) % len(colleagues)]
        return chosen[person_id]

    return colleague_for


def move_open_work(*, actor, worker, team_id: int, colleagues: list) -> dict[str, int]:
    """Hand on everything the worker holds in the team: {label: how many}."""
    colleague_for = colleague_chooser(colleagues)
    moved = {}
    for mover in _MOVERS:
        label, count = mover(
            actor=actor, worker=worker, team_id=team_id, colleague_for=colleague_for
        )
        moved[label] = count
    return moved
