"""How a person is doing: their answers to the four ONS personal wellbeing
questions over their completed conversations, as table rows and as the
points of a small line chart drawn in SVG by the template.

Everything the chart needs (coordinates, scales, labels and the summary a
screen reader hears) is worked out here, and the SVG is written here too
(Chart.svg): a template took longer to place the chart's hundred or so
shapes than the rest of the profile took to draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from conversations.models import Conversation, ConversationStatus
from deal.links import record_url
from deal.prepared import prepared
from deal.templatetags.govuk import govuk_date
from people.models import Person

MOST_ANSWERS_SHOWN = 12
LOWEST, HIGHEST = 0, 10


@dataclass(frozen=True)
class Measure:
    field: str
    label: str
    question: str
    lower_is_better: bool = False

    @property
    def heading(self) -> str:
        """The label with soft hyphens, so that on a phone the table's
        headings may break (with a hyphen) and every column fits."""
        return {
            "Life satisfaction": "Life satis\u00adfaction",
            "Worthwhile": "Worth\u00adwhile",
            "Happiness": "Happi\u00adness",
        }.get(self.label, self.label)


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

    @cached_property
    def on(self) -> dt.date:
        # Read for each point, label and row: converted to local time once.
        return timezone.localdate(self.happened_at)

    @property
    def url(self) -> str:
        return record_url("conversations:detail", self.conversation_id)

    def cells(self) -> list[tuple[Measure, int | None]]:
        return list(zip(MEASURES, self.scores, strict=True))


@dataclass(frozen=True)
class Size:
    """A chart's drawing area in SVG user units (CSS scales it to the page),
    and the room kept around it for the labels."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    # The labels' font size in user units (app.css sets the same), and the
    # most dates written under the chart.
    font: int
    most_date_labels: int


# Drawn twice: wide for a desktop's column, narrow for a phone, so that on
# either the labels are at least 12 CSS pixels (app.css shows the one that fits).
WIDE = Size(
    width=640, height=260, left=48, right=24, top=16, bottom=40, font=14, most_date_labels=5
)
NARROW = Size(
    width=340, height=230, left=30, right=12, top=14, bottom=38, font=14, most_date_labels=3
)
WIDTH, HEIGHT = WIDE.width, WIDE.height
LEFT, RIGHT, TOP, BOTTOM = WIDE.left, WIDE.right, WIDE.top, WIDE.bottom
MOST_DATE_LABELS = WIDE.most_date_labels
MARKER = 5
# "30 Sept 2025": about 0.6 of the font size a character.
DATE_LABEL_CHARACTERS = 11


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: int
    on: dt.date
    marker: str  # SVG path data for the marker shape around (x, y)
    title: str = ""  # what a pointer over it shows: "Happiness 7 on 1 March 2025"


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
    # How a date label sits on its point: centred, or starting or ending
    # there at the chart's edges, so it is never cut off.
    anchor: str = "middle"


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
    font: int = WIDE.font
    # Which width it is drawn for ("wide" or "narrow"): app.css shows the one
    # that fits.
    fit: str = "wide"

    @property
    def score_label_x(self) -> int:
        return self.left - 8

    @property
    def date_label_y(self) -> int:
        return self.bottom + self.font + 10

    @property
    def svg(self) -> SafeString:
        """The chart as SVG in its box. Written with f-strings, which took a
        tenth of the time format_html did: every value is a number or an
        attribute word worked out in this module, and every text is escaped."""
        parts = [
            f'<div class="app-wellbeing-fit app-wellbeing-fit--{self.fit}">'
            '<svg class="app-wellbeing-chart" xmlns="http://www.w3.org/2000/svg"'
            f' viewBox="0 0 {self.width} {self.height}" role="img"'
            f' aria-label="{escape(self.summary)}" focusable="false">'
        ]
        for tick in self.score_ticks:
            parts.append(
                f'<line class="app-wellbeing-chart__grid" x1="{self.left}" x2="{self.right}"'
                f' y1="{tick.position}" y2="{tick.position}"/>'
                f'<text class="app-wellbeing-chart__label" x="{self.score_label_x}"'
                f' y="{tick.position}" text-anchor="end" dominant-baseline="middle">'
                f"{escape(tick.label)}</text>"
            )
        for tick in self.date_ticks:
            parts.append(
                f'<text class="app-wellbeing-chart__label" x="{tick.position}"'
                f' y="{self.date_label_y}" text-anchor="{tick.anchor}">{escape(tick.label)}</text>'
            )
        for series in self.series:
            parts.append(
                '<g class="app-wellbeing-chart__series'
                f' app-wellbeing-chart__series--{series.measure.field}">'
                f'<polyline class="app-wellbeing-chart__line" points="{series.line}"/>'
            )
            parts.extend(
                f'<path class="app-wellbeing-chart__marker" d="{point.marker}">'
                f"<title>{escape(point.title)}</title></path>"
                for point in series.points
            )
            parts.append("</g>")
        parts.append("</svg></div>")
        return mark_safe("".join(parts))  # noqa: S308 - every text in it escaped above


@dataclass(frozen=True)
class Wellbeing:
    """What the profile shows under "How they are doing". `answers` are
    oldest first, like the chart; `chart` is None when nothing was answered."""

    answers: list[Answers]
    chart: Chart | None
    narrow_chart: Chart | None = None

    measures = MEASURES

    @property
    def legend(self) -> list[tuple[Measure, str]]:
        """Each measure with its marker, drawn in a 36 by 12 key."""
        return [(measure, _marker(m, 18, 6)) for m, measure in enumerate(MEASURES)]


def person_wellbeing(person: Person) -> Wellbeing:
    """The wellbeing answers of the person's latest MOST_ANSWERS_SHOWN completed
    conversations that have any, in one query. Drafts are left out: their
    answers may not be finished."""
    rows = _answers_of(person_id=person.pk)
    answers = [Answers(row[0], row[1], tuple(row[2:])) for row in rows[::-1]]
    return Wellbeing(
        answers=answers,
        chart=wellbeing_chart(answers),
        narrow_chart=wellbeing_chart(answers, size=NARROW),
    )


@prepared
def _answers_of(*, person_id: int):
    # On every profile, so prepared (deal.prepared).
    answered = Q()
    for measure in MEASURES:
        answered |= Q(**{f"{measure.field}__isnull": False})
    return (
        Conversation.objects.filter(person=person_id, status=ConversationStatus.COMPLETE)
        .filter(answered)
        .order_by("-happened_at", "-id")
        .values_list("id", "happened_at", *(m.field for m in MEASURES))[:MOST_ANSWERS_SHOWN]
    )


def wellbeing_chart(answers: list[Answers], size: Size = WIDE) -> Chart | None:
    """A line for each measure across the conversations, oldest on the left,
    each at its date, so the gaps between points show the time between the
    conversations. A measure not answered in a conversation has no point
    there and its line joins the points either side."""
    if not answers:
        return None
    left, right, top, bottom = (
        size.left,
        size.width - size.right,
        size.top,
        size.height - size.bottom,
    )
    first, last = answers[0].happened_at, answers[-1].happened_at
    span = (last - first).total_seconds()

    def x_of(index: int) -> float:
        if len(answers) == 1:
            return (left + right) / 2
        if span <= 0:  # all at the same moment: spread them out to be seen
            return round(left + index * (right - left) / (len(answers) - 1), 1)
        elapsed = (answers[index].happened_at - first).total_seconds()
        return round(left + elapsed * (right - left) / span, 1)

    # Each position and date worked out once, not once for each point.
    xs = [x_of(i) for i in range(len(answers))]
    ys: dict[int, float] = {}

    def y_of(score: int) -> float:
        if score not in ys:
            ys[score] = round(bottom - (score - LOWEST) * (bottom - top) / (HIGHEST - LOWEST), 1)
        return ys[score]

    dates = [_long(a.on) for a in answers]
    series = []
    for m, measure in enumerate(MEASURES):
        points = [
            Point(
                x=xs[i],
                y=y_of(score),
                score=score,
                on=a.on,
                marker=_marker(m, xs[i], y_of(score)),
                title=f"{measure.label} {score} on {dates[i]}",
            )
            for i, a in enumerate(answers)
            if (score := a.scores[m]) is not None
        ]
        series.append(Series(measure=measure, points=points))

    return Chart(
        width=size.width,
        height=size.height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        series=series,
        score_ticks=[Tick(y_of(s), str(s)) for s in range(LOWEST, HIGHEST + 1, 2)],
        date_ticks=_date_ticks(answers, xs, size),
        summary=_summary(answers),
        font=size.font,
        fit="narrow" if size is NARROW else "wide",
    )


def _date_ticks(answers: list[Answers], xs: list[float], size: Size) -> list[Tick]:
    """Dates under some of the points: the first, the last and some between,
    none overlapping another."""
    label_width = DATE_LABEL_CHARACTERS * size.font * 0.6
    gap = label_width + size.font / 2
    chosen: list[int] = []
    candidates = _labelled(len(answers), size.most_date_labels)
    for i in candidates:
        near_last = i != candidates[-1] and abs(xs[candidates[-1]] - xs[i]) < gap
        if chosen and abs(xs[i] - xs[chosen[-1]]) < gap or near_last:
            continue
        chosen.append(i)
    ticks = []
    for i in chosen:
        anchor = "middle"
        if xs[i] - label_width / 2 < 0:
            anchor = "start"
        elif xs[i] + label_width / 2 > size.width:
            anchor = "end"
        ticks.append(Tick(xs[i], govuk_date(answers[i].on, "short"), anchor))
    return ticks


def _labelled(count: int, most: int = MOST_DATE_LABELS) -> list[int]:
    """Which points may get a date under them: all when few, else the first,
    the last and some evenly between."""
    if count <= most:
        return list(range(count))
    step = (count - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


# Each measure's marker as SVG path data: where the pen starts, from the
# point, and the shape drawn from there (the same at every point, so written
# once). A different shape for each measure (circle, square, triangle,
# diamond), so that the lines can be told apart without colour.
_MARKER_PATHS = (
    (
        (-MARKER, 0),
        f"a{MARKER},{MARKER} 0 1,0 {2 * MARKER},0a{MARKER},{MARKER} 0 1,0 {-2 * MARKER},0Z",
    ),
    ((1 - MARKER, 1 - MARKER), f"h{2 * MARKER - 2}v{2 * MARKER - 2}h{2 - 2 * MARKER}Z"),
    ((0, -MARKER - 1), f"l{MARKER + 1},{2 * MARKER}h{-2 * MARKER - 2}Z"),
    (
        (0, -MARKER - 1),
        f"l{MARKER + 1},{MARKER + 1}l{-MARKER - 1},{MARKER + 1}l{-MARKER - 1},{-MARKER - 1}Z",
    ),
)


def _marker(measure_index: int, x: float, y: float) -> str:
    (dx, dy), shape = _MARKER_PATHS[min(measure_index, len(_MARKER_PATHS) - 1)]
    return f"M{x + dx:g},{y + dy:g}{shape}"


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
    # dateformat's "j F Y", put together without parsing a format each time.
    return govuk_date(day)
