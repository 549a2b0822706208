"""The figures of /reports/: what a team's conversations came to, by month
over a chosen period.

Every figure is a database aggregate: each function below is one query,
whatever the number of conversations, and Python only puts the rows it gets
back in order. A team's figures are those of the conversations it had (a
conversation keeps the team whose person it was when it was recorded) and of
the actions agreed in them, so a person who moves team leaves that work with
the team that did it. Drafts and discarded drafts count nowhere.

Months are calendar months in the service's time zone (Europe/London).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Max,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import FirstValue, Lead, RowNumber, TruncDate, TruncMonth
from django.utils import timezone

from conversations.models import (
    ANSWERED,
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationStatus,
    DecisionOutcome,
    RiskDecision,
)
from conversations.wellbeing import MEASURES, Measure
from deal.models import Team
from deal.pulse import PulseFigures, team_month_figures

# "Came back within 12 months" counts a later conversation up to this long
# after the first one.
CAME_BACK_WITHIN = dt.timedelta(days=365)
MOST_THEMES = 10


# --- A database function the figures need -----------------------------------


class DaysBetween(Func):
    """Whole days from one date to a later one."""

    output_field = IntegerField()

    def __init__(self, start, end) -> None:
        super().__init__(start, end)

    def as_sql(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        # PostgreSQL: date minus date is a number of days.
        return f"({end[0]} - {start[0]})", [*end[1], *start[1]]

    def as_sqlite(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        return (
            f"CAST(JULIANDAY({end[0]}) - JULIANDAY({start[0]}) AS INTEGER)",
            [*end[1], *start[1]],
        )


# --- The period ----------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, from `first` to `last` (both the first day of a month)."""

    first: dt.date
    last: dt.date

    @classmethod
    def last_12_months(cls, today: dt.date | None = None) -> Period:
        this_month = month_start(today or timezone.localdate())
        return cls(add_months(this_month, -11), this_month)

    @property
    def months(self) -> list[dt.date]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        return [add_months(self.first, n) for n in range(count)]

    @property
    def starts(self) -> dt.datetime:
        return _midnight(self.first)

    @property
    def ends(self) -> dt.datetime:
        """The first moment after the period."""
        return _midnight(add_months(self.last, 1))


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _month(value) -> dt.date:
    """A TruncMonth value (an aware datetime on PostgreSQL and SQLite alike)
    as the first day of the month."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


# --- The figures -----------------------------------------------------------------


@dataclass
class MonthFigures:
    month: dt.date
    conversations: int = 0
    people: int = 0
    actions: int = 0
    # Actions whose due date has passed or which are closed as done or not
    # done: the ones it is fair to ask "done by their due date?" of.
    settled: int = 0
    done_on_time: int = 0
    done: int = 0
    median_days: float | None = None
    first_conversations: int = 0
    came_back: int = 0
    # Positive-risk decisions backed in the month, and how those went.
    backed: int = 0
    went_well: int = 0
    partly: int = 0
    not_as_hoped: int = 0
    outcome_to_come: int = 0

    @property
    def on_time_percent(self) -> int | None:
        return _percent(self.done_on_time, self.settled)

    @property
    def came_back_percent(self) -> int | None:
        return _percent(self.came_back, self.first_conversations)


@dataclass
class TeamFigures:
    team: Team
    conversations: int = 0
    people: int = 0
    actions: int = 0
    settled: int = 0
    done_on_time: int = 0
    median_days: float | None = None

    @property
    def on_time_percent(self) -> int | None:
        return _percent(self.done_on_time, self.settled)


@dataclass(frozen=True)
class ThemeCount:
    name: str
    conversations: int


@dataclass(frozen=True)
class WellbeingChange:
    """One ONS question: people who answered it on two or more occasions,
    the latest of them in the period; their average first and latest score."""

    measure: Measure
    people: int
    # Unrounded: the table rounds them to one decimal place.
    first: float | None
    latest: float | None
    better: int
    same: int
    worse: int

    @property
    def change(self) -> float | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


@dataclass
class Report:
    period: Period
    teams: list[Team]
    months: list[MonthFigures]
    by_team: list[TeamFigures]
    totals: TeamFigures | None
    themes: list[ThemeCount]
    wellbeing: list[WellbeingChange]
    # The staff pulse of each team in each month of the period; a month not
    # over yet is left out (see `pulse_figures`).
    pulse: list[PulseFigures] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    # When the figures were read (a report may come from the cache).
    read_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def recent_months_start(self) -> dt.date:
        """Months from this one on have had less than 12 months for people to
        come back, so their figure can still rise."""
        return add_months(month_start(timezone.localdate()), -11)


def _percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    # Rounded half up, as people do by hand (Python's round() goes to even).
    return int(100 * part / whole + 0.5)


def completed_conversations(team_ids: list[int], period: Period):
    return Conversation.objects.filter(
        team_id__in=team_ids,
        status=ConversationStatus.COMPLETE,
        happened_at__gte=period.starts,
        happened_at__lt=period.ends,
    )


def agreed_actions(team_ids: list[int], period: Period):
    """Actions agreed in the period's completed conversations, counted in the
    month of their conversation."""
    return AgreedAction.objects.filter(
        conversation__team_id__in=team_ids,
        conversation__status=ConversationStatus.COMPLETE,
        conversation__happened_at__gte=period.starts,
        conversation__happened_at__lt=period.ends,
    ).exclude(status=ActionStatus.DRAFT)


def _action_rows(team_ids: list[int], period: Period, today: dt.date):
    """The actions agreed in the period's conversations, counted by month,
    team and days from conversation to done (none for an action not done),
    in one pass over the teams' conversations and their actions. By month,
    by team and for all teams the counts are sums of these rows, and each
    median is read from the number of actions done in each number of days:
    no second pass over the same actions for another grouping."""
    done = Q(status=ActionStatus.DONE)
    settled = done | Q(status=ActionStatus.NOT_DONE) | Q(status=ActionStatus.OPEN, due__lt=today)
    # By the due date as it stands: a date moved (with a reason, kept in the
    # trail) is the one the action is held to.
    on_time = done & Q(closed_at__date__lte=F("due"))
    days_to_done = DaysBetween(TruncDate("conversation__happened_at"), TruncDate("closed_at"))
    return (
        agreed_actions(team_ids, period)
        .annotate(
            month=TruncMonth("conversation__happened_at"),
            of_team=F("conversation__team_id"),
            days=Case(When(done, then=days_to_done), output_field=IntegerField()),
        )
        .values("month", "of_team", "days")
        # Counting the status (never empty) rather than the id, so every
        # column these read is in action_conversation_idx.
        .annotate(
            actions=Count("status"),
            settled=Count("status", filter=settled),
            done_on_time=Count("status", filter=on_time),
            done=Count("status", filter=done),
        )
        .order_by()
    )


def median(counts: Counter[int]) -> float | None:
    """The median of values given as how many times each occurs: the middle
    one, or halfway between the two middle ones (as PostgreSQL's
    percentile_cont(0.5) gives)."""
    n = counts.total()
    if not n:
        return None
    lower, upper = (n - 1) // 2, n // 2  # the middle positions, from 0
    seen, low = 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > lower:
            low = value
        if seen > upper:
            return (low + value) / 2
    raise AssertionError("unreachable: the counts add up to n")


def conversations_and_actions(
    teams: list[Team], period: Period, today: dt.date
) -> tuple[list[MonthFigures], list[TeamFigures], TeamFigures]:
    """Conversations, people reached and actions, by month, by team and for
    all the teams together. Two queries, whatever the number of teams.
    People reached do not add up across months or teams (someone may be
    reached in several), so each grouping of conversations is counted in
    its own part of a UNION; the actions add up, but for their medians."""
    team_ids = [t.pk for t in teams]
    several = len(teams) > 1
    months = {m: MonthFigures(month=m) for m in period.months}
    by_team = {t.pk: TeamFigures(team=t) for t in teams}
    totals = TeamFigures(team=None)

    no_month = Value(None, output_field=DateTimeField())
    no_team = Value(None, output_field=IntegerField())
    conversations = completed_conversations(team_ids, period)
    groupings = [
        conversations.annotate(month=TruncMonth("happened_at"), of_team=no_team),
        conversations.annotate(month=no_month, of_team=F("team_id")),
    ]
    if several:
        groupings.append(conversations.annotate(month=no_month, of_team=no_team))
    first, *rest = (
        g.values("month", "of_team")
        .annotate(conversations=Count("id"), people=Count("person_id", distinct=True))
        .order_by()
        for g in groupings
    )
    for row in first.union(*rest, all=True):
        if row["month"] is not None:
            figures = months[_month(row["month"])]
        else:
            figures = by_team[row["of_team"]] if row["of_team"] is not None else totals
        figures.conversations, figures.people = row["conversations"], row["people"]
    if len(teams) == 1:
        totals.conversations, totals.people = (
            by_team[team_ids[0]].conversations,
            by_team[team_ids[0]].people,
        )

    days_done = defaultdict(Counter)
    for row in _action_rows(team_ids, period, today):
        month, team = months[_month(row["month"])], by_team[row["of_team"]]
        for figures in (month, team, totals):
            figures.actions += row["actions"]
            figures.settled += row["settled"]
            figures.done_on_time += row["done_on_time"]
            if row["days"] is not None:
                days_done[id(figures)][row["days"]] += row["done"]
        month.done += row["done"]
    for figures in (*months.values(), *by_team.values(), totals):
        figures.median_days = median(days_done[id(figures)])
    return list(months.values()), list(by_team.values()), totals


def came_back(team_ids: list[int], period: Period) -> dict[dt.date, tuple[int, int]]:
    """For each month, the people whose first conversation it was, and how
    many of them had another within 12 months of it. One query, one pass
    over the teams' conversations: each with its person's first and next
    conversation beside it (windows), then counted month by month."""
    person = [F("person_id")]
    in_order = [F("happened_at").asc(), F("id").asc()]
    firsts = (
        Conversation.objects.filter(
            team_id__in=team_ids,
            status=ConversationStatus.COMPLETE,
            # Up to a year after the period, to see who came back.
            happened_at__lt=period.ends + CAME_BACK_WITHIN,
        )
        .annotate(
            nth=Window(RowNumber(), partition_by=person, order_by=in_order),
            # The same window as the others (not Min over the person's
            # rows), so the database orders each person's rows once.
            first_at=Window(FirstValue("happened_at"), partition_by=person, order_by=in_order),
            next_at=Window(Lead("happened_at"), partition_by=person, order_by=in_order),
        )
        # Filters on windows apply after them, so the windows see every
        # conversation, including those before the period.
        .filter(nth=1, first_at__gte=period.starts, first_at__lt=period.ends)
    )
    # Counted with a pair of conditional counts a month: the database
    # cannot group rows it has filtered by a window in the same query.
    aggregates = {}
    for n, month in enumerate(period.months):
        in_month = Q(
            happened_at__gte=_midnight(month), happened_at__lt=_midnight(add_months(month, 1))
        )
        back = Q(next_at__lte=F("happened_at") + CAME_BACK_WITHIN)
        aggregates[f"first_{n}"] = Count("id", filter=in_month)
        aggregates[f"back_{n}"] = Count("id", filter=in_month & back)
    row = firsts.aggregate(**aggregates)
    return {month: (row[f"first_{n}"], row[f"back_{n}"]) for n, month in enumerate(period.months)}


def decisions_backed(team_ids: list[int], period: Period):
    """Positive-risk decisions backed in each month, by how they went. A
    decision counts for its person's team. One query."""
    outcome = {
        "went_well": DecisionOutcome.WENT_WELL,
        "partly": DecisionOutcome.PARTLY,
        "not_as_hoped": DecisionOutcome.NOT_AS_HOPED,
        "outcome_to_come": "",
    }
    return (
        RiskDecision.objects.backed()
        .filter(team_id__in=team_ids, backed_at__gte=period.starts, backed_at__lt=period.ends)
        .annotate(month=TruncMonth("backed_at"))
        .values("month")
        .annotate(
            backed=Count("id"),
            **{name: Count("id", filter=Q(outcome=value)) for name, value in outcome.items()},
        )
        .order_by()
    )


def common_themes(team_ids: list[int], period: Period, most: int = MOST_THEMES):
    """The themes of the most conversations in the period. One query."""
    tagged = Conversation.themes.through.objects.filter(
        conversation__team_id__in=team_ids,
        conversation__status=ConversationStatus.COMPLETE,
        conversation__happened_at__gte=period.starts,
        conversation__happened_at__lt=period.ends,
    )
    rows = (
        tagged.values("theme__name")
        .annotate(conversations=Count("conversation_id"))
        .order_by("-conversations", "theme__name")[:most]
    )
    return [ThemeCount(row["theme__name"], row["conversations"]) for row in rows]


def wellbeing_changes(team_ids: list[int], period: Period) -> list[WellbeingChange]:
    """For each ONS question, the change between each person's first and
    latest answers. One query: the conversations in which people answered,
    up to the end of the period, each with the first answers of its person
    beside it (a window), keeping each person's latest one when it falls in
    the period and is not also their first."""
    person = [F("person_id")]
    oldest_first = [F("happened_at").asc(), F("id").asc()]
    windows = {
        f"first_{m.field}": Window(FirstValue(m.field), partition_by=person, order_by=oldest_first)
        for m in MEASURES
    }
    answers = (
        Conversation.objects.filter(
            ANSWERED,
            status=ConversationStatus.COMPLETE,
            team_id__in=team_ids,
            happened_at__lt=period.ends,
        )
        .annotate(
            **windows,
            newest=Window(
                RowNumber(),
                partition_by=person,
                order_by=[F("happened_at").desc(), F("id").desc()],
            ),
            occasions=Window(Count("id"), partition_by=person),
            latest_at=Window(Max("happened_at"), partition_by=person),
        )
        # Filters on windows apply after them, so the windows see every
        # answer up to the end of the period.
        .filter(newest=1, occasions__gte=2, latest_at__gte=period.starts)
    )
    aggregates = {}
    for m in MEASURES:
        both = Q(**{f"{m.field}__isnull": False, f"first_{m.field}__isnull": False})
        aggregates |= {
            f"{m.field}_people": Count("id", filter=both),
            f"{m.field}_first": Avg(f"first_{m.field}", filter=both),
            f"{m.field}_latest": Avg(m.field, filter=both),
            f"{m.field}_up": Count(
                "id", filter=both & Q(**{f"{m.field}__gt": F(f"first_{m.field}")})
            ),
            f"{m.field}_same": Count("id", filter=both & Q(**{m.field: F(f"first_{m.field}")})),
            f"{m.field}_down": Count(
                "id", filter=both & Q(**{f"{m.field}__lt": F(f"first_{m.field}")})
            ),
        }
    row = answers.aggregate(**aggregates)
    changes = []
    for m in MEASURES:
        up, down = row[f"{m.field}_up"], row[f"{m.field}_down"]
        changes.append(
            WellbeingChange(
                measure=m,
                people=row[f"{m.field}_people"],
                first=row[f"{m.field}_first"],
                latest=row[f"{m.field}_latest"],
                # Lower anxiety is better.
                better=down if m.lower_is_better else up,
                same=row[f"{m.field}_same"],
                worse=up if m.lower_is_better else down,
            )
        )
    return changes


def pulse_figures(team_ids: list[int], period: Period, today: dt.date) -> list[PulseFigures]:
    """The staff pulse of each team in each complete month of the period,
    as the team view reads it. The month under way is left out, so a new
    answer cannot be picked out by comparing one day's figures with the
    next. One query, or none when no month of the period is over."""
    last = min(period.last, add_months(month_start(today), -1))
    if last < period.first:
        return []
    return team_month_figures(team_ids, period.first, last)


# PostgreSQL's default cost of a random read (4) is a spinning disk's. With
# it the planner reads a million theme links from end to end rather than look
# up a team's few thousand conversations in an index; at the cost of a read
# from memory or an SSD (1.1) it looks them up, about six times faster.
RANDOM_PAGE_COST = "1.1"


def cached_report(teams: list[Team], period: Period) -> Report:
    """The report as built at most REPORT_CACHE_SECONDS ago (five minutes by
    default) for the same teams and months: reading a team's year is the
    heaviest page (a few hundred milliseconds at council size), managers
    open it again to change a filter or download a table, and its figures
    are monthly. Kept in the shared cache (Redis, with REDIS_URL), so every
    app server sees the same figures. The page says when they were read."""
    today = timezone.localdate()
    seconds = settings.REPORT_CACHE_SECONDS
    report = cache.get(_report_key(teams, period, today)) if seconds else None
    if report is None:
        report = refresh_report(teams, period, today)
    return report


def refresh_report(teams: list[Team], period: Period, today: dt.date | None = None) -> Report:
    """Build the report and keep it for cached_report, whether or not one is
    kept already (manage.py warm_reports, every few minutes, so that no
    manager waits for a team's year to be read)."""
    today = today or timezone.localdate()
    report = build_report(teams, period, today)
    if settings.REPORT_CACHE_SECONDS:
        cache.set(_report_key(teams, period, today), report, settings.REPORT_CACHE_SECONDS)
    return report


def _report_key(teams: list[Team], period: Period, today: dt.date) -> str:
    return "report:{}:{}:{}:{}".format(
        ",".join(str(pk) for pk in sorted(t.pk for t in teams)),
        period.first.isoformat(),
        period.last.isoformat(),
        today.isoformat(),
    )


def build_report(teams: list[Team], period: Period, today: dt.date | None = None) -> Report:
    """Every figure of the page, read in one transaction so that they agree
    with each other."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # For this transaction only (set_config's true: SET LOCAL).
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('random_page_cost', %s, true),"
                    " set_config('max_parallel_workers_per_gather', %s, true)",
                    [RANDOM_PAGE_COST, str(settings.REPORT_PARALLEL_WORKERS)],
                )
        return _build_report(teams, period, today or timezone.localdate())


def _build_report(teams: list[Team], period: Period, today: dt.date) -> Report:
    team_ids = [t.pk for t in teams]
    months, team_rows, totals = conversations_and_actions(teams, period, today)
    by_month = {m.month: m for m in months}
    for month, (first, back) in came_back(team_ids, period).items():
        by_month[month].first_conversations, by_month[month].came_back = first, back
    for row in decisions_backed(team_ids, period):
        figures = by_month[_month(row.pop("month"))]
        for name, value in row.items():
            setattr(figures, name, value)
    return Report(
        period=period,
        teams=teams,
        months=months,
        by_team=team_rows,
        totals=totals,
        themes=common_themes(team_ids, period),
        wellbeing=wellbeing_changes(team_ids, period),
        pulse=pulse_figures(team_ids, period, today),
    )
