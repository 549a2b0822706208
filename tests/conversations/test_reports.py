"""/reports/: who sees which figures, the choices of team and months, the
CSV downloads, and a number of queries that does not grow with the data."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conversations.models import ActionStatus
from deal.factories import join_team
from deal.models import Role
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    RiskDecisionFactory,
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
    first, second = (PersonFactory(team=wigan, created_by=alice) for _ in range(2))
    for person in (first, first, second):
        c = ConversationFactory(person=person, recorded_by=alice, happened_at=this_month_at())
        c.themes.add(money)
    AgreedActionFactory(conversation=c, status=ActionStatus.DONE, closed_at=timezone.now())
    return c


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


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_workers_and_managers_see_their_teams_figures(request, client, wigan_figures, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(REPORTS)
    assert response.status_code == 200
    assert total_row(response, "conversations") == ["All months", "3", "2"]
    assert figures(response, "themes") == [["Money", "3"]]
    assertContains(response, "Wigan Central's conversations")
    # Team-level figures: nobody's name.
    assertNotContains(response, wigan_figures.person.family_name)


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


def test_an_admin_sees_no_reports(client, dave, wigan_figures):
    """Admins run the service and read nothing of residents: not even counts,
    as a small team's month can point to one person."""
    client.force_login(dave)
    assert client.get(REPORTS).status_code == 403
    assert client.get("/reports/conversations.csv").status_code == 403


def test_someone_in_no_team_yet_is_told_so(client, wigan):
    newcomer = UserFactory(role=Role.FRONTLINE)
    join_team(newcomer, wigan, confirmed=False)
    client.force_login(newcomer)
    response = client.get(REPORTS)
    assert response.status_code == 200
    assertContains(response, "You are not in a team yet")
    assert client.get("/reports/conversations.csv").status_code == 404


def test_months_are_chosen_through_the_form(alice_app, alice, wigan):
    person = PersonFactory(team=wigan, created_by=alice)
    ConversationFactory(
        person=person,
        recorded_by=alice,
        happened_at=timezone.make_aware(dt.datetime(2025, 3, 10, 12)),
    )
    page = alice_app.get(REPORTS)
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
def test_bad_choices_are_named_and_the_default_used(alice_client, wigan_figures, query):
    response = alice_client.get(REPORTS, query)
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    # The last 12 months, as when nothing is chosen.
    assert len(figures(response, "conversations")) == 13


def test_the_month_to_must_not_come_before_the_month_from(alice_client, alice):
    response = alice_client.get(REPORTS, {"start": "2025-05", "end": "2025-01"})
    assertContains(response, "The month to must be the same as or after the month from")


def test_each_table_downloads_as_csv(alice_client, wigan_figures):
    response = alice_client.get("/reports/conversations.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="conversations-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "Conversations", "People reached"]
    assert rows[-2][1:] == ["3", "2"]  # this month
    assert rows[-1] == ["All months", "3", "2"]
    page = alice_client.get(REPORTS)
    for slug in ("conversations", "actions", "came-back", "decisions", "themes", "wellbeing"):
        assertContains(page, f"/reports/{slug}.csv?")
        assert alice_client.get(f"/reports/{slug}.csv").status_code == 200
    assert alice_client.get("/reports/nothing.csv").status_code == 404


def test_csv_never_holds_a_formula(alice_client, alice, wigan):
    """A theme named like a formula is written so a spreadsheet shows it as
    text (a leading quote), and the page shows it as typed."""
    theme = ThemeFactory(name='=HYPERLINK("http://evil.example","Money")')
    dash = ThemeFactory(name="-2+3")
    person = PersonFactory(team=wigan, created_by=alice)
    c = ConversationFactory(person=person, recorded_by=alice, happened_at=this_month_at())
    c.themes.add(theme, dash)
    rows = list(csv.reader(io.StringIO(alice_client.get("/reports/themes.csv").content.decode())))
    assert sorted(rows[1:]) == [
        ["'-2+3", "1"],
        ['\'=HYPERLINK("http://evil.example","Money")', "1"],
    ]
    assertContains(alice_client.get(REPORTS), "=HYPERLINK(&quot;http://evil.example")


def test_charts_are_described_images_beside_their_tables(alice_client, wigan_figures):
    response = alice_client.get(REPORTS)
    content = response.content.decode()
    # Each drawn twice (desktop and phone), each with a title and description.
    assert content.count('role="img"') == 2 * 5
    assert 'aria-labelledby="conversations-wide-title conversations-wide-desc"' in content
    assertContains(response, '<desc id="themes-wide-desc">Conversations with each theme: Money, 3.')


def test_navigation_offers_reports_to_workers_only(alice_client, client, dave):
    assertContains(alice_client.get("/"), 'href="/reports/"')
    client.force_login(dave)
    assertNotContains(client.get("/manage/"), 'href="/reports/"')


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
    client.force_login(bob)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORTS).status_code == 200
    # Session, user, memberships, teams; ten for the figures (conversations
    # and actions by team, people reached and the median for both teams
    # together, by month conversations, actions, first conversations and
    # decisions backed, themes, wellbeing); the session's idle clock saved (a
    # savepoint, an update, its release); the figures are read in one
    # transaction (here a savepoint and its release), on PostgreSQL with the
    # planner's cost of a random read set for it.
    expected = 19 + (connection.vendor == "postgresql")
    assert len(queries) == expected, [q["sql"][:120] for q in queries]
