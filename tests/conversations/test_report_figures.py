"""Every figure of /reports/ against a small council made by hand, with the
answers worked out by hand below (the comments show the arithmetic).

Today is 15 April 2026; the period is January to March 2026. Times are at
midday (GMT in these months), so no figure depends on the time zone.
"""

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conversations.models import ActionStatus, ConversationStatus, DecisionOutcome
from conversations.reports import Period, build_report, median
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    RiskDecisionFactory,
    ThemeFactory,
)

TODAY = dt.date(2026, 4, 15)
PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 12))


@pytest.fixture
def council(alice, carol, wigan, leigh):
    money, housing, loneliness = (ThemeFactory(name=n) for n in ("Money", "Housing", "Loneliness"))

    def person(team, by):
        return PersonFactory(team=team, created_by=by)

    def talk(who, when, *, themes=(), status=ConversationStatus.COMPLETE, **scores):
        c = ConversationFactory(
            person=who, recorded_by=who.created_by, happened_at=when, status=status, **scores
        )
        c.themes.set(themes)
        return c

    def action(conversation, status, due, closed=None):
        return AgreedActionFactory(
            conversation=conversation, status=status, due=due, closed_at=closed
        )

    p1, p2, p3, p4, p5, p6 = (person(wigan, alice) for _ in range(6))
    q1 = person(leigh, carol)

    # P1: first seen in December, then three times in the period.
    talk(p1, at(2025, 12, 10), life_satisfaction=4, worthwhile=5, happiness=6, anxiety=7)
    c2 = talk(p1, at(2026, 1, 5), themes=[money, housing])
    c3 = talk(
        p1,
        at(2026, 1, 20),
        themes=[money],
        life_satisfaction=6,
        worthwhile=5,
        happiness=5,
        anxiety=3,
    )
    c4 = talk(p1, at(2026, 2, 3), themes=[money])
    # P2: first in January, back in March; a draft in February counts nowhere.
    c5 = talk(p2, at(2026, 1, 12), themes=[loneliness], life_satisfaction=3, anxiety=8)
    talk(p2, at(2026, 3, 1), life_satisfaction=7, worthwhile=6, anxiety=8)
    draft = talk(
        p2, at(2026, 2, 10), themes=[housing], status=ConversationStatus.DRAFT, life_satisfaction=10
    )
    # P3: first in February, never back; answered once only.
    talk(p3, at(2026, 2, 14), themes=[housing], life_satisfaction=1)
    # P4: first in March and back five days later.
    talk(p4, at(2026, 3, 20), happiness=4)
    talk(p4, at(2026, 3, 25), happiness=8)
    # P5: first in January, back 366 days later: not within 12 months; that
    # answer is after the period, so P5 answered only once up to its end.
    talk(p5, at(2026, 1, 25), life_satisfaction=5)
    talk(p5, at(2027, 1, 26), life_satisfaction=9)
    # P6: answered twice, both before the period: not in its wellbeing.
    talk(p6, at(2025, 6, 1), life_satisfaction=2)
    talk(p6, at(2025, 9, 1), life_satisfaction=9)
    # Leigh's: never in Wigan's figures.
    talk(q1, at(2025, 12, 1), life_satisfaction=1)
    l1 = talk(q1, at(2026, 1, 15), themes=[loneliness, loneliness], life_satisfaction=10)

    # January's actions.
    action(c2, ActionStatus.DONE, dt.date(2026, 1, 19), at(2026, 1, 15))  # on time, 10 days
    action(c2, ActionStatus.DONE, dt.date(2026, 1, 10), at(2026, 1, 25))  # late, 20 days
    action(c2, ActionStatus.OPEN, dt.date(2026, 2, 1))  # overdue
    action(c5, ActionStatus.NO_LONGER_NEEDED, dt.date(2026, 2, 1), at(2026, 1, 20))
    action(c5, ActionStatus.NOT_DONE, dt.date(2026, 5, 1), at(2026, 1, 30))  # closed early
    action(c3, ActionStatus.OPEN, dt.date(2026, 5, 1))  # not due yet
    # February's.
    action(c4, ActionStatus.DONE, dt.date(2026, 2, 20), at(2026, 2, 6))  # on time, 3 days
    action(c4, ActionStatus.DONE, dt.date(2026, 2, 10), at(2026, 2, 10))  # on the day, 7 days
    action(c4, ActionStatus.DONE, dt.date(2026, 3, 1), at(2026, 2, 28))  # on time, 25 days
    # Not agreed yet: the draft's.
    action(draft, ActionStatus.DRAFT, dt.date(2026, 2, 20))
    # Leigh's: on time, 5 days.
    action(l1, ActionStatus.DONE, dt.date(2026, 1, 30), at(2026, 1, 20))

    # Positive-risk decisions, by the month they were backed.
    def decision(who, backed_at, outcome=None):
        if outcome is None:
            return RiskDecisionFactory(person=who, backed=True, backed_at=backed_at)
        return RiskDecisionFactory(
            person=who, with_outcome=True, backed_at=backed_at, outcome=outcome
        )

    decision(p1, at(2026, 1, 7), DecisionOutcome.WENT_WELL)
    decision(p2, at(2026, 1, 9), DecisionOutcome.NOT_AS_HOPED)
    decision(p3, at(2026, 1, 30))  # not reviewed yet
    decision(p4, at(2026, 3, 2), DecisionOutcome.PARTLY)
    decision(p5, at(2025, 12, 20), DecisionOutcome.WENT_WELL)  # before the period
    RiskDecisionFactory(person=p6)  # waiting: not backed
    decision(q1, at(2026, 1, 8), DecisionOutcome.WENT_WELL)  # Leigh's
    return {"wigan": wigan, "leigh": leigh}


def test_every_figure_of_one_team(council, django_assert_num_queries):
    report = build_report([council["wigan"]], PERIOD, today=TODAY)
    jan, feb, mar = report.months
    assert [m.month for m in report.months] == [JAN, FEB, MAR]

    # Conversations: January c2, c3 (P1), c5 (P2), P5's = 4, with P1, P2, P5 = 3
    # people; February c4 (P1), P3's = 2 (the draft is not counted) with 2
    # people; March P2's and P4's two = 3, with P2, P4 = 2 people.
    assert (jan.conversations, jan.people) == (4, 3)
    assert (feb.conversations, feb.people) == (2, 2)
    assert (mar.conversations, mar.people) == (3, 2)
    # All months: 4 + 2 + 3 = 9 conversations; P1 to P5, each once = 5 people.
    assert (report.totals.conversations, report.totals.people) == (9, 5)

    # January's actions: 6 agreed. Settled: 2 done, 1 overdue, 1 not done = 4
    # (no longer needed is left out; one is not due yet). On time: 1 of 4 =
    # 25%. Days to done: 10 and 20, median (10 + 20) / 2 = 15.
    assert (jan.actions, jan.settled, jan.done_on_time, jan.done) == (6, 4, 1, 2)
    assert jan.on_time_percent == 25
    assert jan.median_days == 15
    # February's: 3 agreed, all done, all by their due date (one on the very
    # day): 3 of 3 = 100%; days 3, 7, 25: median 7.
    assert (feb.actions, feb.settled, feb.done_on_time) == (3, 3, 3)
    assert feb.on_time_percent == 100
    assert feb.median_days == 7
    # March: none, so no share and no median.
    assert (mar.actions, mar.on_time_percent, mar.median_days) == (0, None, None)
    # All months: 6 + 3 = 9 agreed; 4 + 3 = 7 settled; 1 + 3 = 4 on time:
    # 4 / 7 = 57.1% → 57%; days 3, 7, 10, 20, 25: median 10.
    totals = report.totals
    assert (totals.actions, totals.settled, totals.done_on_time) == (9, 7, 4)
    assert totals.on_time_percent == 57
    assert totals.median_days == 10

    # Came back: January's first conversations are P2's and P5's (c2 is not
    # P1's first): P2 came back in March, P5 after 366 days: 1 of 2 = 50%.
    # February: P3's, never back: 0 of 1 = 0%. March: P4's, back 5 days
    # later: 1 of 1 = 100%.
    assert (jan.first_conversations, jan.came_back, jan.came_back_percent) == (2, 1, 50)
    assert (feb.first_conversations, feb.came_back, feb.came_back_percent) == (1, 0, 0)
    assert (mar.first_conversations, mar.came_back, mar.came_back_percent) == (1, 1, 100)

    # Decisions backed: January P1's (went well), P2's (not as hoped), P3's
    # (not reviewed yet) = 3; February none; March P4's (partly) = 1. P5's
    # was backed in December, P6's is waiting, Q1's is Leigh's.
    assert (jan.backed, jan.went_well, jan.not_as_hoped, jan.outcome_to_come) == (3, 1, 1, 1)
    assert (feb.backed, mar.backed, mar.partly) == (0, 1, 1)

    # Themes: Money c2, c3, c4 = 3; Housing c2 and P3's = 2 (not the draft's);
    # Loneliness c5 = 1 (Leigh's is not Wigan's).
    assert [(t.name, t.conversations) for t in report.themes] == [
        ("Money", 3),
        ("Housing", 2),
        ("Loneliness", 1),
    ]

    life, worthwhile, happiness, anxiety = report.wellbeing
    # Life satisfaction: P1 4 → 6 and P2 3 → 7. First (4 + 3) / 2 = 3.5,
    # latest (6 + 7) / 2 = 6.5, change +3; both better. (P3 and P5 answered
    # once up to the end of the period; P6's latest is before it; the
    # draft's 10 is not an answer.)
    assert (life.people, life.first, life.latest, life.change) == (2, 3.5, 6.5, 3.0)
    assert (life.better, life.same, life.worse) == (2, 0, 0)
    # Worthwhile: P1 5 → 5 (P2 did not answer it first time).
    assert (worthwhile.people, worthwhile.first, worthwhile.latest, worthwhile.change) == (
        1,
        5.0,
        5.0,
        0.0,
    )
    assert (worthwhile.better, worthwhile.same, worthwhile.worse) == (0, 1, 0)
    # Happiness: P1 6 → 5 and P4 4 → 8: first 5, latest 6.5, change +1.5.
    assert (happiness.people, happiness.first, happiness.latest, happiness.change) == (
        2,
        5.0,
        6.5,
        1.5,
    )
    assert (happiness.better, happiness.same, happiness.worse) == (1, 0, 1)
    # Anxiety (lower is better): P1 7 → 3, P2 8 → 8: first 7.5, latest 5.5,
    # change −2; P1 better, P2 the same.
    assert (anxiety.people, anxiety.first, anxiety.latest, anxiety.change) == (
        2,
        7.5,
        5.5,
        -2.0,
    )
    assert (anxiety.better, anxiety.same, anxiety.worse) == (1, 1, 0)


def test_figures_by_team_and_for_both(council):
    report = build_report([council["leigh"], council["wigan"]], PERIOD, today=TODAY)
    leigh, wigan = report.by_team
    # Leigh: 1 conversation (January's), 1 person, 1 action done on time in 5 days.
    assert (leigh.conversations, leigh.people, leigh.actions) == (1, 1, 1)
    assert (leigh.on_time_percent, leigh.median_days) == (100, 5)
    assert (wigan.conversations, wigan.people, wigan.actions) == (9, 5, 9)
    assert (wigan.on_time_percent, wigan.median_days) == (57, 10)
    # Both: 10 conversations, 6 people, 10 actions; 5 of 8 on time = 62.5% →
    # 63% (half rounds up); days 3, 5, 7, 10, 20, 25: median (7 + 10) / 2 = 8.5.
    totals = report.totals
    assert (totals.conversations, totals.people, totals.actions) == (10, 6, 10)
    assert (totals.on_time_percent, totals.median_days) == (63, 8.5)
    # Leigh's theme joins Wigan's Loneliness: 1 + 1 = 2, after Money's 3 and
    # before Housing's 2 by name.
    assert [(t.name, t.conversations) for t in report.themes] == [
        ("Money", 3),
        ("Housing", 2),
        ("Loneliness", 2),
    ]
    # Leigh's Q1 answered 1 → 10 for life satisfaction: now 3 people,
    # first (4 + 3 + 1) / 3 = 2.67 → 2.7, latest (6 + 7 + 10) / 3 = 7.67 → 7.7.
    life = report.wellbeing[0]
    assert life.people == 3
    assert (life.first, life.latest) == (pytest.approx(8 / 3), pytest.approx(23 / 3))


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=60))
def test_median_from_counts_is_the_median_of_the_values(days):
    """Medians are read from how many actions were done in each number of
    days, so a month, a team and all the teams need no pass of their own."""
    expected = statistics.median(days) if days else None
    assert median(Counter(days)) == expected
