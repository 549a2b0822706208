"""How a person is doing: their answers to the four ONS personal wellbeing
questions over their completed conversations, as table rows and as the
points of a small line chart drawn in SVG by the template.

Everything the chart needs (coordinates, scales, labels and the summary a
screen reader hears) is worked out here, so the template only places it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import dateformat, timezone

from conversations.models import Conversation, ConversationStatus
from people.models import Person

MOST_ANSWERS_SHOWN = 12
LOWEST, HIGHEST = 0, 10


@dataclass(frozen=True)
class Measure:
    field: str
    label: str
    question: str
    lower_is_better: bool = False


# In the order the ONS asks them.
MEASURES = (
    Measure(
        "life_satisfaction",
        "Life satisfaction",
        "Overall, how satisfied are you with your life nowadays?",
    ),
    Measure(
        "worthwhile",
        "Worthwhile",
        "Overall, to what extent do you feel the things you do in your life are worthwhile?",
    ),
    Measure("happiness", "Happiness", "Overall, how happy did you feel yesterday?"),
    Measure(
        "anxiety",
        "Anxiety",
        "Overall, how anxious did you feel yesterday?",
        lower_is_better=True,
    ),
)


@dataclass(frozen=True)
class Answers:
    """The answers given in one conversation; None where a question was not
    answered."""

    conversation_id: int
    happened_at: dt.datetime
    scores: tuple[int | None, ...]

    @property
    def on(self) -> dt.date:
        return timezone.localdate(self.happened_at)

    def cells(self) -> list[tuple[Measure, int | None]]:
        return list(zip(MEASURES, self.scores, strict=True))


# The chart's drawing area, in SVG user units; CSS scales it to the page.
WIDTH, HEIGHT = 640, 260
# Room at the sides for half a date label ("30 Sept 2025") under the first
# and the last point.
LEFT, RIGHT, TOP, BOTTOM = 48, 44, 16, 40
MOST_DATE_LABELS = 5
MARKER = 5


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: int
    on: dt.date
    marker: str  # SVG path data for the marker shape around (x, y)


@dataclass(frozen=True)
class Series:
    measure: Measure
    points: list[Point]

    @property
    def line(self) -> str:
        """The value of a <polyline points="…">."""
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    score_ticks: list[Tick]
    date_ticks: list[Tick]
    summary: str

    @property
    def score_label_x(self) -> int:
        return self.left - 8

    @property
    def date_label_y(self) -> int:
        return self.bottom + 24


@dataclass(frozen=True)
class Wellbeing:
    """What the profile shows under "How they are doing". `answers` are
    oldest first, like the chart; `chart` is None when nothing was answered."""

    answers: list[Answers]
    chart: Chart | None

    measures = MEASURES

    @property
    def legend(self) -> list[tuple[Measure, str]]:
        """Each measure with its marker, drawn in a 36 by 12 key."""
        return [(measure, _marker(m, 18, 6)) for m, measure in enumerate(MEASURES)]


def person_wellbeing(person: Person, limit: int = MOST_ANSWERS_SHOWN) -> Wellbeing:
    """The wellbeing answers of the person's latest `limit` completed
    conversations that have any, in one query. Drafts are left out: their
    answers may not be finished."""
    answered = Q()
    for measure in MEASURES:
        answered |= Q(**{f"{measure.field}__isnull": False})
    rows = (
        Conversation.objects.filter(person=person, status=ConversationStatus.COMPLETE)
        .filter(answered)
        .order_by("-happened_at", "-id")
        .values_list("id", "happened_at", *(m.field for m in MEASURES))[:limit]
    )
    answers = [Answers(row[0], row[1], tuple(row[2:])) for row in list(rows)[::-1]]
    return Wellbeing(answers=answers, chart=wellbeing_chart(answers))


def wellbeing_chart(answers: list[Answers]) -> Chart | None:
    """A line for each measure across the conversations, evenly spaced and
    oldest on the left; a measure not answered in a conversation has no point
    there and its line joins the points either side."""
    if not answers:
        return None
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x_of(index: int) -> float:
        if len(answers) == 1:
            return (LEFT + right) / 2
        return round(LEFT + index * (right - LEFT) / (len(answers) - 1), 1)

    def y_of(score: int) -> float:
        return round(bottom - (score - LOWEST) * (bottom - TOP) / (HIGHEST - LOWEST), 1)

    series = []
    for m, measure in enumerate(MEASURES):
        points = [
            Point(
                x=x_of(i),
                y=y_of(a.scores[m]),
                score=a.scores[m],
                on=a.on,
                marker=_marker(m, x_of(i), y_of(a.scores[m])),
            )
            for i, a in enumerate(answers)
            if a.scores[m] is not None
        ]
        series.append(Series(measure=measure, points=points))

    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        series=series,
        score_ticks=[Tick(y_of(s), str(s)) for s in range(LOWEST, HIGHEST + 1, 2)],
        date_ticks=[
            Tick(x_of(i), dateformat.format(answers[i].on, "j M Y"))
            for i in _labelled(len(answers))
        ],
        summary=_summary(answers),
    )


def _labelled(count: int) -> list[int]:
    """Which points get a date under them: all when few, else the first, the
    last and some evenly between, so that the labels do not overlap."""
    if count <= MOST_DATE_LABELS:
        return list(range(count))
    step = (count - 1) / (MOST_DATE_LABELS - 1)
    return sorted({round(i * step) for i in range(MOST_DATE_LABELS)})


def _marker(measure_index: int, x: float, y: float) -> str:
    """A different shape for each measure (circle, square, triangle,
    diamond), so that the lines can be told apart without colour."""
    r = MARKER
    if measure_index == 0:
        return f"M{x - r:g},{y:g}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    if measure_index == 1:
        s = r - 1
        return f"M{x - s:g},{y - s:g}h{2 * s}v{2 * s}h{-2 * s}Z"
    if measure_index == 2:
        return f"M{x:g},{y - r - 1:g}l{r + 1},{2 * r}h{-2 * r - 2}Z"
    return f"M{x:g},{y - r - 1:g}l{r + 1},{r + 1}l{-r - 1},{r + 1}l{-r - 1},{-r - 1}Z"


def _summary(answers: list[Answers]) -> str:
    """What a screen reader hears for the chart: its span and the latest
    answers. The table below it has every answer."""
    first, last = answers[0].on, answers[-1].on
    if len(answers) == 1:
        span = f"Wellbeing scores from 1 conversation, on {_long(last)}."
    else:
        span = (
            f"Wellbeing scores from {len(answers)} conversations, {_long(first)} to {_long(last)}."
        )
    latest = ", ".join(
        f"{m.label.lower()} {score}" + (" (lower is better)" if m.lower_is_better else "")
        for m, score in answers[-1].cells()
        if score is not None
    )
    return f"{span} Latest, out of 10: {latest}. Every score is in the table below."


def _long(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")
