"""How they are doing: the ONS wellbeing answers on the profile."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from conversations.models import ConversationStatus
from conversations.wellbeing import (
    HEIGHT,
    MOST_ANSWERS_SHOWN,
    TOP,
    Answers,
    person_wellbeing,
    wellbeing_chart,
)
from tests.factories import ConversationFactory, PersonFactory


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(given_name="Margaret", family_name="Hughes", team=wigan, created_by=alice)


def on(day: int, month: int = 3) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, month, day, 11, 0))


def answered(person, happened_at, scores=(6, 7, 5, 4), **kwargs):
    life_satisfaction, worthwhile, happiness, anxiety = scores
    return ConversationFactory(
        person=person,
        happened_at=happened_at,
        life_satisfaction=life_satisfaction,
        worthwhile=worthwhile,
        happiness=happiness,
        anxiety=anxiety,
        **kwargs,
    )


def section(client, person) -> str:
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.rindex("<section", 0, html.index('id="how-they-are-doing"'))
    return html[start : html.index("</section>", start) + len("</section>")]


def table_rows(html: str) -> list[list[str]]:
    """The body of the scores table as text, row by row."""
    body = html[html.index("<tbody") : html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).replace("–", "").strip() for c in cells])
    return rows


def test_scores_are_shown_in_a_table_oldest_first(alice_client, person):
    answered(person, on(20), (7, 8, 6, 3))
    first = answered(person, on(4), (4, 5, 3, 8))
    html = section(alice_client, person)
    assert table_rows(html) == [
        ["4 Mar 2025", "4", "5", "3", "8"],
        ["20 Mar 2025", "7", "8", "6", "3"],
    ]
    assert f'href="/conversations/{first.pk}/"' in html
    for heading in ["Date", "Life satisfaction", "Worthwhile", "Happiness", "Anxiety"]:
        assert f">{heading}" in html, heading


def test_table_says_that_for_anxiety_lower_is_better(alice_client, person):
    answered(person, on(4))
    html = section(alice_client, person)
    assert 'aria-describedby="wellbeing-scores-hint"' in html
    hint = html[html.index('id="wellbeing-scores-hint"') :]
    assert hint.index("For anxiety a lower score is better") < hint.index("</p>")
    assert "Anxiety <span" in html and "(lower is better)" in html


def test_a_question_not_answered_is_shown_as_not_answered(alice_client, person):
    answered(person, on(4), (6, None, 5, None))
    html = section(alice_client, person)
    assert table_rows(html) == [["4 Mar 2025", "6", "Not answered", "5", "Not answered"]]
    chart = person_wellbeing(person).chart
    assert [len(s.points) for s in chart.series] == [1, 0, 1, 0]


def test_chart_is_drawn_beside_the_table_with_a_summary_for_screen_readers(alice_client, person):
    answered(person, on(4), (4, 5, 3, 8))
    answered(person, on(20), (7, 8, 6, 3))
    html = section(alice_client, person)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'class="app-wellbeing-chart"' in svg
    assert 'role="img"' in svg
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert label == (
        "Wellbeing scores from 2 conversations, 4 March 2025 to 20 March 2025. "
        "Latest, out of 10: life satisfaction 7, worthwhile 8, happiness 6, "
        "anxiety 3 (lower is better). Every score is in the table below."
    )
    assert svg.count("<polyline") == 4
    # Styled from app.css: the content security policy forbids inline styles.
    assert "style=" not in html
    assert html.index("<svg") < html.index("<table")


def test_nothing_answered_says_so_and_draws_no_chart(alice_client, person):
    ConversationFactory(person=person)  # complete, but no wellbeing answers
    html = section(alice_client, person)
    assert "No wellbeing scores recorded yet." in html
    assert "app-wellbeing-chart" not in html
    assert "<table" not in html


def test_answers_in_a_draft_conversation_are_not_shown(alice_client, person):
    answered(person, on(4), (1, 2, 3, 4), status=ConversationStatus.DRAFT)
    assert person_wellbeing(person).answers == []
    html = section(alice_client, person)
    assert "No wellbeing scores recorded yet." in html

    answered(person, on(5), (9, 9, 9, 1))
    html = section(alice_client, person)
    assert table_rows(html) == [["5 Mar 2025", "9", "9", "9", "1"]]


def test_only_the_latest_twelve_answered_conversations_are_shown(alice_client, person):
    for day in range(1, 16):
        answered(person, on(day), (day % 11, 5, 5, 5))
    wellbeing = person_wellbeing(person)
    assert len(wellbeing.answers) == MOST_ANSWERS_SHOWN
    assert [a.on.day for a in wellbeing.answers] == list(range(4, 16))
    rows = table_rows(section(alice_client, person))
    assert len(rows) == MOST_ANSWERS_SHOWN
    assert rows[0][0] == "4 Mar 2025" and rows[-1][0] == "15 Mar 2025"


def test_another_persons_answers_are_not_shown(alice, person):
    other = PersonFactory(team=person.team, created_by=alice)
    answered(other, on(4))
    assert person_wellbeing(person).answers == []


def test_chart_scales_scores_from_the_bottom_to_the_top_of_the_drawing():
    answers = [
        Answers(1, on(1), (0, 10, 5, None)),
        Answers(2, on(2), (10, 0, 5, None)),
        Answers(3, on(3), (5, 5, 5, 2)),
    ]
    chart = wellbeing_chart(answers)
    life = chart.series[0].points
    assert life[0].y == chart.bottom and life[1].y == TOP
    assert life[2].y == (TOP + chart.bottom) / 2
    middle = (chart.left + chart.right) / 2
    assert [p.x for p in life] == [chart.left, middle, chart.right]
    assert chart.series[0].line == (
        f"{chart.left},{chart.bottom} {middle:g},{TOP} {chart.right},{life[2].y:g}"
    )
    assert [p.x for p in chart.series[3].points] == [chart.right]
    assert [t.label for t in chart.score_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert [t.label for t in chart.date_ticks] == ["1 Mar 2025", "2 Mar 2025", "3 Mar 2025"]
    assert chart.bottom < HEIGHT


def test_a_single_answer_is_drawn_in_the_middle():
    chart = wellbeing_chart([Answers(1, on(1), (6, 6, 6, 6))])
    assert {p.x for s in chart.series for p in s.points} == {(chart.left + chart.right) / 2}
    assert "from 1 conversation, on 1 March 2025" in chart.summary


def test_many_answers_get_a_few_date_labels_including_the_first_and_the_last():
    answers = [Answers(n, on(n), (5, 5, 5, 5)) for n in range(1, 13)]
    labels = [t.label for t in wellbeing_chart(answers).date_ticks]
    assert len(labels) == 5
    assert labels[0] == "1 Mar 2025" and labels[-1] == "12 Mar 2025"


def test_no_answers_no_chart():
    assert wellbeing_chart([]) is None
