"""The sections of /reports/: for each, a chart and a table of the same
figures; the table is also what its CSV download holds."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import dateformat

from conversations.report_charts import BarChart, both_sizes, list_chart, month_chart
from conversations.reports import MOST_THEMES, Report
from deal.pulse import QUESTIONS, PulseFigures

NO_FIGURE = "No figure"
TOO_FEW = "Too few answers"
NOT_OVER = "Not over yet"
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Cell:
    text: str
    # What the CSV holds: the number itself, or the text.
    value: object = None
    numeric: bool = False


@dataclass
class Table:
    slug: str
    heading: str
    description: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    # Each chart drawn for a desktop and for a phone (`both_sizes`).
    charts: list[dict[str, BarChart]] = field(default_factory=list)
    note: str = ""

    @property
    def chart_ids(self) -> list[tuple[str, dict[str, BarChart]]]:
        """Each chart with the start of its ids on the page: the table's
        slug, numbered when it has several charts."""
        if len(self.charts) == 1:
            return [(self.slug, self.charts[0])]
        return [(f"{self.slug}-{n}", charts) for n, charts in enumerate(self.charts, 1)]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_safe(h) for h in self.headers])
        for row in [*self.rows, *([self.total] if self.total else [])]:
            writer.writerow([_csv_value(cell) for cell in row])
        return out.getvalue()


def _safe(text: str) -> str:
    """Text a spreadsheet will show as text, never run: a leading quote
    before anything that would start a formula (OWASP's advice on CSV
    injection). Theme and team names are typed by people."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(cell: Cell):
    if cell.numeric and cell.value is not None:
        return cell.value  # a number, written as digits
    return _safe(cell.text if cell.value is None else cell.value)


def _count(n: int) -> Cell:
    return Cell(f"{n:,}", n, numeric=True)


def _share(percent: int | None) -> Cell:
    if percent is None:
        return Cell(NO_FIGURE, "", numeric=True)
    return Cell(f"{percent}%", percent, numeric=True)


def _days(days: float | None) -> Cell:
    if days is None:
        return Cell(NO_FIGURE, "", numeric=True)
    return Cell(f"{days:g}", days, numeric=True)


def _score(score: float | None, *, signed: bool = False) -> Cell:
    if score is None:
        return Cell(NO_FIGURE, "", numeric=True)
    score = round(score, 1) + 0.0  # never "-0"
    if signed and score > 0:
        return Cell(f"+{score:g}", score, numeric=True)
    # A minus sign, not a hyphen, when read as text.
    return Cell(f"{score:g}".replace("-", "\u2212"), score, numeric=True)


def _month(month) -> Cell:
    return Cell(dateformat.format(month, "F Y"), f"{month:%Y-%m}")


def sections(report: Report) -> list[Table]:
    months = report.months
    teams = report.totals
    conversations = Table(
        slug="conversations",
        heading="Conversations and people reached",
        description="Completed conversations in each month, and how many people they were with.",
        headers=["Month", "Conversations", "People reached"],
        rows=[[_month(m.month), _count(m.conversations), _count(m.people)] for m in months],
        total=[Cell("All months"), _count(teams.conversations), _count(teams.people)],
        charts=[
            both_sizes(
                month_chart,
                "Conversations each month",
                _described(months, "conversations", lambda m: f"{m.conversations:,}"),
                [(m.month, m.conversations) for m in months],
            )
        ],
        note="People reached in all months counts each person once.",
    )
    actions = Table(
        slug="actions",
        heading="Actions agreed and done by their due date",
        description=(
            "Actions agreed in each month's conversations. The share done by their due date "
            "is of those whose due date has passed or which are closed as done or not done; "
            "actions no longer needed are left out. Days to done are from the conversation "
            "to the day the action was marked done."
        ),
        headers=[
            "Month",
            "Actions agreed",
            "Due date passed or closed",
            "Done by due date",
            "Share done by due date",
            "Median days to done",
        ],
        rows=[
            [
                _month(m.month),
                _count(m.actions),
                _count(m.settled),
                _count(m.done_on_time),
                _share(m.on_time_percent),
                _days(m.median_days),
            ]
            for m in months
        ],
        total=[
            Cell("All months"),
            _count(teams.actions),
            _count(teams.settled),
            _count(teams.done_on_time),
            _share(teams.on_time_percent),
            _days(teams.median_days),
        ],
        charts=[
            both_sizes(
                month_chart,
                "Share of actions done by their due date each month",
                _described(months, "share done by due date", lambda m: _percent(m.on_time_percent)),
                [(m.month, m.on_time_percent) for m in months],
                percent=True,
            )
        ],
    )
    came_back = Table(
        slug="came-back",
        heading="People who came back within 12 months",
        description=(
            "People whose first conversation was in each month, and how many of them had "
            "another conversation within 12 months of it."
        ),
        headers=["Month of first conversation", "People", "Came back", "Share who came back"],
        rows=[
            [
                _month(m.month),
                _count(m.first_conversations),
                _count(m.came_back),
                _share(m.came_back_percent),
            ]
            for m in months
        ],
        charts=[
            both_sizes(
                month_chart,
                "Share of people who came back within 12 months of their first conversation",
                _described(months, "share who came back", lambda m: _percent(m.came_back_percent)),
                [(m.month, m.came_back_percent) for m in months],
                percent=True,
            )
        ],
        note=(
            "For first conversations less than 12 months ago the 12 months are not over, "
            "so the figure can still rise."
        ),
    )
    themes = Table(
        slug="themes",
        heading="Most common themes",
        description=f"The {MOST_THEMES} themes of the most conversations in the period.",
        headers=["Theme", "Conversations"],
        rows=[[Cell(t.name), _count(t.conversations)] for t in report.themes],
        charts=[
            both_sizes(
                list_chart,
                "Most common themes",
                "Conversations with each theme: "
                + "; ".join(f"{t.name}, {t.conversations:,}" for t in report.themes)
                + ". The same figures are in the table below.",
                [(t.name, t.conversations) for t in report.themes],
            )
        ]
        if report.themes
        else [],
    )
    wellbeing = Table(
        slug="wellbeing",
        heading="Change in wellbeing",
        description=(
            "People who answered a wellbeing question in two or more conversations, the latest "
            "of them in the period: their average score in the first and in the latest, out "
            "of 10. For anxiety a lower score is better."
        ),
        headers=[
            "Question",
            "People",
            "Average first score",
            "Average latest score",
            "Change",
            "Better",
            "Same",
            "Worse",
        ],
        rows=[
            [
                Cell(w.measure.label + (" (lower is better)" if w.measure.lower_is_better else "")),
                _count(w.people),
                _score(w.first),
                _score(w.latest),
                _score(w.change, signed=True),
                _count(w.better),
                _count(w.same),
                _count(w.worse),
            ]
            for w in report.wellbeing
        ],
    )
    decisions = Table(
        slug="decisions",
        heading="Positive-risk decisions backed",
        description=(
            "Decisions a manager backed in each month, and how they went, as recorded at "
            "their review."
        ),
        headers=[
            "Month backed",
            "Backed",
            "Went well",
            "Partly went well",
            "Did not go as hoped",
            "Not reviewed yet",
        ],
        rows=[
            [
                _month(m.month),
                _count(m.backed),
                _count(m.went_well),
                _count(m.partly),
                _count(m.not_as_hoped),
                _count(m.outcome_to_come),
            ]
            for m in months
        ],
        total=[
            Cell("All months"),
            *(
                _count(sum(getattr(m, name) for m in months))
                for name in ("backed", "went_well", "partly", "not_as_hoped", "outcome_to_come")
            ),
        ],
        charts=[
            both_sizes(
                month_chart,
                "Positive-risk decisions backed each month",
                _described(months, "decisions backed", lambda m: f"{m.backed:,}"),
                [(m.month, m.backed) for m in months],
            )
        ],
    )
    tables = [conversations, actions, came_back, decisions, themes, wellbeing]
    if len(report.by_team) > 1:
        tables.append(
            Table(
                slug="teams",
                heading="By team",
                description="Each team's figures over the whole period.",
                headers=[
                    "Team",
                    "Conversations",
                    "People reached",
                    "Actions agreed",
                    "Share done by due date",
                    "Median days to done",
                ],
                rows=[
                    [
                        Cell(t.team.name),
                        _count(t.conversations),
                        _count(t.people),
                        _count(t.actions),
                        _share(t.on_time_percent),
                        _days(t.median_days),
                    ]
                    for t in report.by_team
                ],
                charts=[
                    both_sizes(
                        list_chart,
                        "Conversations by team",
                        "Conversations in the period: "
                        + "; ".join(f"{t.team.name}, {t.conversations:,}" for t in report.by_team)
                        + ". The same figures are in the table below.",
                        [(t.team.name, t.conversations) for t in report.by_team],
                    )
                ],
            )
        )
    tables.extend(_pulse_tables(report))
    return tables


def _pulse_tables(report: Report) -> list[Table]:
    """The staff pulse, a table for each team (never all teams together:
    one team's answers could then be worked out from the difference). A
    month with too few answers says so and shows no share, nor how many
    fewer than the minimum answered."""
    least = settings.PULSE_MIN_ANSWERS
    found: dict[tuple[int, object], PulseFigures] = {(f.team_id, f.month): f for f in report.pulse}
    several = len(report.teams) > 1
    tables = []
    for team in report.teams:
        figures = [(month, found.get((team.pk, month))) for month in report.period.months]
        rows = []
        for month, figure in figures:
            if figure is None:
                rows.append([_month(month), *[Cell(NOT_OVER, NOT_OVER)] * (len(QUESTIONS) + 1)])
            elif figure.too_few:
                answered = (
                    Cell("None", 0, numeric=True)
                    if not figure.answers
                    else Cell(f"Fewer than {least}", f"Fewer than {least}")
                )
                rows.append([_month(month), answered, *[Cell(TOO_FEW, TOO_FEW)] * len(QUESTIONS)])
            else:
                rows.append(
                    [
                        _month(month),
                        _count(figure.answers),
                        *(_pulse_share(share) for _text, share in figure.rows),
                    ]
                )
        charts = []
        if any(f is not None and not f.too_few for _month_, f in figures):
            for key, text in QUESTIONS:
                points = [(m, None if f is None else f.agree[key]) for m, f in figures]
                charts.append(
                    both_sizes(
                        month_chart,
                        f"“{text}”: the share who agree each month",
                        _pulse_described(text, points, figures),
                        points,
                        percent=True,
                    )
                )
        tables.append(
            Table(
                slug=f"pulse-{team.pk}" if several else "pulse",
                heading=f"Staff pulse: {team.name}" if several else "Staff pulse",
                description=(
                    "Staff are asked three questions about once a month, and their answers are "
                    "kept without their name: the share who agree or strongly agree with each, "
                    f"by month. A month with fewer than {least} answers shows “too few answers”; "
                    "the month under way shows nothing until it is over."
                ),
                headers=["Month", "Answers", *(text for _key, text in QUESTIONS)],
                rows=rows,
                charts=charts,
            )
        )
    return tables


def _pulse_share(percent: int | None) -> Cell:
    # A question enough people answered in all but its own figure: too few
    # answered this one.
    return Cell(TOO_FEW, TOO_FEW) if percent is None else _share(percent)


def _pulse_described(text: str, points, figures) -> str:
    said = []
    for (month, share), (_m, figure) in zip(points, figures, strict=True):
        if figure is None:
            value = "not over yet"
        elif share is None:
            value = "too few answers"
        else:
            value = f"{share}%"
        said.append(f"{dateformat.format(month, 'F Y')}, {value}")
    return (
        f"Share who agree that “{text}”, by month: {'; '.join(said)}. "
        "The same figures are in the table below."
    )


def _percent(value: int | None) -> str:
    return "no figure" if value is None else f"{value}%"


def _described(months, what: str, text) -> str:
    """What a screen reader hears for a chart by month: every month's figure
    (there are seldom more than a few dozen), then where the table is."""
    if not months:
        return "No months chosen."
    figures = "; ".join(f"{dateformat.format(m.month, 'F Y')}, {text(m)}" for m in months)
    return f"{what.capitalize()} by month: {figures}. The same figures are in the table below."
