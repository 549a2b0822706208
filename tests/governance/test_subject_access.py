"""Subject access: the IG officer finds a person in any team and exports
everything held about them, as a page to print and as JSON; audited."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.models import FollowUp
from deal.audit import Actor, audit_record
from deal.models import AuditAction, AuditEvent
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    ProfileEntryFactory,
)

FIND = "/governance/people/"


def export_url(person, download=False):
    return f"/governance/people/{person.pk}/" + ("download/" if download else "")


@pytest.fixture
def peggy(person, alice, bob, conversation):
    """Peggy's record with something in every part of it."""
    person.town = "Hindley"
    person.save()  # a second history row
    ProfileEntryFactory(person=person, kind="strength", text="Great cook", recorded_by=alice)
    action = AgreedActionFactory(conversation=conversation, what="Ring the allotment society")
    FollowUp.objects.create(action=action, kind="note", note="Left a message", by=alice)
    audit_record(actor=Actor(user=bob), action=AuditAction.VIEW, obj=person)
    return person


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_only_information_governance_may_export(client, request, who, person):
    client.force_login(request.getfixturevalue(who))
    for url in (FIND, export_url(person), export_url(person, True)):
        assert client.get(url, {"q": "Hughes"}).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_someone_not_signed_in_is_sent_to_sign_in(client, person):
    assert client.get(export_url(person)).status_code == 302


def test_a_missing_person_is_404_and_not_audited_as_an_export(client, ig, db):
    client.force_login(ig)
    assert client.get("/governance/people/999999/").status_code == 404
    assert client.get("/governance/people/999999/download/").status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_finding_a_person_looks_in_every_team_and_is_audited(ig_app, ig, person, leigh, carol):
    other = PersonFactory(given_name="Ann", family_name="Hughes", team=leigh, created_by=carol)
    form = ig_app.get(FIND).forms["find-subject"]
    form["q"] = "hughes"
    page = form.submit()
    names = [a.get_text() for a in page.html.select("tbody a")]
    assert any("Margaret Hughes" in n for n in names) and any("Ann Hughes" in n for n in names)
    page = page.click(href=export_url(other))
    assert page.status_code == 200
    searched = AuditEvent.objects.get(user=ig, action="search")
    assert searched.detail == "Searched for a subject access request: hughes"


def test_the_printable_page_holds_every_part_of_the_record(ig_app, peggy, alice, bob):
    page = ig_app.get(export_url(peggy))
    headings = [h.get_text() for h in page.html.select("h2")]
    for heading in (
        "Their details",
        "Changes to their details",
        "What matters to them",
        "Strengths, interests and needs",
        "People in their life",
        "Conversations",
        "Agreed actions",
        "Positive-risk decisions",
        "Who has seen or changed their records",
    ):
        assert heading in headings
    text = page.html.get_text()
    for expected in (
        "Margaret",
        "Hindley",
        "Great cook",
        "Ring the allotment society",
        "Left a message",
        "Bob Manager",
    ):
        assert expected in text
    assert "search_names" not in text and "Submission key" not in text


def test_the_json_download_holds_the_same_and_both_are_audited(ig_app, ig, peggy):
    page = ig_app.get(export_url(peggy))
    download = page.click("Download as JSON")
    assert "attachment" in download.headers["Content-Disposition"]
    data = json.loads(download.text)
    assert data["person"] == peggy.pk
    assert data["details"]["Given name"] == "Margaret"
    assert [row["Change"] for row in data["details_history"]] == ["Added", "Changed"]
    assert data["agreed_actions"][0]["Trail"][0]["Note"] == "Left a message"
    assert data["conversations"][0]["Corrections"]
    assert any(row["What"] == "Viewed" for row in data["audit"])
    exports = list(
        AuditEvent.objects.filter(user=ig, action="export")
        .order_by("id")
        .values_list("about_person", "detail")
    )
    assert exports == [
        (peggy.pk, "Subject access: everything held, as a page to print"),
        (peggy.pk, "Subject access: everything held, as JSON"),
    ]


def test_a_correction_is_in_the_export_with_before_and_after(ig_client, conversation, alice):
    conversation.notes = "First words"
    conversation.save()
    conversation.notes = "Corrected words"
    conversation.save()
    data = json.loads(ig_client.get(export_url(conversation.person, True)).content)
    notes = [row["Notes"] for row in data["conversations"][0]["Corrections"]]
    assert notes[-2:] == ["First words", "Corrected words"]


@pytest.fixture
def ig_client(client, ig):
    client.force_login(ig)
    return client


def test_the_query_count_is_the_same_for_a_short_and_a_long_record(ig_client, person, alice):
    def count(n):
        for _ in range(n):
            conversation = ConversationFactory(person=person, recorded_by=alice)
            action = AgreedActionFactory(conversation=conversation)
            FollowUp.objects.create(action=action, kind="note", note="x", by=alice)
            ProfileEntryFactory(person=person, recorded_by=alice)
        # Once first: the session's own writes come at most once a minute.
        ig_client.get(export_url(person))
        with CaptureQueriesContext(connection) as queries:
            assert ig_client.get(export_url(person)).status_code == 200
        return len(queries)

    assert count(5) == count(50)


def test_a_300_character_word_and_markup_are_shown_as_text(ig_client, person, alice):
    ProfileEntryFactory(person=person, recorded_by=alice, text="<script>alert(1)</script>")
    page = ig_client.get(export_url(person))
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()
