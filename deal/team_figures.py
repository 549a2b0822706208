"""The figures of the manager's team view, counted by the apps that hold them.

deal/ imports no app, yet /team/ shows, for each worker, how many open actions,
drafts or decisions they hold. So each app registers a group of figures here
when it starts (its AppConfig.ready): one database query for all the teams
asked about, grouped by team and worker, and where each figure's list is.

Each group counts what the manager viewing may see (its model's
`visible_to(viewer)`), the same rows as the list the figure opens: a
restricted person's work, which the lists leave out for a manager not named
on the record, is left out of the number too, so the number and its list
agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# {(team id, worker id): {figure key: how many}}
Counts = dict[tuple[int, int], dict[str, int]]


@dataclass(frozen=True)
class FigureGroup:
    # (key, column heading, words for a screen reader after the number, with
    # {s} where the plural takes an s: "overdue action{s}")
    columns: Sequence[tuple[str, str, str]]
    # (team ids, the manager viewing) -> the counts that manager may see
    counts: Callable[[Sequence[int], Any], Counts]
    # (figure key, team id, worker id) -> the address of the list behind it
    link: Callable[[str, int, int], str]
    order: int = 100


_GROUPS: list[FigureGroup] = []


def register(group: FigureGroup) -> None:
    if group not in _GROUPS:
        _GROUPS.append(group)
        _GROUPS.sort(key=lambda g: g.order)


def figure_groups() -> list[FigureGroup]:
    return list(_GROUPS)
