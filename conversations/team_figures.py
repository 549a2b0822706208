"""The figures conversations gives the manager's team view (registered in
deal.team_figures): each worker's actions, by the responsible member of staff,
and their drafts left for more than a week. One grouped query each.

Each counts from the same `visible_to(viewer)` as the list it links to
(`/actions/`, the drafts, `/risks/`), so a restricted person's work that the
list leaves out for the manager viewing is not in the number either; the
restricted records are one subquery there, not a query of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q, Value
from django.urls import NoReverseMatch
from django.utils import timezone

from conversations.action_forms import RECENTLY_CLOSED_DAYS, Due
from conversations.models import (
    DUE_SOON_DAYS,
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationStatus,
    DecisionStatus,
    RiskDecision,
)
from conversations.review import REVIEW_WITHIN_DAYS, waiting_for_review_in
from deal.links import page_url
from deal.prepared import prepared
from deal.team_figures import Counts, FigureGroup
from people.models import seen_by

# The figures of each worker's actions.
KEYS = ("open", "overdue", "this_week", "done")
# A draft older than this is shown to the manager: probably forgotten.
DRAFT_OLD_DAYS = 7


def action_counts(team_ids: Sequence[int], viewer, today: dt.date | None = None) -> Counts:
    """Open, overdue, due soon and recently done, for each responsible member
    of staff: the open ones grouped in one part, those done in the last 30
    days in another, in one round trip. Apart, each part reads one range of
    its own index (action_team_idx, action_team_closed_idx) and nothing else;
    as one condition ("open, or done lately") the two ranges are merged into
    a bitmap and every row is fetched from the table. So the counts are of
    rows or of due dates, not of the ids, which the indexes do not hold."""
    today = today or timezone.localdate()
    rows = _action_rows(
        **seen_by(viewer),
        listed=list(team_ids),
        today=today,
        soon=today + dt.timedelta(days=DUE_SOON_DAYS),
        closed_since=timezone.now() - dt.timedelta(days=RECENTLY_CLOSED_DAYS),
    )
    counts: Counts = {}
    for row in rows:
        figures = counts.setdefault((row["team_id"], row["responsible_id"]), dict.fromkeys(KEYS, 0))
        for key in KEYS:
            figures[key] += row[key]
    return counts


# The figures are prepared queries (deal.prepared): the same on every
# request but for the manager, their teams and the day.


@prepared
def _action_rows(*, team_ids, closed, listed, today: dt.date, soon: dt.date, closed_since):
    actions = AgreedAction.objects.visible_in(team_ids, closed).filter(team_id__in=listed)
    nothing = Value(0)
    open_actions = (
        actions.filter(status=ActionStatus.OPEN)
        .values("team_id", "responsible_id")
        .annotate(
            open=Count("*"),
            overdue=Count("due", filter=Q(due__lt=today)),
            this_week=Count("due", filter=Q(due__gte=today, due__lte=soon)),
            done=nothing,
        )
        .order_by()
    )
    done_lately = (
        actions.filter(status=ActionStatus.DONE, closed_at__gte=closed_since)
        .values("team_id", "responsible_id")
        .annotate(open=nothing, overdue=nothing, this_week=nothing, done=Count("*"))
        .order_by()
    )
    return open_actions.union(done_lately, all=True)


def action_link(key: str, team_id: int, user_id: int) -> str:
    query = {"owner": user_id, "team": team_id}
    if key == "done":
        query.update(status=ActionStatus.DONE, since=RECENTLY_CLOSED_DAYS)
    else:
        query.update(status=ActionStatus.OPEN)
        if key == "overdue":
            query["due"] = Due.OVERDUE
        elif key == "this_week":
            query["due"] = Due.THIS_WEEK
    return f"{page_url('conversations:actions')}?{urlencode(query)}"


def draft_counts(team_ids: Sequence[int], viewer) -> Counts:
    before = timezone.now() - dt.timedelta(days=DRAFT_OLD_DAYS)
    rows = _draft_rows(**seen_by(viewer), listed=list(team_ids), before=before)
    return {(row["person__team_id"], row["recorded_by_id"]): {"drafts": row["n"]} for row in rows}


@prepared
def _draft_rows(*, team_ids, closed, listed, before: dt.datetime):
    return (
        Conversation.objects.visible_in(team_ids, closed)
        .filter(
            # The drafts the team started (Conversation.team): a range of
            # conversation_team_idx, not every draft of the council.
            team_id__in=listed,
            status=ConversationStatus.DRAFT,
            created_at__lt=before,
            person__team_id__in=listed,
        )
        .values("person__team_id", "recorded_by_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def draft_link(key: str, team_id: int, user_id: int) -> str:
    return f"{page_url('conversations:drafts')}?{urlencode({'worker': user_id, 'team': team_id})}"


ACTIONS = FigureGroup(
    columns=[
        ("open", "Open actions", "open action{s}"),
        ("overdue", "Overdue", "overdue action{s}"),
        ("this_week", f"Due in the next {DUE_SOON_DAYS} days", "action{s} due soon"),
        ("done", f"Done in the last {RECENTLY_CLOSED_DAYS} days", "action{s} done recently"),
    ],
    counts=action_counts,
    link=action_link,
    order=10,
)
DRAFTS = FigureGroup(
    columns=[("drafts", "Drafts older than a week", "draft{s} older than a week")],
    counts=draft_counts,
    link=draft_link,
    order=20,
)


def decision_counts(team_ids: Sequence[int], viewer, today: dt.date | None = None) -> Counts:
    """Positive-risk decisions waiting for a manager's backing, and backed ones
    whose review date has come with no outcome recorded, by who proposed them.

    Due for review, today's included, as the list it opens ("Due for review",
    RiskDecisionQuerySet.due_for_review) counts them: a figure of overdue ones
    only would be one fewer than its list on a review's own day."""
    today = today or timezone.localdate()
    rows = _decision_rows(**seen_by(viewer), listed=list(team_ids), today=today)
    return {
        (row["team_id"], row["proposed_by_id"]): {
            "waiting": row["waiting"],
            "reviews_due": row["reviews_due"],
        }
        for row in rows
    }


@prepared
def _decision_rows(*, team_ids, closed, listed, today: dt.date):
    waiting = Q(status=DecisionStatus.WAITING)
    due = Q(status=DecisionStatus.BACKED, review_date__lte=today)
    return (
        RiskDecision.objects.visible_in(team_ids, closed)
        .filter(team_id__in=listed)
        .filter(waiting | due)
        .values("team_id", "proposed_by_id")
        .annotate(
            waiting=Count("id", filter=waiting),
            reviews_due=Count("id", filter=due),
        )
        .order_by()
    )


def decision_link(key: str, team_id: int, user_id: int) -> str:
    """The decisions list, filtered to the worker; none while that list is not
    there (the figure is then shown without a link)."""
    try:
        url = page_url("decisions:list")
    except NoReverseMatch:
        return ""
    show = "waiting" if key == "waiting" else "review"
    return f"{url}?{urlencode({'show': show, 'proposer': user_id, 'team': team_id})}"


DECISIONS = FigureGroup(
    columns=[
        ("waiting", "Decisions waiting for backing", "decision{s} waiting for backing"),
        ("reviews_due", "Due for review", "decision{s} due for review"),
    ],
    counts=decision_counts,
    link=decision_link,
    order=30,
)


def review_counts(team_ids: Sequence[int], viewer) -> Counts:
    """Completed conversations waiting for this manager's review, by who
    recorded them (conversations.review.waiting_for_review: the list's own
    query, grouped)."""
    since = timezone.now() - dt.timedelta(days=REVIEW_WITHIN_DAYS)
    rows = _review_rows(**seen_by(viewer), user_id=viewer.pk, listed=list(team_ids), since=since)
    return {(row["person__team_id"], row["recorded_by_id"]): {"reviews": row["n"]} for row in rows}


@prepared
def _review_rows(*, team_ids, closed, user_id: int, listed, since: dt.datetime):
    return (
        waiting_for_review_in(team_ids, closed, user_id=user_id, since=since)
        .filter(person__team_id__in=listed)
        .values("person__team_id", "recorded_by_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def review_link(key: str, team_id: int, user_id: int) -> str:
    return f"{page_url('conversations:reviews')}?{urlencode({'worker': user_id, 'team': team_id})}"


REVIEWS = FigureGroup(
    columns=[
        (
            "reviews",
            "Conversations waiting for review",
            f"conversation{{s}} from the last {REVIEW_WITHIN_DAYS} days waiting for your review",
        )
    ],
    counts=review_counts,
    link=review_link,
    order=25,
)
