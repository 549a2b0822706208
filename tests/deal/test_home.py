"""The home page, "My work": what to do next."""

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conversations.models import ActionStatus, ConversationStatus, Owner
from deal.factories import join_team
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    RiskDecisionFactory,
)

HOME = "/"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def test_anonymous_user_is_sent_to_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_sees_the_running_the_service_page_and_no_case_work(client, dave):
    client.force_login(dave)
    response = client.get(HOME)
    assertContains(response, "Running the service")
    assertNotContains(response, "Actions to do next")


def test_shows_my_overdue_and_due_soon_actions_overdue_first_and_marked(
    alice_client, make_action, bob, person
):
    make_action(what="Due in three days", due=days(3))
    make_action(what="Overdue by two days", due=days(-2))
    make_action(what="Due next month", due=days(30))
    make_action(what="Done and dusted", due=days(-5), status=ActionStatus.DONE)
    make_action(what="Bob will do it", due=days(1), owner_user=bob)
    make_action(what="Peggy will do it", due=days(1), owner_type=Owner.PERSON, owner_user=None)

    response = alice_client.get(HOME)

    # Peggy does hers; Alice, who agreed it, answers for it. Bob answers for his.
    assert [a.what for a in response.context["my_actions"]] == [
        "Overdue by two days",
        "Peggy will do it",
        "Due in three days",
    ]
    content = response.content.decode()
    assert content.index("Overdue by two days") < content.index("Due in three days")
    assert content.count('govuk-tag--red">Overdue') == 1
    for not_mine in ("Due next month", "Done and dusted", "Bob will do it"):
        assert not_mine not in content
    assertContains(response, f'href="/people/{person.pk}/">Peggy Hughes</a>')
    assertContains(response, 'href="/actions/">See all my actions</a>')


def test_another_teams_actions_never_show_even_if_i_own_them(alice_client, alice, leigh):
    # Alice owned it while she was in Leigh; she has moved to Wigan since.
    person = PersonFactory(team=leigh, created_by=alice)
    AgreedActionFactory(
        conversation=ConversationFactory(person=person, recorded_by=alice),
        what="Old team's action",
        due=days(1),
    )
    assertNotContains(alice_client.get(HOME), "Old team&#x27;s action")


def test_only_the_first_ten_actions_show_with_a_link_to_the_rest(
    alice_app, alice_client, make_action
):
    for n in range(13):
        make_action(what=f"Action number {n:02d}", due=days(n % 7))
    # Not due soon: not on My work, nor counted, nor on the list it links to.
    make_action(what="Action due later", due=days(30))
    response = alice_client.get(HOME)
    assert len(response.context["my_actions"]) == 10
    page = alice_app.get(HOME)
    actions = page.click(description="and 3 more")
    assert actions.request.path == "/actions/"
    # The list it opens holds those 13 and no other: the three not on My work
    # among them, as many as the link said.
    listed = [link.get_text() for link in actions.html.select("table a[href^='/actions/']")]
    assert sorted(listed) == [f"Action number {n:02d}" for n in range(13)]
    assert actions.html.find("input", {"name": "due", "value": "next"}).has_attr("checked")
    # Said above the list too: on a phone the filter panel starts closed.
    assert actions.html.find(id="results-filters").get_text() == (
        "Filtered by status: Open; due: Overdue or in the next 7 days; "
        "responsible member of staff: Me."
    )


def test_nothing_due_says_so(alice_client, make_action):
    make_action(due=days(20))
    assertContains(alice_client.get(HOME), "Nothing of yours is overdue or due in the next 7 days")


def test_my_drafts_link_to_finishing_them(alice_client, alice, bob, person):
    draft = ConversationFactory(
        person=person, recorded_by=alice, status=ConversationStatus.DRAFT, completed_at=None
    )
    ConversationFactory(
        person=person, recorded_by=bob, status=ConversationStatus.DRAFT, completed_at=None
    )
    response = alice_client.get(HOME)
    assertContains(response, "Drafts to finish")
    assertContains(response, f'href="/conversations/{draft.pk}/edit/">Finish')
    assert list(response.context["drafts"]) == [draft]


def test_no_drafts_no_drafts_section(alice_client, conversation):
    assertNotContains(alice_client.get(HOME), "Drafts to finish")


def test_my_ten_most_recent_conversations_link_to_them(alice_client, alice, bob, person):
    now = timezone.now()
    mine = [
        ConversationFactory(person=person, recorded_by=alice, happened_at=now - dt.timedelta(n))
        for n in range(1, 13)
    ]
    ConversationFactory(person=person, recorded_by=bob, happened_at=now)
    ConversationFactory(
        person=person, recorded_by=alice, status=ConversationStatus.DRAFT, completed_at=None
    )
    response = alice_client.get(HOME)
    assert list(response.context["recent"]) == mine[:10]
    assertContains(response, f'href="/conversations/{mine[0].pk}/"')
    assertNotContains(response, f'href="/conversations/{mine[10].pk}/"')


def test_people_i_am_named_worker_for_are_still_listed(alice_client, alice, wigan):
    PersonFactory(given_name="Jean", family_name="Smith", team=wigan, named_worker=alice)
    response = alice_client.get(HOME)
    assertContains(response, "People you are the named worker for")
    assertContains(response, "Jean Smith")


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow_with_rows(
    alice_client, alice, bob, wigan, person, make_action, rows, django_assert_max_num_queries
):
    import uuid

    from conversations.review import comment_add
    from deal.audit import Actor

    for n in range(rows):
        make_action(due=days(n % 10 - 3))
        done = ConversationFactory(person=person, recorded_by=alice)
        comment_add(
            actor=Actor(user=bob),
            conversation=done,
            text="Well done",
            reviewed=False,
            key=uuid.uuid4(),
        )
        ConversationFactory(
            person=person, recorded_by=alice, status=ConversationStatus.DRAFT, completed_at=None
        )
        PersonFactory(team=wigan, named_worker=alice)
        RiskDecisionFactory(person=person, proposed_by=alice)
        RiskDecisionFactory(
            person=person, proposed_by=alice, backed=True, review_date=days(-1 - n % 5)
        )
    # Session, user, teams and teams waiting to be joined; actions, drafts
    # and people with their counts; decisions counted in one query, and the
    # two lists with something in them; recent conversations; whether the
    # staff pulse is due and any new comments from a manager; then the session
    # is saved. Each list shows its rows without a query for each.
    with django_assert_max_num_queries(19):
        page = alice_client.get(HOME)
    assert page.status_code == 200
    html = " ".join(page.content.decode().split())
    assert "New comments from your manager" in html
    assert "Drafts to finish" in html
    assert html.count(person.display_name) >= 10
    # Once the session is saved: the session, the user and their teams (one
    # query on PostgreSQL), whether the pulse is due, new comments, what is
    # closed to the user, then each list with its count.
    alice_client.get(HOME)
    with django_assert_max_num_queries(13):
        assert alice_client.get(HOME).status_code == 200


def test_a_joiner_is_told_their_team_waits_for_a_manager(django_app, alice, wigan, leigh):
    """Someone new sees nobody's records until a manager confirms them: their
    home page says so, rather than leaving them to wonder why it is empty."""
    join_team(alice, leigh, confirmed=False)
    page = django_app.get(HOME, user=alice)
    notice = page.html.find(id="teams-waiting").text
    assert "Leigh" in notice
    assert "Wigan Central" not in notice
    join_team(alice, leigh)
    assert django_app.get(HOME, user=alice).html.find(id="teams-waiting") is None
