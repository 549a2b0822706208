"""A manager comments on a completed conversation and marks it reviewed;
whoever recorded it sees new comments until they open it."""

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conversations.models import ActionStatus, ConversationComment, ConversationStatus
from conversations.review import new_comments_for
from deal.models import AuditEvent
from tests.factories import ConversationFactory


def url(conversation) -> str:
    return f"/conversations/{conversation.pk}/"


def test_a_manager_comments_and_marks_reviewed_through_the_page(bob_app, bob, alice, conversation):
    page = bob_app.get(url(conversation))
    form = page.forms[1]
    form["text"] = "Good to hear about the grandchildren. Ask about the allotment next time."
    form["reviewed"] = True
    done = form.submit().follow()
    assertContains(done, "Your comment is saved")
    assertContains(done, "Reviewed</strong>")
    assertContains(done, "Ask about the allotment next time.")
    comment = ConversationComment.objects.get()
    assert (comment.by, comment.marks_reviewed, comment.seen_at) == (bob, True, None)
    assert AuditEvent.objects.filter(
        object_type="conversations.conversationcomment", user=bob, action="create"
    ).exists()
    # Back, then save again: kept once.
    form.submit()
    assert ConversationComment.objects.count() == 1
    # Once reviewed, the box is not offered again; a further comment still is.
    page = bob_app.get(url(conversation))
    assert "reviewed" not in page.forms[1].fields
    page.forms[1]["text"] = "One more thing."
    page.forms[1].submit()
    assert ConversationComment.objects.count() == 2


def test_an_empty_comment_is_refused_and_typed_text_kept(bob_app, conversation):
    form = bob_app.get(url(conversation)).forms[1]
    page = form.submit()
    assertContains(page, "Write a comment, or mark the conversation as reviewed")
    form = page.forms[1]
    form["text"] = "x" * 5001
    page = form.submit()
    assert page.status_code == 200
    assertContains(page, "x" * 5001)
    assert ConversationComment.objects.count() == 0


def test_the_worker_sees_new_comments_until_they_open_the_conversation(
    bob_app, alice_client, alice, conversation
):
    form = bob_app.get(url(conversation)).forms[1]
    form["text"] = "Well done."
    form.submit()
    assert [c.text for c in new_comments_for(alice)] == ["Well done."]
    page = alice_client.get(url(conversation))
    assertContains(page, "Well done.")
    # Alice reads comments; she cannot comment on her own conversation.
    assertNotContains(page, "Save comment")
    assert list(new_comments_for(alice)) == []


@pytest.mark.parametrize("who", ["alice", "carol", "lee", "dave"])
def test_only_a_manager_of_the_team_comments(client, who, request, conversation):
    client.force_login(request.getfixturevalue(who))
    if who == "alice":
        assertNotContains(client.get(url(conversation)), "Save comment")
    response = client.post(url(conversation) + "comment/", {"text": "Hi", "key": "x"})
    # An admin is refused every case record, as on every page of people.
    assert response.status_code == (403 if who == "dave" else 404)
    assert ConversationComment.objects.count() == 0


def test_a_manager_does_not_review_their_own_or_a_draft(bob_client, bob, person):
    own = ConversationFactory(person=person, recorded_by=bob)
    draft = ConversationFactory(person=person, status=ConversationStatus.DRAFT)
    for conversation in (own, draft):
        assertNotContains(bob_client.get(url(conversation)), "Save comment")
        assert bob_client.post(url(conversation) + "comment/", {"text": "Hi"}).status_code == 404


def test_comment_query_count_is_bounded(
    bob_client, bob, conversation, django_assert_max_num_queries
):
    from uuid import uuid4

    for n in range(30):
        ConversationComment.objects.create(
            conversation=conversation, by=bob, text=f"Note {n}", submission_key=uuid4()
        )
    with django_assert_max_num_queries(20):
        assertContains(bob_client.get(url(conversation)), "Note 29")


def test_drafts_list_is_of_the_users_teams_only(client, alice, carol, person, wigan):
    old = ConversationFactory(person=person, recorded_by=alice, status=ConversationStatus.DRAFT)
    old.created_at = timezone.now() - dt.timedelta(days=8)
    old.save()
    client.force_login(carol)
    response = client.get("/conversations/drafts/", {"worker": alice.pk})
    assert response.context["page"].paginator.count == 0
    assertNotContains(response, "Alice Worker")
    client.force_login(alice)
    response = client.get("/conversations/drafts/", {"worker": "9" * 40, "team": "words"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def test_drafts_list_pages(client, alice, person):
    for _ in range(30):
        draft = ConversationFactory(
            person=person, recorded_by=alice, status=ConversationStatus.DRAFT
        )
        draft.created_at = timezone.now() - dt.timedelta(days=8)
        draft.save()
    client.force_login(alice)
    response = client.get("/conversations/drafts/", {"worker": alice.pk})
    assert len(response.context["page"].object_list) == 25
    assertContains(response, "govuk-pagination")


def test_actions_closed_in_the_last_30_days(alice_client, make_action):
    now = timezone.now()
    make_action(what="Recent", status=ActionStatus.DONE, closed_at=now - dt.timedelta(days=3))
    make_action(what="Old", status=ActionStatus.DONE, closed_at=now - dt.timedelta(days=31))
    response = alice_client.get("/actions/", {"status": "done", "since": "30"})
    assert [a.what for a in response.context["page"].object_list] == ["Recent"]
    response = alice_client.get("/actions/", {"status": "done", "since": "forever"})
    assertContains(response, "Select when it was closed from the list")
    assert response.context["page"].paginator.count == 2


def test_my_work_shows_new_comments_until_the_conversation_is_opened(
    bob_app, alice_client, conversation
):
    assertNotContains(alice_client.get("/"), "New comments from your manager")
    form = bob_app.get(url(conversation)).forms[1]
    form["reviewed"] = True
    form.submit()
    home = alice_client.get("/")
    assertContains(home, "New comments from your manager")
    assertContains(home, f'href="{url(conversation)}#comments"')
    alice_client.get(url(conversation))
    assertNotContains(alice_client.get("/"), "New comments from your manager")


@pytest.mark.parametrize("rows", [5, 50])
def test_the_reviews_and_old_drafts_lists_read_the_same_queries_at_5_and_50_rows(
    bob_client, alice, person, rows, django_assert_max_num_queries
):
    """Each row names its person and who recorded it without a query of its
    own (ConversationQuerySet.for_list)."""
    for n in range(rows):
        ConversationFactory(
            person=person,
            recorded_by=alice,
            status=ConversationStatus.COMPLETE,
            completed_at=timezone.now(),
            happened_at=timezone.now() - dt.timedelta(days=1 + n % 30),
        )
        draft = ConversationFactory(
            person=person, recorded_by=alice, status=ConversationStatus.DRAFT, completed_at=None
        )
        type(draft).objects.filter(pk=draft.pk).update(
            created_at=timezone.now() - dt.timedelta(days=8)
        )
    bob_client.get("/")  # the session's first request saves it
    for path in ("/conversations/reviews/", "/conversations/drafts/"):
        with django_assert_max_num_queries(9):
            page = bob_client.get(path)
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count(person.display_name) == min(rows, 25)
        assert html.count(alice.full_name) >= min(rows, 25)
