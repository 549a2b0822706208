"""Querysets built and compiled once, then run with each request's values.

On the busiest pages most of the time went on the ORM, not the database: a
list on My work cost about 1.1 ms to build as a queryset (filters, joins,
subqueries) and 1.2 ms to compile to SQL, then 1.2 ms to run. The SQL of
such a query is the same on every request; only its values (the user, their
teams, today) change. So a query marked ``@prepared`` is built and compiled
once for each *shape* of its values (how many teams, say), with stand-in
values, and each call binds the real values into that SQL and reads the rows
through the ORM's own iterables, as the queryset would (model instances,
``select_related``, ``only``, annotations, ``values_list``).

    @prepared
    def actions_due(*, team_ids: tuple[int, ...], user_id: int, until: dt.date):
        return AgreedAction.objects.filter(team_id__in=team_ids, ...)

    rows = actions_due(team_ids=user.team_ids(), user_id=user.pk, until=day)

The rules for the function that builds the queryset:
- It takes keyword arguments only, each an int, a str, a date or datetime
  (its *value*, bound on each call), or a list, tuple or set of them (its
  length is part of the shape; the ORM reads an ``__in`` list as a set, so it
  is passed sorted, duplicates dropped), or a bool or None (part of the
  shape: ``x=None`` becomes ``IS NULL``, which has no value to bind).
- It must give the same SQL for the same shape, so it may branch on a
  length or a bool, never on a value. A value must reach the SQL as itself:
  one the ORM rewrites (``icontains`` wraps it in %) is refused when the
  shape is first built (ImproperlyConfigured), never silently misbound.

Each shape is compiled twice with different stand-ins: the SQL must be the
same and the values must differ exactly where the stand-ins are, or the
shape is refused. It is compiled once more with the first call's own values,
and a shape the ORM compiles otherwise for them is left to the ORM (logged).
With PREPARED_QUERIES_CHECK on (the test suite), every call also builds and
compiles the queryset for its values, and fails if the SQL or its
parameters differ in the slightest from what it bound.

No library does this for current Django (django-prepared-queries, the
nearest, stopped at Django 1.11); what it leans on of the ORM's insides (the
compiler's state after ``as_sql``) is covered by that check on every test.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

# Shapes kept for each prepared query. A shape is as many teams, restricted
# people and so on as a call has, so a few dozen covers everyone; past this
# a call simply builds its queryset as usual.
MOST_SHAPES = 64

# Stand-in values, two sets of them, so that where each lands in the
# parameters can be told for certain. Numbers within every integer column's
# range (a positive small integer): past it, the ORM drops a condition or
# gives no rows at all. Text with the characters a LIKE escapes, so that a
# lookup that escapes them (iexact on SQLite) is refused. A stand-in that
# equals a constant of the query is refused too (bound differently twice).
_FIRST_INT = 29_000
# How many stand-ins a set has; the second set starts where the first ends.
_STAND_INS = 1_800
_FIRST_DAY = dt.date(1204, 1, 1)
_FIRST_MOMENT = dt.datetime(1204, 1, 1, tzinfo=dt.UTC)


def _stand_in(kind: type, n: int) -> Any:
    if kind is int:
        return _FIRST_INT + n
    if kind is str:
        return f"\x1f%_\\prepared-{n}\x1f"
    if kind is dt.datetime:
        return _FIRST_MOMENT + dt.timedelta(minutes=n)
    if kind is dt.date:
        return _FIRST_DAY + dt.timedelta(days=n)
    raise ImproperlyConfigured(f"A prepared query cannot bind a {kind.__name__}")


def _kind(value: Any) -> type:
    # datetime before date: a datetime is a date too.
    for kind in (bool, int, str, dt.datetime, dt.date):
        if isinstance(value, kind):
            return kind
    raise ImproperlyConfigured(f"A prepared query cannot take {value!r}")


def _normalised(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted({_normalised(item) for item in value}))
    if isinstance(value, dt.datetime) and settings.USE_TZ and timezone.is_naive(value):
        # As the ORM reads a naive moment (with a warning): in the current
        # time zone.
        return timezone.make_aware(value)
    return value


def _count(values: dict[str, Any]) -> int:
    """How many stand-ins the values need."""
    return sum(len(v) if isinstance(v, tuple) else 1 for v in values.values())


def _shape(values: dict[str, Any]) -> tuple:
    """What decides the SQL: each argument's kind, a collection's length and
    kind, and the value itself where it is a bool or None."""
    shape = []
    for name in sorted(values):
        value = values[name]
        if value is None or isinstance(value, bool):
            shape.append((name, value))
        elif isinstance(value, tuple):
            shape.append((name, len(value), *sorted({_kind(v).__name__ for v in value})))
        else:
            shape.append((name, _kind(value).__name__))
    return tuple(shape)


@dataclass(frozen=True)
class _Slot:
    """Where in the SQL's parameters a value goes: the argument's name and,
    for a collection, which of its items."""

    position: int
    name: str
    item: int | None
    kind: type


class _Plan:
    """One shape of a prepared query: its compiled SQL, where each value goes
    in its parameters, and the compiler that reads its rows."""

    def __init__(self, build: Callable[..., QuerySet], values: dict[str, Any], alias: str):
        self.alias = alias
        self.empty = False
        first = _with_stand_ins(values, 0)
        second = _with_stand_ins(values, _STAND_INS)
        self.queryset = build(**first)
        if not isinstance(self.queryset, QuerySet):
            raise ImproperlyConfigured(f"{build.__qualname__} must return a queryset")
        self.compiler = self.queryset.query.get_compiler(using=alias)
        try:
            self.sql, params = self.compiler.as_sql()
            other_sql, other_params = build(**second).query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:
            # An empty list of teams, say: no rows, and no query to send.
            self.empty = True
        else:
            self.params = tuple(params)
            self.slots = _slots(
                build, alias, first, second, self.sql, params, other_sql, other_params
            )
        # Each run sets its own thread's connection; none is kept here.
        self.compiler.connection = None

    def bound(self, values: dict[str, Any]) -> list:
        ops = connections[self.alias].ops
        params = list(self.params)
        for slot in self.slots:
            value = values[slot.name] if slot.item is None else values[slot.name][slot.item]
            params[slot.position] = _adapted(ops, slot.kind, value)
        return params

    def run(self, values: dict[str, Any]) -> list:
        if self.empty:
            return []
        compiler = copy.copy(self.compiler)
        # The compiler's state after as_sql (what it selects, how each row
        # becomes objects) belongs to the shape; the connection is this
        # thread's, and the SQL's values this call's.
        compiler.connection = connections[self.alias]
        compiler.as_sql = _answer(self.sql, self.bound(values))
        query = copy.copy(self.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        return list(_reading(self.queryset, query))


def _reading(template: QuerySet, query) -> QuerySet:
    """A queryset like `template` over `query`: QuerySet._clone without
    cloning the query (the same attributes; a union's clone alone cost a
    third of a millisecond)."""
    queryset = template.__class__(
        model=template.model, query=query, using=template._db, hints=template._hints
    )
    queryset._prefetch_related_lookups = template._prefetch_related_lookups
    queryset._known_related_objects = template._known_related_objects
    queryset._iterable_class = template._iterable_class
    queryset._fields = template._fields
    return queryset


def _answer(sql: str, params: list) -> Callable[..., tuple[str, tuple]]:
    def as_sql(*args, **kwargs) -> tuple[str, tuple]:
        return sql, tuple(params)

    return as_sql


def _adapted(ops, kind: type, value: Any) -> Any:
    """A value as the ORM hands it to the database driver."""
    if kind is dt.datetime:
        return ops.adapt_datetimefield_value(value)
    if kind is dt.date:
        return ops.adapt_datefield_value(value)
    return value


def _with_stand_ins(values: dict[str, Any], start: int) -> dict[str, Any]:
    counter = iter(range(start, start + _STAND_INS))
    result = {}
    for name, value in values.items():
        if value is None or isinstance(value, bool):
            result[name] = value
        elif isinstance(value, tuple):
            result[name] = tuple(_stand_in(_kind(v), next(counter)) for v in value)
        else:
            result[name] = _stand_in(_kind(value), next(counter))
    return result


def _slots(build, alias, first, second, sql, params, other_sql, other_params) -> tuple[_Slot, ...]:
    """Where each stand-in landed, checked against the second compile."""
    name = build.__qualname__
    if sql != other_sql or len(params) != len(other_params):
        raise ImproperlyConfigured(f"{name}: the SQL changes with the values, not only the shape")
    ops = connections[alias].ops
    wanted: dict[Any, tuple[str, int | None, type, Any]] = {}
    for arg, value in first.items():
        items = value if isinstance(value, tuple) else (value,)
        others = second[arg] if isinstance(value, tuple) else (second[arg],)
        for item, (stand_in, other) in enumerate(zip(items, others, strict=True)):
            if stand_in is None or isinstance(stand_in, bool):
                continue
            kind = _kind(stand_in)
            key = _adapted(ops, kind, stand_in)
            wanted[key] = (arg, item if isinstance(value, tuple) else None, kind, other)
    slots, found = [], set()
    for position, (param, other_param) in enumerate(zip(params, other_params, strict=True)):
        if param in wanted and not isinstance(param, bool):
            arg, item, kind, other = wanted[param]
            if other_param != _adapted(ops, kind, other):
                raise ImproperlyConfigured(f"{name}: {arg} is not bound the same way twice")
            slots.append(_Slot(position, arg, item, kind))
            found.add(param)
        elif param != other_param:
            raise ImproperlyConfigured(
                f"{name}: parameter {position} ({param!r}) changes with the values but is "
                "none of them as given: rewritten by a lookup such as icontains?"
            )
    missing = sorted({arg for key, (arg, *_rest) in wanted.items() if key not in found})
    if missing:
        raise ImproperlyConfigured(f"{name}: {', '.join(missing)} never reach the SQL as given")
    return tuple(slots)


# A shape the ORM reads otherwise than its stand-ins (Prepared._agrees).
_LEFT_TO_THE_ORM = object()


def _in_range(values: dict[str, Any]) -> bool:
    """Whether every number fits the smallest integer column (32 bits)."""
    for value in values.values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, int) and not -(2**31) <= item < 2**31:
                return False
    return True


class Prepared:
    """A query built by `build`, compiled once a shape; calling it gives the
    rows as a list."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.plans: dict[tuple, _Plan] = {}
        functools.update_wrapper(self, build)

    def __call__(self, **values: Any) -> list:
        values = {name: _normalised(value) for name, value in values.items()}
        if not _in_range(values) or _count(values) > _STAND_INS:
            # The ORM knows that a number past a column's range matches
            # nothing, and sends no query; bound, it could be an error.
            return list(self.build(**values))
        alias = "default"
        key = (alias, connections[alias].vendor, _shape(values))
        plan = self.plans.get(key)
        if plan is None:
            if len(self.plans) >= MOST_SHAPES:
                return list(self.build(**values))
            plan = _Plan(self.build, values, alias)
            # Held once to what the ORM compiles for real values, in use too:
            # a shape it reads otherwise than its stand-ins is left to it.
            if not self._agrees(plan, values):
                plan = _LEFT_TO_THE_ORM
            self.plans[key] = plan
        if plan is _LEFT_TO_THE_ORM:
            return list(self.build(**values))
        if settings.PREPARED_QUERIES_CHECK:
            self._agrees(plan, values)
        return plan.run(values)

    def _agrees(self, plan: _Plan, values: dict[str, Any]) -> bool:
        """Whether the SQL and parameters the ORM compiles for these very
        values are the ones bound. With PREPARED_QUERIES_CHECK on (the test
        suite), a difference is a failure."""
        try:
            expected = self.build(**values).query.get_compiler(using=plan.alias).as_sql()
        except EmptyResultSet:
            expected = None
        bound = None if plan.empty else (plan.sql, tuple(plan.bound(values)))
        if expected is not None:
            expected = (expected[0], tuple(expected[1]))
        if bound == expected:
            return True
        if settings.PREPARED_QUERIES_CHECK:
            raise AssertionError(
                f"{self.build.__qualname__} bound {bound!r}\nbut the ORM compiles {expected!r}"
            )
        # Named, not its values: they may be of a person's record.
        logger.warning("Prepared query %s left to the ORM for a shape", self.build.__qualname__)
        return False


def prepared(build: Callable[..., QuerySet]) -> Prepared:
    return Prepared(build)


def by_pk(query: Prepared, pk) -> Any:
    """The one row a prepared query taking `pk` gives for this id (from a
    URL, say), or None: for no such row, and for an id that is no number."""
    try:
        rows = query(pk=int(pk))
    except (TypeError, ValueError):
        return None
    return rows[0] if rows else None
