"""The daily reminder emails (manage.py send_reminders): to each responsible
member of staff, their overdue actions and those due in the next 3 days; to
each worker who proposed a backed positive-risk decision, its review when it
is overdue or due in the next 3 days; to each manager, a short summary of
each team they manage.

What an email holds. Email leaves the service: it is kept on mail servers
and phones the council does not control, forwarded, read over a shoulder. So
a reminder says only what a worker needs to know that something is waiting
and where: how many, when each was due, the first name of the person it is
for (to recognise it) and a link to the action. It never holds what the
action is (an action's words can say a great deal about someone's health,
money or family), a full name, an address or a note. Opening the link needs
signing in, where the details are, with the usual checks and audit.

Each email is claimed in ReminderSent (unique for a person, day and kind)
before it is sent, so running the command twice in a day, or twice at once,
sends it once. An email that cannot be sent gives its claim back, so the next
run tries again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from conversations.models import (
    AgreedAction,
    DecisionStatus,
    ReminderKind,
    ReminderSent,
    RiskDecision,
)
from deal.models import Membership, Role, Team, User

DUE_SOON_DAYS = 3
MOST_LISTED = 20


@dataclass(frozen=True)
class Reminder:
    user: User
    kind: str
    subject: str
    body: str


def _link(path: str, **query) -> str:
    return settings.SERVICE_URL + path + (f"?{urlencode(query)}" if query else "")


def _long(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")


def _first_name(person) -> str:
    """The name an email gives, to recognise whom it is about. A restricted
    record's is left out: email is easily forwarded, and who may open that
    record is kept to named staff."""
    if person.is_restricted:
        return "someone whose record is restricted"
    return person.preferred_name or person.given_name


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def action_reminders(today: dt.date) -> list[Reminder]:
    """One email for each active member of staff responsible for open
    actions that are overdue or due in the next 3 days. One query."""
    actions = (
        AgreedAction.objects.open()
        .filter(due__lte=today + dt.timedelta(days=DUE_SOON_DAYS), responsible__is_active=True)
        .select_related("person", "responsible")
        .order_by("responsible_id", "due", "id")
    )
    reminders = []
    for user, theirs in itertools.groupby(actions, key=lambda a: a.responsible):
        theirs = list(theirs)
        overdue = [a for a in theirs if a.due < today]
        soon = [a for a in theirs if a.due >= today]
        lines = [f"Hello {user.get_short_name()},", ""]
        for heading, group, when in (
            ("Overdue", overdue, "was due"),
            (f"Due in the next {DUE_SOON_DAYS} days", soon, "due"),
        ):
            if not group:
                continue
            lines.append(f"{heading} ({len(group)}):")
            for action in group[:MOST_LISTED]:
                person = _first_name(action.person)
                lines.append(
                    f"- for {person}, {when} {_long(action.due)}: "
                    f"{_link(action.get_absolute_url())}"
                )
            if len(group) > MOST_LISTED:
                lines.append(f"- and {len(group) - MOST_LISTED} more")
            lines.append("")
        lines += [
            f"All your open actions: {_link(reverse('conversations:actions'))}",
            "",
            "This email leaves out what each action is and who it is for beyond their first "
            "name, to keep people's details in the service. Sign in to see them.",
        ]
        parts = []
        if overdue:
            parts.append(f"{len(overdue)} overdue")
        if soon:
            parts.append(f"{len(soon)} due soon")
        reminders.append(
            Reminder(
                user=user,
                kind=ReminderKind.MY_ACTIONS,
                subject=f"Your actions: {' and '.join(parts)}",
                body="\n".join(lines) + "\n",
            )
        )
    return reminders


def review_reminders(today: dt.date) -> list[Reminder]:
    """One email for each active worker who proposed backed decisions whose
    review is overdue or due in the next 3 days: the outcome is theirs to
    record. One query. Like the actions' email, it names only the person's
    first name, never what the decision is about."""
    decisions = (
        RiskDecision.objects.filter(
            status=DecisionStatus.BACKED,
            review_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            proposed_by__is_active=True,
        )
        .select_related("person", "proposed_by")
        .order_by("proposed_by_id", "review_date", "id")
    )
    reminders = []
    for user, theirs in itertools.groupby(decisions, key=lambda d: d.proposed_by):
        theirs = list(theirs)
        lines = [f"Hello {user.get_short_name()},", ""]
        lines.append(f"Positive-risk decisions to review ({len(theirs)}):")
        for decision in theirs[:MOST_LISTED]:
            person = _first_name(decision.person)
            when = "was due" if decision.review_date < today else "due"
            lines.append(
                f"- with {person}, review {when} {_long(decision.review_date)}: "
                f"{_link(decision.get_absolute_url())}"
            )
        if len(theirs) > MOST_LISTED:
            lines.append(f"- and {len(theirs) - MOST_LISTED} more")
        lines += [
            "",
            "Record how it went and what was learned on each decision's page.",
            "",
            "This email leaves out what each decision is about and who it is with beyond "
            "their first name, to keep people's details in the service. Sign in to see them.",
        ]
        overdue = sum(d.review_date < today for d in theirs)
        reminders.append(
            Reminder(
                user=user,
                kind=ReminderKind.MY_REVIEWS,
                subject=f"Decisions to review: {len(theirs)}"
                + (f" ({overdue} overdue)" if overdue else ""),
                body="\n".join(lines) + "\n",
            )
        )
    return reminders


def team_summaries(today: dt.date) -> list[Reminder]:
    """One email for each active manager whose teams have overdue actions,
    actions due in the next 3 days, or open actions with someone who has
    left. Three queries, whatever the number of teams."""
    memberships = (
        Membership.objects.confirmed()
        .filter(user__role=Role.MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    managed: dict[User, list[int]] = {}
    for membership in memberships:
        managed.setdefault(membership.user, []).append(membership.team_id)
    team_ids = {t for ts in managed.values() for t in ts}
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    figures = {
        row["team_id"]: row
        for row in AgreedAction.objects.open()
        .filter(team_id__in=team_ids)
        .values("team_id")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due__lt=today)),
            soon=Count("id", filter=Q(due__gte=today, due__lte=soon)),
            with_leavers=Count("id", filter=Q(responsible__is_active=False)),
        )
        .order_by()
    }
    names = dict(Team.objects.filter(id__in=team_ids).values_list("id", "name"))
    reminders = []
    for manager, teams in managed.items():
        teams = sorted(teams, key=lambda t: names[t])
        rows = [figures[t] for t in teams if t in figures]
        if not any(r["overdue"] or r["soon"] or r["with_leavers"] for r in rows):
            continue
        lines = [f"Hello {manager.get_short_name()},", ""]
        for team_id in teams:
            row = figures.get(team_id)
            if row is None:
                continue
            lines += [
                f"{names[team_id]}:",
                f"- {_plural(row['open'], 'open action')}",
                f"- {row['overdue']} overdue",
                f"- {row['soon']} due in the next {DUE_SOON_DAYS} days",
            ]
            if row["with_leavers"]:
                lines.append(
                    f"- {row['with_leavers']} with staff who have left: hand them on to a colleague"
                )
            query = {"owner": "anyone", "due": "overdue"}
            if len(teams) > 1:
                query["team"] = team_id
            lines += [
                f"The team's overdue actions: {_link(reverse('conversations:actions'), **query)}",
                "",
            ]
        reminders.append(
            Reminder(
                user=manager,
                kind=ReminderKind.TEAM_SUMMARY,
                subject="Your team's actions today",
                body="\n".join(lines),
            )
        )
    return reminders


def send_reminders(today: dt.date | None = None) -> tuple[int, int]:
    """Send today's reminders that have not been sent yet. Returns how many
    were sent and how many had been already."""
    today = today or timezone.localdate()
    sent = skipped = 0
    for reminder in [*action_reminders(today), *review_reminders(today), *team_summaries(today)]:
        with transaction.atomic():
            claim, claimed = ReminderSent.objects.get_or_create(
                user=reminder.user, day=today, kind=reminder.kind
            )
        if not claimed:
            skipped += 1
            continue
        try:
            send_mail(
                subject=reminder.subject,
                message=reminder.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[reminder.user.email],
            )
        except Exception:
            claim.delete()  # not sent: the next run tries again
            raise
        sent += 1
    return sent, skipped
