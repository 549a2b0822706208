"""The team view's "Conversations waiting for review": completed in the last
90 days, not yet marked reviewed by a manager, by who recorded them; and the
list behind the figure, from which the manager opens each one to comment and
mark it reviewed."""

import datetime as dt
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.models import ConversationComment, ConversationStatus
from conversations.review import REVIEW_WITHIN_DAYS
from deal.audit import Actor
from deal.models import Role
from people import services as people_services
from tests.factories import ConversationFactory, PersonFactory, UserFactory

TEAM = "/team/"
REVIEWS = "/conversations/reviews/"


def completed(person, by, *, days_ago: float = 1, **fields):
    at = timezone.now() - dt.timedelta(days=days_ago)
    fields.setdefault("completed_at", at)
    return ConversationFactory(person=person, recorded_by=by, happened_at=at, **fields)


def comment(conversation, by, *, reviewed: bool) -> None:
    ConversationComment.objects.create(
        conversation=conversation,
        by=by,
        text="Noted",
        marks_reviewed=reviewed,
        submission_key=uuid4(),
    )


@pytest.fixture
def waiting(alice, bob, erin, carol, leigh, person, wigan):
    """Alice has three waiting (one with a comment that did not mark it
    reviewed); Erin one; the rest are not waiting for Bob."""
    newest = completed(person, alice, days_ago=1, what_matters="Newest")
    commented = completed(person, alice, days_ago=3)
    comment(commented, bob, reviewed=False)
    oldest = completed(person, alice, days_ago=REVIEW_WITHIN_DAYS - 1)
    completed(person, erin, days_ago=2)
    # Not waiting: reviewed, a draft, discarded, too old, Bob's own, another team's.
    comment(completed(person, alice, days_ago=2), bob, reviewed=True)
    completed(person, alice, status=ConversationStatus.DRAFT, completed_at=None)
    completed(person, alice, status=ConversationStatus.DISCARDED, completed_at=None)
    completed(person, alice, days_ago=REVIEW_WITHIN_DAYS + 1)
    completed(person, bob, days_ago=1)
    completed(PersonFactory(team=leigh, created_by=carol), carol)
    # A restricted record Bob is not named on: neither in the figure nor the list.
    hidden = PersonFactory(
        team=wigan, created_by=alice, named_worker=alice, given_name="Restricted"
    )
    completed(hidden, alice)
    people_services.person_restrict(
        actor=Actor(user=alice), person=hidden, named=[alice], reason="Alice's neighbour"
    )
    return [newest, commented, oldest]


def figure(response, name: str) -> int:
    keys = [key for key, _heading, _words in response.context["columns"]]
    for row in response.context["tables"][0]["rows"]:
        if row["member"].full_name == name:
            return dict(zip(keys, [c["n"] for c in row["cells"]], strict=True))["reviews"]
    raise AssertionError(name)


def listed(page) -> list[str]:
    return [a["href"] for a in page.html.select("main ul.govuk-list a.govuk-link")]


def test_the_figure_counts_each_workers_conversations_waiting_for_review(
    bob_client, waiting, alice, erin
):
    response = bob_client.get(TEAM)
    assert (figure(response, "Alice Worker"), figure(response, "Erin Colleague")) == (3, 1)
    # A manager does not review their own conversations.
    assert figure(response, "Bob Manager") == 0
    assert "Conversations waiting for review" in response.text


def test_the_figure_opens_the_list_newest_first_and_each_opens_to_be_reviewed(
    bob_app, waiting, alice, wigan
):
    team = bob_app.get(TEAM)
    page = team.click(
        description="conversations from the last 90 days waiting for your review: Alice Worker"
    )
    assert page.request.path == REVIEWS
    assert page.request.GET["worker"] == str(alice.pk)
    assert page.request.GET["team"] == str(wigan.pk)
    assert page.html.h1.get_text(strip=True) == "Conversations waiting for review"
    assert "Alice Worker" in page.html.select_one(".govuk-caption-l").get_text()
    assert "3 conversations" in page.text
    assert listed(page) == [c.get_absolute_url() for c in waiting]
    assert "Restricted" not in page.text
    # Open the newest, mark it reviewed: it leaves the figure and the list.
    conversation = page.click(href=waiting[0].get_absolute_url())
    form = conversation.forms[1]
    form["reviewed"] = True
    form.submit().follow()
    assert figure(bob_app.get(TEAM), "Alice Worker") == 2
    assert listed(bob_app.get(page.request.url)) == [c.get_absolute_url() for c in waiting[1:]]


def test_a_restricted_record_counts_once_the_manager_may_open_it(bob_client, bob, waiting):
    hidden = waiting[0].person.team.people.get(given_name="Restricted")
    people_services.break_glass_open(
        actor=Actor(user=bob), person=hidden, reason="Checking the conversation for review"
    )
    response = bob_client.get(TEAM)
    assert figure(response, "Alice Worker") == 4
    assert bob_client.get(REVIEWS).context["page"].paginator.count == 5


def test_the_list_is_paged_25_at_a_time(bob_client, alice, person):
    for n in range(30):
        completed(person, alice, days_ago=n + 1)
    first = bob_client.get(REVIEWS)
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    assert len(bob_client.get(REVIEWS, {"page": 2}).context["page"].object_list) == 5


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "ig"])
def test_only_a_manager_has_the_list(client, request, waiting, who):
    user = (
        UserFactory(role=Role.IG, email="ig@example.org")
        if who == "ig"
        else request.getfixturevalue(who)
    )
    client.force_login(user)
    assert client.get(REVIEWS).status_code == 404


def test_another_teams_manager_sees_none_of_this_teams(client, lee, waiting, wigan, alice):
    client.force_login(lee)
    # Their own team's one (Carol's); nonsense in the address is ignored.
    huge = "9" * 30
    for query, count in [
        ({}, 1),
        ({"team": "nonsense"}, 1),
        ({"team": huge, "worker": huge, "page": huge}, 1),
        ({"worker": "<script>alert(1)</script>", "page": "-1"}, 1),
        ({"team": wigan.pk}, 0),
        ({"worker": alice.pk}, 0),
    ]:
        response = client.get(REVIEWS, query)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == count, query
    assert "Alice Worker" not in client.get(REVIEWS, {"worker": alice.pk}).text


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(REVIEWS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_the_team_view_take_the_same_queries_for_5_and_50(bob_client, alice, wigan):
    def add(n: int) -> None:
        for _ in range(n):
            # Each with a person, a worker and a comment of its own.
            worker = UserFactory(teams=[wigan])
            conversation = completed(PersonFactory(team=wigan, created_by=worker), worker)
            comment(conversation, alice, reviewed=False)

    add(5)
    at_5 = (_queries(bob_client, REVIEWS), _queries(bob_client, TEAM))
    add(45)
    assert (_queries(bob_client, REVIEWS), _queries(bob_client, TEAM)) == at_5
