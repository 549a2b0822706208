"""Pages put together from the parts each app contributes.

The layers run one way: deal/ imports no app, people/ never imports
conversations/, and each new part (the directory, say) sits on top. Yet some
pages show several apps' records at once: My work lists a worker's actions,
drafts and people; a person's profile shows their details, actions, wellbeing
and timeline. So the page owns a *slot*, each app registers its *sections*
for that slot when it starts (its AppConfig.ready), and the page renders
whatever it is given, in order. Adding a part never means editing the page of
a part below it.

Slots in use:
- ``my_work``: the main column of My work (the subject is None).
- ``my_work_links``: the "Start" list beside it.
- ``profile``: the main column of a person's profile (the subject is the person).
- ``profile_buttons``: the buttons under the person's name.
- ``team``: under each team's table on the manager's team view (the subject
  is the team).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.db.models.expressions import Star
from django.http import HttpRequest

# Gives the section's template context, or None when it has nothing to show
# this user (a worker with no drafts sees no "Drafts to finish").
ContextMaker = Callable[[HttpRequest, Any], dict | None]


@dataclass(frozen=True)
class Section:
    # A unique name within the slot: registering twice (tests reload apps)
    # replaces rather than repeats.
    name: str
    template: str
    context: ContextMaker
    # Lower first. Leave gaps so a later part can slot between.
    order: int = 50


@dataclass(frozen=True)
class RenderedSection:
    name: str
    template: str
    context: dict


_SLOTS: dict[str, dict[str, Section]] = defaultdict(dict)


def register(slot: str, section: Section) -> None:
    _SLOTS[slot][section.name] = section


def sections_for(slot: str, request: HttpRequest, subject: Any = None) -> list[RenderedSection]:
    """The slot's sections that have something to show, in order."""
    rendered = []
    for section in sorted(_SLOTS[slot].values(), key=lambda s: (s.order, s.name)):
        context = section.context(request, subject)
        if context is not None:
            rendered.append(RenderedSection(section.name, section.template, context))
    return rendered


# Each list on My work shows this many, with a count of the rest.
MY_WORK_LIST_LENGTH = 10


def first_and_more(queryset: QuerySet, length: int = MY_WORK_LIST_LENGTH) -> tuple[list, int]:
    """The first `length` rows of a list and how many more there are, in one
    round trip: each row carries the count of them all, a subquery the
    database runs once."""
    return first_and_more_of(list(first_and_more_query(queryset, length)), length)


def first_and_more_query(queryset: QuerySet, length: int = MY_WORK_LIST_LENGTH) -> QuerySet:
    """The query first_and_more reads (for a prepared query, deal.prepared)."""
    # COUNT(*) rather than of the ids, which an index holding the list's
    # columns does not hold: the count is then read from the index alone.
    in_all = queryset.order_by().values_list(
        Func(Star(), function="COUNT", output_field=IntegerField())
    )
    # The rows shown are picked from the list's own table first (its order
    # is often a CASE no index holds, so every row is sorted), and only
    # those few are then joined to their person, conversation and staff.
    shown = queryset.values("pk")[:length]
    return queryset.filter(pk__in=Subquery(shown)).annotate(rows_in_all=Subquery(in_all))


def first_and_more_of(rows: list, length: int = MY_WORK_LIST_LENGTH) -> tuple[list, int]:
    """first_and_more, from the rows of its query."""
    in_all = rows[0].rows_in_all if rows else 0
    return rows, max(in_all - length, 0)


@dataclass(frozen=True)
class NavItem:
    """An entry in the service navigation, registered by the app it leads to."""

    key: str
    text: str
    url_name: str
    # Whether this user may use it (so each role sees only what it can use).
    shown_to: Callable[[Any], bool]
    order: int = 50
    # The view names ("people:find") or URL namespaces ("people") of the pages
    # that belong under it; a view name wins over a namespace.
    active_for: tuple[str, ...] = ()


_NAVIGATION: dict[str, NavItem] = {}


def register_navigation(item: NavItem) -> None:
    _NAVIGATION[item.key] = item


def navigation_for(user, match) -> list[tuple[NavItem, bool]]:
    """The items this user may use, in order, each with whether the page
    (its resolver match, or None) belongs under it."""
    items = [i for i in sorted(_NAVIGATION.values(), key=lambda i: i.order) if i.shown_to(user)]
    active = None
    if match is not None:
        active = next((i for i in items if match.view_name in i.active_for), None) or next(
            (i for i in items if match.namespace and match.namespace in i.active_for), None
        )
    return [(item, item is active) for item in items]
