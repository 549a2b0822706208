"""/team/: the manager's home page. Who may see it, the figures against a
small hand-made set of work, the links behind them, and bounded queries."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conversations.factories import RiskDecisionFactory
from conversations.models import ActionStatus, ConversationStatus, DecisionStatus
from deal.factories import join_team
from deal.models import Role
from tests.factories import AgreedActionFactory, ConversationFactory, PersonFactory, UserFactory
from tests.team.conftest import days

TEAM = "/team/"


def closed(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


@pytest.fixture
def work(alice, erin, carol, leigh, person, conversation, make_action):
    """The hand-made set; the expected figures are worked out in each test."""
    make_action(what="Overdue", due=days(-1))
    make_action(what="Due in three days", due=days(3))
    make_action(what="Due later", due=days(20))
    make_action(what="Done last week", status=ActionStatus.DONE, closed_at=closed(5))
    make_action(what="Done long ago", status=ActionStatus.DONE, closed_at=closed(40))
    make_action(
        what="Not done", status=ActionStatus.NOT_DONE, status_reason="Moved", closed_at=closed(2)
    )
    make_action(what="In a draft", status=ActionStatus.DRAFT)
    # Alice does it, Erin answers for it: it counts for Erin.
    make_action(what="Erin's, due today", owner_user=alice, responsible=erin, due=days(0))
    old = ConversationFactory(person=person, recorded_by=alice, status=ConversationStatus.DRAFT)
    old.created_at = timezone.now() - dt.timedelta(days=10)
    old.save()
    ConversationFactory(person=person, recorded_by=alice, status=ConversationStatus.DRAFT)
    # Positive-risk decisions, by who proposed them.
    RiskDecisionFactory(person=person, proposed_by=alice)
    RiskDecisionFactory(person=person, proposed_by=alice)
    RiskDecisionFactory(person=person, proposed_by=alice, status=DecisionStatus.TALK_FIRST)
    RiskDecisionFactory(person=person, proposed_by=alice, backed=True, review_date=days(-3))
    RiskDecisionFactory(person=person, proposed_by=alice, backed=True, review_date=days(0))
    RiskDecisionFactory(person=person, proposed_by=alice, with_outcome=True)
    RiskDecisionFactory(person=person, proposed_by=erin)
    # The other team's work never shows.
    leigh_person = PersonFactory(team=leigh, created_by=carol)
    AgreedActionFactory(
        conversation=ConversationFactory(person=leigh_person, recorded_by=carol), due=days(-3)
    )


def figures(response) -> dict[str, dict[str, int]]:
    """{worker's name: {column key: figure}} of the first team."""
    keys = [key for key, _heading, _words in response.context["columns"]]
    table = response.context["tables"][0]
    return {
        row["member"].full_name: {k: cell["n"] for k, cell in zip(keys, row["cells"], strict=True)}
        for row in table["rows"]
    }


# Reviews: Alice's one completed conversation (the `conversation` fixture).
ALICE = {"open": 3, "overdue": 1, "this_week": 1, "done": 1, "drafts": 1, "reviews": 1}
ERIN = {"open": 1, "overdue": 0, "this_week": 1, "done": 0, "drafts": 0, "reviews": 0}
NOTHING = dict.fromkeys(ALICE, 0)


def test_figures_per_worker_match_the_hand_made_set(bob_client, work, alice, erin, bob):
    response = bob_client.get(TEAM)
    assert response.status_code == 200
    assert figures(response) == {
        # Due for review: the one overdue and the one due today.
        "Alice Worker": {**ALICE, "waiting": 2, "reviews_due": 2},
        "Bob Manager": {**NOTHING, "waiting": 0, "reviews_due": 0},
        "Erin Colleague": {**ERIN, "waiting": 1, "reviews_due": 0},
    }
    # Alphabetical, never sorted by how much anyone does.
    assert [r["member"].full_name for r in response.context["tables"][0]["rows"]] == [
        "Alice Worker",
        "Bob Manager",
        "Erin Colleague",
    ]
    assertNotContains(response, "Carol Otherteam")


def test_each_figure_opens_the_list_behind_it(bob_client, work, alice):
    response = bob_client.get(TEAM)
    row = response.context["tables"][0]["rows"][0]
    expected = {"open": 3, "overdue": 1, "this_week": 1, "done": 1}
    for key, cell in zip(expected, row["cells"], strict=False):
        listed = bob_client.get(cell["href"])
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == expected[key], key
        assertContains(response, cell["href"].replace("&", "&amp;"))
    drafts = bob_client.get(row["cells"][4]["href"])
    assert drafts.status_code == 200
    assert drafts.context["page"].paginator.count == 1
    assertContains(drafts, "Drafts older than a week")
    assertContains(drafts, "Alice Worker")
    query = parse_qs(urlsplit(row["cells"][0]["href"]).query)
    assert query["owner"] == [str(alice.pk)]


def test_a_leaver_stays_while_they_hold_work(bob_client, work, alice, wigan):
    alice.is_active = False
    alice.save()
    response = bob_client.get(TEAM)
    assertContains(response, "Alice Worker")
    assertContains(response, "Left</strong>")
    leaver = UserFactory(full_name="Fay Gone", teams=[wigan], is_active=False)
    assert leaver.pk
    assertNotContains(bob_client.get(TEAM), "Fay Gone")


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_only_a_manager_has_a_team_view(client, who, request, work):
    client.force_login(request.getfixturevalue(who))
    assert client.get(TEAM).status_code == 404


def test_another_teams_manager_sees_nothing_of_this_team(client, lee, work):
    client.force_login(lee)
    response = client.get(TEAM)
    assert response.status_code == 200
    assertNotContains(response, "Alice Worker")
    assertNotContains(response, "Wigan Central")
    assertContains(response, "Carol Otherteam")


def test_a_manager_waiting_to_join_sees_no_team(client, wigan):
    newcomer = UserFactory(full_name="Nia New", role=Role.MANAGER)
    join_team(newcomer, wigan, confirmed=False)
    client.force_login(newcomer)
    response = client.get(TEAM)
    assertContains(response, "You do not manage a team yet")
    assertNotContains(response, "Wigan Central")


def test_signed_out_goes_to_sign_in(client, db):
    response = client.get(TEAM)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_manager_signing_in_lands_on_the_team_view(web, bob, alice):
    page = web.get("/accounts/login/")
    page.forms[0]["username"] = bob.email
    page.forms[0]["password"] = "correct horse battery staple"
    assert page.forms[0].submit()["Location"] == TEAM


def test_the_navigation_offers_the_team_view_to_managers_only(bob_client, client, alice):
    assertContains(bob_client.get("/"), 'href="/team/"')
    client.force_login(alice)
    assertNotContains(client.get("/"), 'href="/team/"')


def test_the_longest_name_a_member_of_staff_may_have_is_kept_in_its_table(bob_client, wigan):
    # 150 characters, the most a name may have, in one unbroken word: the
    # cell that holds it wraps anywhere (the browser test checks the width).
    UserFactory(full_name="W" * 150, teams=[wigan])
    assertContains(bob_client.get(TEAM), "app-team-table__name")
    assertContains(bob_client.get(TEAM), "W" * 150)


def make_workers(team, n: int) -> None:
    for i in range(n):
        worker = UserFactory(full_name=f"Worker {i:03}", teams=[team])
        person = PersonFactory(team=team, created_by=worker)
        if i % 2:
            # Restricted to its worker: the figures leave its work out for
            # the manager in the same one query each.
            person.is_restricted = True
            person.save()
            person.restricted_to.add(worker)
        RiskDecisionFactory(person=person, proposed_by=worker)
        conversation = ConversationFactory(person=person, recorded_by=worker)
        AgreedActionFactory(conversation=conversation, due=days(i % 5 - 2))
        draft = ConversationFactory(
            person=person, recorded_by=worker, status=ConversationStatus.DRAFT
        )
        draft.created_at = timezone.now() - dt.timedelta(days=9)
        draft.save()


def test_queries_are_the_same_at_5_and_50_workers(bob_client, wigan, leigh, bob):
    join_team(bob, leigh)

    def count() -> int:
        # Once first, so the session's own writes (its clock, renewed at most
        # once a minute) are done before counting.
        bob_client.get(TEAM)
        with CaptureQueriesContext(connection) as queries:
            assert bob_client.get(TEAM).status_code == 200
        return len(queries)

    make_workers(wigan, 5)
    at_5 = count()
    make_workers(wigan, 45)
    make_workers(leigh, 50)
    assert count() == at_5
    assert at_5 <= 16


@pytest.fixture
def restricted_work(alice, bob, wigan):
    """Work on a record restricted to Alice (Bob, the manager, is not named):
    an overdue action, an old draft and a decision waiting for backing."""
    from deal.audit import Actor
    from people import services

    secret = PersonFactory(team=wigan, created_by=alice, given_name="Rhiannon")
    services.person_restrict(
        actor=Actor(user=bob), person=secret, named=[alice], reason="A colleague's mother"
    )
    conversation = ConversationFactory(person=secret, recorded_by=alice)
    AgreedActionFactory(conversation=conversation, what="Restricted task", due=days(-2))
    draft = ConversationFactory(person=secret, recorded_by=alice, status=ConversationStatus.DRAFT)
    draft.created_at = timezone.now() - dt.timedelta(days=10)
    draft.save()
    RiskDecisionFactory(person=secret, proposed_by=alice)
    return secret


def test_each_figure_and_its_list_agree_on_a_restricted_persons_work(
    bob_app, work, alice, restricted_work
):
    page = bob_app.get(TEAM)
    row = page.html.select_one("tbody tr")
    assert "Alice Worker" in row.th.get_text()
    links = {a.select_one(".govuk-visually-hidden").get_text(): a for a in row.select("td a")}
    # Bob may not open the restricted record: its work is in neither the
    # figures nor the lists behind them, so each number is its list's length.
    expected = {
        "open actions": 3,
        "overdue action": 1,
        "action due soon": 1,
        "action done recently": 1,
        "draft older than a week": 1,
        "decisions waiting for backing": 2,
        "decisions due for review": 2,
    }
    for words, n in expected.items():
        link = links[f" {words}: Alice Worker"]
        assert int(link.contents[0]) == n, words
        listed = bob_app.get(link["href"])
        assert listed.context["page"].paginator.count == n, words
        assert "Restricted task" not in listed.text


def test_a_manager_named_on_the_record_counts_its_work_and_lists_it(
    app_for, bob, work, alice, restricted_work
):
    restricted_work.restricted_to.add(bob)
    app = app_for(bob)
    row = app.get(TEAM).html.select_one("tbody tr")
    link = next(a for a in row.select("td a") if "overdue actions" in a.get_text())
    assert int(link.contents[0]) == 2
    listed = app.get(link["href"])
    assert listed.context["page"].paginator.count == 2
    assert "Restricted task" in listed.text


def test_a_figure_of_one_reads_as_one_to_a_screen_reader(bob_client, work):
    """Seen: "1 decisions waiting for backing: Erin Colleague"."""
    page = bob_client.get(TEAM).content.decode()
    assert (
        '1<span class="govuk-visually-hidden"> decision waiting for backing: Erin Colleague' in page
    )
    assert (
        '2<span class="govuk-visually-hidden"> decisions waiting for backing: Alice Worker' in page
    )
    assert " decisions waiting for backing: Erin" not in page
