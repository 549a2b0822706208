"""The staff pulse: three short questions, once in a while, on the home page.

Answers are anonymous to managers: a PulseAnswer holds only the team and the
month, and PulseAsked only that someone was asked on a day (not what they
said, nor whether they answered or skipped). Figures are shown for a team and
month only when at least PULSE_MIN_ANSWERS people answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from deal.models import PulseAnswer, PulseAsked, Role, User
from deal.prepared import prepared

QUESTIONS = [
    ("can_act", "I can act on what people tell me"),
    ("backed", "My manager backs me when I take a sensible risk"),
    ("right_job", "I am doing the job I came into this work to do"),
]
# Agree or strongly agree.
AGREE_FROM = 4


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def is_due(user: User, today: dt.date | None = None) -> bool:
    """Whether to ask this member of staff now: they work in a team and were
    not asked in the last PULSE_EVERY_DAYS days."""
    if not user.is_authenticated or user.role == Role.ADMIN or not user.team_ids():
        return False
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=settings.PULSE_EVERY_DAYS)
    return not _asked_since(user_id=user.pk, since=since)


@prepared
def _answers_by_month(*, team_ids, first: dt.date, last: dt.date):
    # On every team view, so prepared (deal.prepared).
    aggregates = {}
    for key, _text in QUESTIONS:
        aggregates[f"{key}_n"] = Count("id", filter=Q(**{f"{key}__isnull": False}))
        aggregates[f"{key}_agree"] = Count("id", filter=Q(**{f"{key}__gte": AGREE_FROM}))
    return (
        PulseAnswer.objects.filter(team_id__in=team_ids, month__gte=first, month__lte=last)
        .values("team_id", "month")
        .annotate(answers=Count("id"), **aggregates)
        .order_by()
    )


@prepared
def _asked_since(*, user_id: int, since: dt.date):
    # Asked on every signed-in page, so prepared (deal.prepared).
    return PulseAsked.objects.filter(user=user_id, asked_on__gt=since).values_list("pk")[:1]


@transaction.atomic
def record(user: User, answers: dict[str, int | None] | None) -> bool:
    """Keep the answers (None when skipped), once per each of the user's
    teams, and that the user was asked. Returns False, keeping nothing, when
    they were asked already (a second click, or Back then send again)."""
    # One at a time for this user, so two sends at once keep one answer.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if not is_due(user):
        return False
    today = timezone.localdate()
    PulseAsked.objects.create(user=user, asked_on=today)
    if answers and any(value is not None for value in answers.values()):
        PulseAnswer.objects.bulk_create(
            [
                PulseAnswer(team_id=team_id, month=month_of(today), **answers)
                for team_id in user.team_ids()
            ]
        )
    return True


@dataclass(frozen=True)
class PulseFigures:
    """One team's pulse in one month. `agree` is the percentage who agree or
    strongly agree with each question, by key; all None when too few answered."""

    team_id: int
    month: dt.date
    answers: int
    agree: dict[str, int | None]

    @property
    def too_few(self) -> bool:
        return self.answers < settings.PULSE_MIN_ANSWERS

    @property
    def rows(self) -> list[tuple[str, int | None]]:
        return [(text, self.agree[key]) for key, text in QUESTIONS]


def recent_months(count: int, today: dt.date | None = None) -> list[dt.date]:
    """The first days of the last `count` months, this one last."""
    month = month_of(today or timezone.localdate())
    months = [month]
    for _ in range(count - 1):
        month = month_of(month - dt.timedelta(days=1))
        months.append(month)
    return months[::-1]


def team_month_figures(
    team_ids: Sequence[int], first_month: dt.date, last_month: dt.date
) -> list[PulseFigures]:
    """The pulse of each team for each month from first_month to last_month
    (first days of months), from one grouped query. A team and month with
    fewer than PULSE_MIN_ANSWERS answers gives its count but no percentages.
    Months nobody answered in are given too, with 0 answers."""
    rows = _answers_by_month(team_ids=list(team_ids), first=first_month, last=last_month)
    found = {(row["team_id"], row["month"]): row for row in rows}
    months = []
    month = month_of(first_month)
    while month <= last_month:
        months.append(month)
        month = month_of(month + dt.timedelta(days=32))
    figures = []
    for team_id in team_ids:
        for month in months:
            row = found.get((team_id, month))
            answers = row["answers"] if row else 0
            agree = {}
            for key, _text in QUESTIONS:
                n = row[f"{key}_n"] if row else 0
                enough = answers >= settings.PULSE_MIN_ANSWERS and n >= settings.PULSE_MIN_ANSWERS
                agree[key] = round(100 * row[f"{key}_agree"] / n) if enough else None
            figures.append(PulseFigures(team_id=team_id, month=month, answers=answers, agree=agree))
    return figures
