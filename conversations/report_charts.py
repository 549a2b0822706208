"""The charts of /reports/, drawn as SVG (BarChart.svg, placed on the page by
`{% bar_chart %}`).

Everything a chart needs (bar positions, scale, labels and what a screen
reader hears) is worked out here, and the SVG is written here too: a
template took longer to place a page of charts than the rest of the page
took to draw. Each chart
is drawn twice, wide for a desktop's column and narrow for a phone, so its
labels are never smaller than 12 CSS pixels (app.css shows the one that
fits), and each has a table beside it with the same figures.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from conversations.wellbeing import Size

# As the wellbeing chart's sizes, with room at the left for "10,000".
WIDE = Size(
    width=640, height=260, left=60, right=24, top=16, bottom=40, font=14, most_date_labels=5
)
NARROW = Size(
    width=340, height=230, left=48, right=12, top=14, bottom=38, font=14, most_date_labels=3
)

# "Sept 2026" at 0.6 of the font size a character.
MONTH_LABEL_CHARACTERS = 9
ROW_HEIGHT = 46  # a label line and a bar, for bars across
BAR_THICKNESS = 18


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what the bar is, for its tooltip
    value: str  # the figure as written in the table
    # Bars across: where the label and the value are written.
    label_y: float = 0
    value_x: float = 0

    @property
    def value_y(self) -> float:
        return self.y + 13


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar]
    value_ticks: list[Tick]
    category_ticks: list[Tick]
    title: str
    description: str
    font: int
    across: bool = False  # bars across (a list of names) or up (months)

    @property
    def value_label_x(self) -> int:
        return self.left - 8

    @property
    def category_label_y(self) -> int:
        return self.bottom + self.font + 10

    def svg(self, *, fit: str, id: str) -> SafeString:
        """The chart in its box, for a width ("wide" or "narrow": app.css
        shows the one that fits), its title and description given ids
        starting `id` for the screen reader. Every number is worked out in
        this module; every text (a theme's or team's name among them) is
        escaped."""
        parts = [
            f'<div class="app-chart-fit app-chart-fit--{escape(fit)}">'
            '<svg class="app-report-chart__svg" xmlns="http://www.w3.org/2000/svg"'
            f' viewBox="0 0 {self.width} {self.height}" role="img"'
            f' aria-labelledby="{escape(id)}-title {escape(id)}-desc" focusable="false">'
            f'<title id="{escape(id)}-title">{escape(self.title)}</title>'
            f'<desc id="{escape(id)}-desc">{escape(self.description)}</desc>'
        ]
        if self.across:
            for bar in self.bars:
                label, value = escape(bar.label), escape(bar.value)
                parts.append(
                    f'<text class="app-report-chart__label" x="{bar.x}" y="{bar.label_y}">'
                    f"{label}</text>{_rect(bar, label, value)}"
                    f'<text class="app-report-chart__label" x="{bar.value_x}" y="{bar.value_y}">'
                    f"{value}</text>"
                )
        else:
            for tick in self.value_ticks:
                parts.append(
                    f'<line class="app-report-chart__grid" x1="{self.left}" x2="{self.right}"'
                    f' y1="{tick.position}" y2="{tick.position}"/>'
                    f'<text class="app-report-chart__label" x="{self.value_label_x}"'
                    f' y="{tick.position}" text-anchor="end" dominant-baseline="middle">'
                    f"{escape(tick.label)}</text>"
                )
            parts.extend(_rect(bar, escape(bar.label), escape(bar.value)) for bar in self.bars)
            parts.extend(
                f'<text class="app-report-chart__label" x="{tick.position}"'
                f' y="{self.category_label_y}" text-anchor="{tick.anchor}">'
                f"{escape(tick.label)}</text>"
                for tick in self.category_ticks
            )
        parts.append("</svg></div>")
        return mark_safe("".join(parts))  # noqa: S308 - every text in it escaped above


def _rect(bar: Bar, label: str, value: str) -> str:
    """A bar with its tooltip (label and value already escaped)."""
    return (
        f'<rect class="app-report-chart__bar" x="{bar.x}" y="{bar.y}" width="{bar.width}"'
        f' height="{bar.height}"><title>{label}: {value}</title></rect>'
    )


def nice_top(largest: float) -> float:
    """The top of the scale: the next of 1, 2, 5 × 10ⁿ at or above the
    largest value, so the grid lines fall on round numbers."""
    if largest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    for step in (1, 2, 5, 10):
        if step * power >= largest:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _format(value: float, percent: bool) -> str:
    if percent:
        return f"{value:g}%"
    return f"{value:,g}"


def month_chart(
    title: str,
    description: str,
    points: list[tuple[dt.date, float | None]],
    *,
    percent: bool = False,
    size: Size = WIDE,
) -> BarChart:
    """A bar for each month, oldest on the left. A month with no figure (a
    share of nothing) has no bar; the table says "no figure"."""
    left, right = size.left, size.width - size.right
    top, bottom = size.top, size.height - size.bottom
    values = [v for _, v in points if v is not None]
    scale_top = 100 if percent else nice_top(max(values, default=0))
    slot = (right - left) / max(len(points), 1)
    bar_width = round(slot * 0.7, 1)

    def y_of(value: float) -> float:
        return round(bottom - value * (bottom - top) / scale_top, 1)

    bars = []
    for i, (month, value) in enumerate(points):
        if value is None:
            continue
        x = round(left + i * slot + (slot - bar_width) / 2, 1)
        bars.append(
            Bar(
                x=x,
                y=y_of(value),
                width=bar_width,
                height=round(bottom - y_of(value), 1),
                label=dateformat.format(month, "F Y"),
                value=_format(value, percent),
            )
        )
    centres = [left + i * slot + slot / 2 for i in range(len(points))]
    return BarChart(
        width=size.width,
        height=size.height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        bars=bars,
        value_ticks=[
            Tick(y_of(scale_top * n / 4), _format(round(scale_top * n / 4, 2), percent))
            for n in range(5)
        ],
        category_ticks=_month_ticks([m for m, _ in points], centres, size),
        title=title,
        description=description,
        font=size.font,
    )


def _month_ticks(months: list[dt.date], xs: list[float], size: Size) -> list[Tick]:
    """Month names under some bars: the first, the last and some between,
    none overlapping another."""
    if not months:
        return []
    label_width = MONTH_LABEL_CHARACTERS * size.font * 0.6
    gap = label_width + size.font / 2
    chosen: list[int] = [0]
    for i in range(1, len(months)):
        if xs[i] - xs[chosen[-1]] >= gap and (i == len(months) - 1 or xs[-1] - xs[i] >= gap):
            chosen.append(i)
    if len(months) > 1 and chosen[-1] != len(months) - 1 and xs[-1] - xs[chosen[-1]] >= gap:
        chosen.append(len(months) - 1)
    ticks = []
    for i in chosen:
        anchor = "middle"
        if xs[i] - label_width / 2 < 0:
            anchor = "start"
        elif xs[i] + label_width / 2 > size.width:
            anchor = "end"
        ticks.append(Tick(round(xs[i], 1), dateformat.format(months[i], "M Y"), anchor))
    return ticks


def list_chart(
    title: str,
    description: str,
    rows: list[tuple[str, float]],
    *,
    size: Size = WIDE,
) -> BarChart:
    """A bar across for each name (a theme, a team), its name above it and
    its figure at its end. Names longer than the drawing are cut short with
    an ellipsis; the table has them whole."""
    left, right = 4, size.width - 60
    top = 8
    height = top + ROW_HEIGHT * len(rows) + 8
    scale_top = nice_top(max((v for _, v in rows), default=0))
    most_characters = int((size.width - 8) / (size.font * 0.6))
    bars = []
    for i, (name, value) in enumerate(rows):
        label_y = top + ROW_HEIGHT * i + size.font
        length = round(value * (right - left) / scale_top, 1)
        label = name if len(name) <= most_characters else name[: most_characters - 1] + "…"
        bars.append(
            Bar(
                x=left,
                y=label_y + 6,
                width=max(length, 1),
                height=BAR_THICKNESS,
                label=label,
                value=_format(value, False),
                label_y=label_y,
                value_x=left + max(length, 1) + 6,
            )
        )
    return BarChart(
        width=size.width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=height - 8,
        bars=bars,
        value_ticks=[],
        category_ticks=[],
        title=title,
        description=description,
        font=size.font,
        across=True,
    )


def both_sizes(make, *args, **kwargs) -> dict[str, BarChart]:
    """The chart drawn for a desktop ("wide") and for a phone ("narrow")."""
    return {"wide": make(*args, size=WIDE, **kwargs), "narrow": make(*args, size=NARROW, **kwargs)}
