"""The wellbeing chart places each answer at its date, and is drawn to be
read on a phone as well as a desktop."""

import datetime as dt

from django.utils import timezone

from conversations.wellbeing import NARROW, Answers, wellbeing_chart


def on(day: int, month: int = 3) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, month, day, 11, 0))


def test_points_are_placed_by_the_time_between_conversations():
    answers = [
        Answers(1, on(1), (5, 5, 5, 5)),
        Answers(2, on(2), (6, 6, 6, 6)),
        Answers(3, on(31), (7, 7, 7, 7)),  # 30 days after the first
    ]
    chart = wellbeing_chart(answers)
    xs = [p.x for p in chart.series[0].points]
    width = chart.right - chart.left
    assert xs[0] == chart.left and xs[2] == chart.right
    assert abs((xs[1] - chart.left) - width / 30) < 1  # a day in, not halfway


def test_date_labels_never_overlap_or_leave_the_drawing():
    answers = [Answers(n, on(1) + dt.timedelta(days=n), (5, 5, 5, 5)) for n in range(40)]
    answers += [Answers(99, on(1) + dt.timedelta(days=41), (5, 5, 5, 5))]
    for size in (None, NARROW):
        chart = wellbeing_chart(answers, **({"size": size} if size else {}))
        ticks = chart.date_ticks
        assert ticks[0].label == "1 Mar 2025" and ticks[-1].label == "11 Apr 2025"
        label = 11 * chart.font * 0.6
        for before, after in zip(ticks, ticks[1:], strict=False):
            assert after.position - before.position >= label, (before, after)
        assert ticks[0].anchor == "start" or ticks[0].position - label / 2 >= 0
        assert ticks[-1].anchor == "end" or ticks[-1].position + label / 2 <= chart.width


def test_the_narrow_chart_is_drawn_for_a_phone():
    chart = wellbeing_chart([Answers(1, on(1), (5, 5, 5, 5))], size=NARROW)
    assert chart.width == 340
    # At 390 px a phone shows the chart about 360 px wide: 14 units are 14.8 px.
    assert chart.font * 360 / chart.width >= 12
