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
