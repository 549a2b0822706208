"""/reports/: who sees which figures, the choices of team and months, the
CSV downloads, and a number of queries that does not grow with the data."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conversations.models import ActionStatus
from conversations.reports import add_months
from deal.factories import join_team
from deal.models import PulseAnswer, Role
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    RiskDecisionFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
)

REPORTS = "/reports/"


def this_month_at(day=1):
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime(today.year, today.month, day, 0, 30))


@pytest.fixture
def wigan_figures(alice, wigan):
    """Three conversations with two Wigan people this month, one with the
    theme "Money", and one done action."""
    money = ThemeFactory(name="Money")
    # Names found in no heading or label of the page (a random "Chan" is in
    # "Change in wellbeing"), so a test can show that no name is shown.
    first, second = (
        PersonFactory(team=wigan, created_by=alice, family_name=name)
        for name in ("Quarmbyne", "Ollerenshawe")
    )
    for person in (first, first, second):
        c = ConversationFactory(person=person, recorded_by=alice, happened_at=this_month_at())
        c.themes.add(money)
    AgreedActionFactory(conversation=c, status=ActionStatus.DONE, closed_at=timezone.now())
    return c


@pytest.fixture
def bob_client(client, bob):
    """Reports are a manager's: Bob manages Wigan Central, where Alice works."""
    client.force_login(bob)
    return client


@pytest.fixture
def bob_app(app_for, bob):
    return app_for(bob)


@pytest.fixture
def leigh_manager(leigh):
    return UserFactory(
        email="lena@example.org", full_name="Lena Leighmanager", role=Role.MANAGER, teams=[leigh]
    )


def figures(response, slug):
    """The rows of one table on the page, as text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content, "html.parser")
    caption = soup.find(id=f"{slug}-caption")
    if caption is None:
        return []
    table = caption.find_parent("table")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.find("tbody").find_all("tr")
    ]


def total_row(response, slug):
    return figures(response, slug)[-1]


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(REPORTS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_manager_sees_their_teams_figures(bob_client, wigan_figures):
    response = bob_client.get(REPORTS)
    assert response.status_code == 200
    assert total_row(response, "conversations") == ["All months", "3", "2"]
    assert figures(response, "themes") == [["Money", "3"]]
    assertContains(response, "Wigan Central's conversations")
    # Team-level figures: nobody's name.
    assertNotContains(response, wigan_figures.person.family_name)


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "ig"])
def test_only_managers_see_reports(client, request, wigan_figures, who):
    """Team reports are a manager's (the product brief): a frontline worker,
    an admin (who reads nothing of residents, and a small team's month can
    point to one person) and information governance (no team) get the same
    404 as on the team view, for the page and every download, and are not
    offered the link."""
    user = (
        UserFactory(role=Role.IG, email="ig@example.org")
        if who == "ig"
        else request.getfixturevalue(who)
    )
    client.force_login(user)
    assert client.get(REPORTS).status_code == 404
    assert client.get("/reports/conversations.csv").status_code == 404
    assert client.get("/reports/pulse.csv").status_code == 404
    assert client.get("/team/").status_code == 404
    home = client.get("/", follow=True)
    assertNotContains(home, 'href="/reports/"')


def test_another_teams_manager_sees_nothing_of_this_team(
    client, wigan_figures, wigan, leigh_manager
):
    client.force_login(leigh_manager)
    response = client.get(REPORTS)
    assert response.status_code == 200
    assert total_row(response, "conversations") == ["All months", "0", "0"]
    assertNotContains(response, "Money")
    # Asking for Wigan by its id in the address: not one of theirs.
    response = client.get(REPORTS, {"team": wigan.pk})
    assert total_row(response, "conversations") == ["All months", "0", "0"]
    assert client.get("/reports/themes.csv", {"team": wigan.pk}).content.decode() == (
        "Theme,Conversations\r\n"
    )


def test_a_manager_of_two_teams_chooses_one_or_both(client, wigan_figures, bob, leigh, carol):
    join_team(bob, leigh)
    leigh_person = PersonFactory(team=leigh, created_by=carol)
    ConversationFactory(person=leigh_person, recorded_by=carol, happened_at=this_month_at())
    client.force_login(bob)
    both = client.get(REPORTS)
    assert total_row(both, "conversations") == ["All months", "4", "3"]
    assert [row[:3] for row in figures(both, "teams")] == [
        ["Leigh", "1", "1"],
        ["Wigan Central", "3", "2"],
    ]
    one = client.get(REPORTS, {"team": leigh.pk})
    assert total_row(one, "conversations") == ["All months", "1", "1"]
    assert figures(one, "teams") == []
    for not_theirs in ("abc", "99999"):
        response = client.get(REPORTS, {"team": not_theirs})
        assertContains(response, "Select one of your teams")
        assert total_row(response, "conversations") == ["All months", "4", "3"]


def test_someone_in_no_team_yet_is_told_so(client, wigan):
    newcomer = UserFactory(role=Role.MANAGER)
    join_team(newcomer, wigan, confirmed=False)
    client.force_login(newcomer)
    response = client.get(REPORTS)
    assert response.status_code == 200
    assertContains(response, "You are not in a team yet")
    assert client.get("/reports/conversations.csv").status_code == 404


def test_months_are_chosen_through_the_form(bob_app, alice, wigan):
    person = PersonFactory(team=wigan, created_by=alice)
    ConversationFactory(
        person=person,
        recorded_by=alice,
        happened_at=timezone.make_aware(dt.datetime(2025, 3, 10, 12)),
    )
    page = bob_app.get(REPORTS)
    form = page.forms["report-filter"]
    assert "team" not in form.fields  # one team: nothing to choose
    form["start"] = "2025-03"
    form["end"] = "2025-04"
    page = form.submit()
    assert figures(page, "conversations") == [
        ["March 2025", "1", "1"],
        ["April 2025", "0", "0"],
        ["All months", "1", "1"],
    ]
    assertContains(page, "from March 2025 to April 2025")
    # The downloads are of the months chosen.
    csv_page = page.click(href="/reports/conversations.csv")
    assert csv_page.text.splitlines()[1] == "2025-03,1,1"


@pytest.mark.parametrize(
    "query",
    [
        {"start": "not-a-month"},
        {"start": "1999-01"},
        {"start": "2025-05", "end": "2025-01"},
    ],
)
def test_bad_choices_are_named_and_the_default_used(bob_client, wigan_figures, query):
    response = bob_client.get(REPORTS, query)
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    # The last 12 months, as when nothing is chosen.
    assert len(figures(response, "conversations")) == 13


def test_the_month_to_must_not_come_before_the_month_from(bob_client, alice):
    response = bob_client.get(REPORTS, {"start": "2025-05", "end": "2025-01"})
    assertContains(response, "The month to must be the same as or after the month from")


def test_each_table_downloads_as_csv(bob_client, wigan_figures):
    response = bob_client.get("/reports/conversations.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="conversations-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "Conversations", "People reached"]
    assert rows[-2][1:] == ["3", "2"]  # this month
    assert rows[-1] == ["All months", "3", "2"]
    page = bob_client.get(REPORTS)
    for slug in ("conversations", "actions", "came-back", "decisions", "themes", "wellbeing"):
        assertContains(page, f"/reports/{slug}.csv?")
        assert bob_client.get(f"/reports/{slug}.csv").status_code == 200
    assert bob_client.get("/reports/nothing.csv").status_code == 404


def test_csv_never_holds_a_formula(bob_client, alice, wigan):
    """A theme named like a formula is written so a spreadsheet shows it as
    text (a leading quote), and the page shows it as typed."""
    theme = ThemeFactory(name='=HYPERLINK("http://evil.example","Money")')
    dash = ThemeFactory(name="-2+3")
    person = PersonFactory(team=wigan, created_by=alice)
    c = ConversationFactory(person=person, recorded_by=alice, happened_at=this_month_at())
    c.themes.add(theme, dash)
    rows = list(csv.reader(io.StringIO(bob_client.get("/reports/themes.csv").content.decode())))
    assert sorted(rows[1:]) == [
        ["'-2+3", "1"],
        ['\'=HYPERLINK("http://evil.example","Money")', "1"],
    ]
    assertContains(bob_client.get(REPORTS), "=HYPERLINK(&quot;http://evil.example")


def test_charts_are_described_images_beside_their_tables(bob_client, wigan_figures):
    response = bob_client.get(REPORTS)
    content = response.content.decode()
    # Each drawn twice (desktop and phone), each with a title and description.
    assert content.count('role="img"') == 2 * 5
    assert 'aria-labelledby="conversations-wide-title conversations-wide-desc"' in content
    assertContains(response, '<desc id="themes-wide-desc">Conversations with each theme: Money, 3.')


def test_a_theme_named_like_markup_is_written_as_text_in_the_charts(bob_client, alice, wigan):
    """The charts are written in Python (conversations/report_charts.py):
    a theme's name is escaped in its label, its tooltip and the chart's
    description, as a template would have."""
    theme = ThemeFactory(name='<script>alert("x")</script> & Money')
    person = PersonFactory(team=wigan, created_by=alice)
    ConversationFactory(person=person, recorded_by=alice, happened_at=this_month_at()).themes.add(
        theme
    )
    content = bob_client.get(REPORTS).content.decode()
    assert "<script>alert" not in content
    written = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Money"
    svg = content[content.index('<desc id="themes-wide-desc">') :]
    svg = svg[: svg.index("</svg>")]
    assert 'y="' in svg and f">{written}</text>" in svg
    assert f"<title>{written}: 1</title>" in svg
    assert f"Conversations with each theme: {written}, 1." in svg


def test_navigation_offers_reports_to_managers(bob_client):
    assertContains(bob_client.get("/", follow=True), 'href="/reports/"')


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow_with_rows(client, bob, alice, wigan, leigh, rows):
    join_team(bob, leigh)
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(12)]
    for n in range(rows):
        team = wigan if n % 2 else leigh
        person = PersonFactory(team=team, created_by=alice)
        c = ConversationFactory(
            person=person,
            recorded_by=alice,
            happened_at=timezone.now() - dt.timedelta(days=n * 5),
            life_satisfaction=n % 11,
            happiness=(n * 3) % 11,
        )
        c.themes.add(themes[n % 12])
        AgreedActionFactory(
            conversation=c,
            status=ActionStatus.DONE,
            closed_at=timezone.now(),
            due=timezone.localdate(),
        )
        ConversationFactory(person=person, recorded_by=alice, life_satisfaction=5)
        RiskDecisionFactory(person=person, with_outcome=True, backed_by=bob)
        PulseAnswer.objects.create(
            team=team, month=add_months(this_month_at().date(), -(n % 6) - 1), can_act=n % 5 + 1
        )
    client.force_login(bob)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORTS).status_code == 200
    # Session, user, memberships (with the user on PostgreSQL), teams; seven
    # for the figures (conversations, then actions, by month, by team and
    # for both teams together, each in one query; first conversations,
    # decisions backed, themes, wellbeing, the staff pulse); the session's
    # idle clock saved (a savepoint, an update, its release); the figures
    # are read in one transaction (here a savepoint and its release), on
    # PostgreSQL with the planner's cost of a random read set for it.
    # PostgreSQL sets that cost and reads the memberships with the user: the
    # same count either way.
    expected = 16
    assert len(queries) == expected, [q["sql"][:120] for q in queries]


# --- The staff pulse ---------------------------------------------------------

PULSE_MONTHS = {"start": "2025-03", "end": "2025-05"}


def pulse_answers(team, month, *answers):
    """One PulseAnswer for each (can act, backed, right job) given."""
    PulseAnswer.objects.bulk_create(
        [
            PulseAnswer(team=team, month=month, can_act=a, backed=b, right_job=c)
            for a, b, c in answers
        ]
    )


@pytest.fixture
def wigan_pulse(wigan, leigh):
    """Wigan's answers in three months, worked out by hand below (agree is 4
    or 5):

    March 2025, 6 answers: can act 5 4 4 3 2 1 → 3 of 6 = 50%; backed 5 5 5
    5 4 and one left blank → 5 of 5 = 100%; right job 1 2 3 4 5 3 → 2 of 6
    = 33%.
    April 2025, 4 answers: too few.
    May 2025, 5 answers: can act 4 4 4 4 1 → 4 of 5 = 80%; backed answered
    by 3 only → too few for that question; right job all 2 → 0%.

    And Leigh's, which no one in Wigan sees: 5 answers in March, all 5."""
    pulse_answers(
        wigan,
        dt.date(2025, 3, 1),
        (5, 5, 1),
        (4, 5, 2),
        (4, 5, 3),
        (3, 5, 4),
        (2, 4, 5),
        (1, None, 3),
    )
    pulse_answers(wigan, dt.date(2025, 4, 1), *[(5, 5, 5)] * 4)
    pulse_answers(
        wigan,
        dt.date(2025, 5, 1),
        (4, None, 2),
        (4, None, 2),
        (4, 5, 2),
        (4, 5, 2),
        (1, 5, 2),
    )
    pulse_answers(leigh, dt.date(2025, 3, 1), *[(5, 5, 5)] * 5)


TOO_FEW = ["Too few answers"] * 3


def test_the_staff_pulse_by_month_where_enough_answered(bob_client, wigan_pulse):
    response = bob_client.get(REPORTS, PULSE_MONTHS)
    assert figures(response, "pulse") == [
        ["March 2025", "6", "50%", "100%", "33%"],
        ["April 2025", "Fewer than 5", *TOO_FEW],
        ["May 2025", "5", "80%", "Too few answers", "0%"],
    ]
    assertContains(response, "My manager backs me when I take a sensible risk")
    # A chart for each question, drawn twice, each read out month by month.
    assertContains(
        response,
        '<desc id="pulse-1-wide-desc">Share who agree that “I can act on what people tell '
        "me”, by month: March 2025, 50%; April 2025, too few answers; May 2025, 80%.",
    )
    assertContains(response, 'id="pulse-3-narrow-title"')
    assert response.content.decode().count('role="img" aria-labelledby="pulse-') == 2 * 3


def test_four_answers_are_too_few_and_give_nothing_away(bob_client, wigan):
    pulse_answers(wigan, dt.date(2025, 4, 1), (5, 1, 3), (4, 2, 3), (5, 1, 3), (4, 2, 3))
    response = bob_client.get(REPORTS, PULSE_MONTHS)
    assert figures(response, "pulse") == [
        ["March 2025", "None", *TOO_FEW],
        ["April 2025", "Fewer than 5", *TOO_FEW],
        ["May 2025", "None", *TOO_FEW],
    ]
    # Neither how many answered nor any share, in a chart or in the file.
    assertNotContains(response, '<desc id="pulse')
    rows = list(csv.reader(io.StringIO(bob_client.get("/reports/pulse.csv", PULSE_MONTHS).text)))
    assert rows[2] == ["2025-04", "Fewer than 5", *TOO_FEW]
    assert not any("4" in cell or "%" in cell for row in rows[1:] for cell in row[1:])


def test_the_month_under_way_shows_no_pulse(bob_client, wigan):
    """However many have answered, the figures wait for the month to end:
    otherwise each new answer could be read off by comparing one day with
    the next."""
    this_month = this_month_at().date()
    pulse_answers(wigan, this_month, *[(5, 5, 5)] * 6)
    rows = figures(bob_client.get(REPORTS), "pulse")
    assert len(rows) == 12
    assert rows[-1] == [
        f"{this_month:%B %Y}",
        "Not over yet",
        "Not over yet",
        *["Not over yet"] * 2,
    ]


def test_the_pulse_downloads_as_csv(bob_client, wigan_pulse):
    response = bob_client.get("/reports/pulse.csv", PULSE_MONTHS)
    assert response["Content-Disposition"] == (
        'attachment; filename="pulse-2025-03-to-2025-05.csv"'
    )
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        [
            "Month",
            "Answers",
            "I can act on what people tell me",
            "My manager backs me when I take a sensible risk",
            "I am doing the job I came into this work to do",
        ],
        ["2025-03", "6", "50", "100", "33"],
        ["2025-04", "Fewer than 5", *TOO_FEW],
        ["2025-05", "5", "80", "Too few answers", "0"],
    ]


def test_each_team_has_its_own_pulse_never_added_together(
    client, bob, leigh_manager, wigan, leigh, wigan_pulse
):
    """Added together, two teams' figures less one team's would give the
    other's, however few answered it."""
    join_team(bob, leigh)
    client.force_login(bob)
    both = client.get(REPORTS, PULSE_MONTHS)
    assert figures(both, "pulse") == []
    assert figures(both, f"pulse-{wigan.pk}")[0] == ["March 2025", "6", "50%", "100%", "33%"]
    assert figures(both, f"pulse-{leigh.pk}")[0] == ["March 2025", "5", "100%", "100%", "100%"]
    assertContains(both, "Staff pulse: Leigh")
    assert client.get(f"/reports/pulse-{leigh.pk}.csv", PULSE_MONTHS).status_code == 200
    # Leigh's manager sees Leigh's only, and no Wigan file.
    client.force_login(leigh_manager)
    page = client.get(REPORTS, PULSE_MONTHS)
    assert figures(page, "pulse")[0] == ["March 2025", "5", "100%", "100%", "100%"]
    assert client.get(f"/reports/pulse-{wigan.pk}.csv", PULSE_MONTHS).status_code == 404


# --- Read again every few minutes ---------------------------------------------


def test_the_figures_are_kept_a_few_minutes_and_say_when_they_were_read(
    bob_client, alice, wigan, wigan_figures, settings
):
    settings.REPORT_CACHE_SECONDS = 300
    first = bob_client.get(REPORTS)
    assert total_row(first, "conversations") == ["All months", "3", "2"]
    assertContains(first, "Figures as they were at")
    ConversationFactory(
        person=PersonFactory(team=wigan, created_by=alice),
        recorded_by=alice,
        happened_at=this_month_at(),
    )
    with CaptureQueriesContext(connection) as queries:
        again = bob_client.get(REPORTS)
    # The same figures, read from the cache: no query over conversations.
    assert total_row(again, "conversations") == ["All months", "3", "2"]
    assert not [q for q in queries if "conversations_conversation" in q["sql"]]
    settings.REPORT_CACHE_SECONDS = 0
    assert total_row(bob_client.get(REPORTS), "conversations") == ["All months", "4", "3"]


def test_kept_figures_are_never_another_teams(client, bob, carol, alice, wigan, leigh, settings):
    settings.REPORT_CACHE_SECONDS = 300
    join_team(bob, leigh)
    ConversationFactory(
        person=PersonFactory(team=wigan, created_by=alice),
        recorded_by=alice,
        happened_at=this_month_at(),
    )
    client.force_login(bob)
    both = client.get(REPORTS)
    assert total_row(both, "conversations")[1] == "1"
    assert total_row(client.get(REPORTS, {"team": leigh.pk}), "conversations")[1] == "0"
    leigh_manager = UserFactory(role=Role.MANAGER, teams=[leigh])
    client.force_login(leigh_manager)
    assert total_row(client.get(REPORTS), "conversations")[1] == "0"


def test_warm_reports_builds_each_managers_first_view_so_none_waits_for_it(
    client, bob, alice, wigan, leigh, wigan_figures, leigh_manager, settings
):
    settings.REPORT_CACHE_SECONDS = 300
    out = io.StringIO()
    call_command("warm_reports", stdout=out)
    # Bob's Wigan and Lena's Leigh: one report each.
    assert out.getvalue().strip() == "Built 2 reports."
    ConversationFactory(
        person=PersonFactory(team=wigan, created_by=alice),
        recorded_by=alice,
        happened_at=this_month_at(),
    )
    client.force_login(bob)
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(REPORTS)
    # The figures as the timer built them, and none read on the request.
    assert total_row(kept, "conversations") == ["All months", "3", "2"]
    assert not [q for q in queries if "conversations_conversation" in q["sql"]]
    # Built again on the next run, with what has been recorded since.
    call_command("warm_reports", stdout=io.StringIO())
    assert total_row(client.get(REPORTS), "conversations") == ["All months", "4", "3"]
    # Another team's manager finds their own team's figures, not Bob's.
    client.force_login(leigh_manager)
    assert total_row(client.get(REPORTS), "conversations")[1] == "0"


def test_warm_reports_builds_nothing_when_reports_are_not_kept(bob, wigan_figures, settings):
    settings.REPORT_CACHE_SECONDS = 0
    out = io.StringIO()
    call_command("warm_reports", stdout=out)
    assert "none built" in out.getvalue()


def test_a_report_leaves_the_other_cores_to_the_pages_unless_told(
    transactional_db, settings, monkeypatch
):
    """On PostgreSQL a report's queries run without parallel workers, which
    would take every core from the staff working in their pages, unless
    REPORT_PARALLEL_WORKERS allows them (reports on a replica of their own);
    the connection is as it was afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip(reason="PostgreSQL's parallel workers: SQLite has none")
    from conversations import reports

    seen = []
    build = reports._build_report

    def watched(*args):
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            seen.append(cursor.fetchone()[0])
        return build(*args)

    monkeypatch.setattr(reports, "_build_report", watched)
    wigan = TeamFactory(name="Wigan Central")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        before = cursor.fetchone()[0]
    reports.build_report([wigan], reports.Period.last_12_months())
    settings.REPORT_PARALLEL_WORKERS = 3
    reports.build_report([wigan], reports.Period.last_12_months())
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        after = cursor.fetchone()[0]
    assert seen == ["0", "3"]
    assert after == before
