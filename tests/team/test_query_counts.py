"""The team's other pages make the same number of queries at 5 and at 50
rows: the hand-on page (staff), the drafts list and a conversation's comments."""

import datetime as dt
from uuid import uuid4

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.models import ConversationComment, ConversationStatus
from tests.factories import ConversationFactory, UserFactory


def queries(client, url: str) -> int:
    # Once first, so the session's own writes (its clock, renewed at most once
    # a minute) are done before counting, however long adding rows took.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_hand_on_page(bob_client, wigan):
    url = f"/team/{wigan.pk}/hand-on/"
    for n in range(5):
        UserFactory(full_name=f"Worker {n}", teams=[wigan])
    at_5 = queries(bob_client, url)
    for n in range(45):
        UserFactory(full_name=f"Other worker {n}", teams=[wigan])
    assert queries(bob_client, url) == at_5


def test_drafts_list(bob_client, alice, person):
    def add(n: int) -> None:
        for _ in range(n):
            draft = ConversationFactory(
                person=person, recorded_by=alice, status=ConversationStatus.DRAFT
            )
            draft.created_at = timezone.now() - dt.timedelta(days=8)
            draft.save()

    url = f"/conversations/drafts/?worker={alice.pk}"
    add(5)
    at_5 = queries(bob_client, url)
    add(45)
    assert queries(bob_client, url) == at_5


def test_conversation_comments(bob_client, bob, conversation):
    def add(n: int) -> None:
        for i in range(n):
            ConversationComment.objects.create(
                conversation=conversation, by=bob, text=f"Note {i}", submission_key=uuid4()
            )

    url = f"/conversations/{conversation.pk}/"
    add(5)
    at_5 = queries(bob_client, url)
    add(45)
    assert queries(bob_client, url) == at_5
