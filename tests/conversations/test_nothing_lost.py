"""Corrections, resubmissions and changes made by others: nothing is lost,
nothing is doubled, nothing leaks to another team."""

import datetime as dt

from django.utils import timezone

from conversations.models import AgreedAction, Conversation
from people.models import ProfileEntry, WhatMatters
from tests.conversations.pages import FORM, fill_conversation, open_record_page
from tests.conversations.test_correct import edit_data
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    ProfileEntryFactory,
    ThemeFactory,
    UserFactory,
    WhatMattersFactory,
)


def test_correcting_an_older_conversation_keeps_the_newer_what_matters(alice_client, alice, person):
    older = ConversationFactory(
        person=person,
        recorded_by=alice,
        what_matters="Old words",
        happened_at=timezone.now() - dt.timedelta(days=30),
    )
    ConversationFactory(
        person=person,
        recorded_by=alice,
        what_matters="New words, said last week",
        happened_at=timezone.now() - dt.timedelta(days=7),
    )
    WhatMattersFactory(person=person, text="New words, said last week", recorded_by=alice)
    response = alice_client.post(
        f"/conversations/{older.pk}/edit/", edit_data(alice_client, older, notes="Fixed a typo")
    )
    assert response.status_code == 302
    assert person.what_matters.first().text == "New words, said last week"
    # Correcting the words themselves on the newest conversation does update it.


def test_sending_the_same_correction_twice_adds_nothing_twice(alice_client, alice, person):
    draft = ConversationFactory(person=person, recorded_by=alice, status="draft")
    week = timezone.localdate() + dt.timedelta(days=7)
    data = edit_data(alice_client, draft, new_strengths="Sings in a choir")
    data.update(
        {
            "actions-0-what": "Ring the choir",
            "actions-0-owner_type": "person",
            "actions-0-due_0": str(week.day),
            "actions-0-due_1": str(week.month),
            "actions-0-due_2": str(week.year),
        }
    )
    first = alice_client.post(f"/conversations/{draft.pk}/edit/", data)
    second = alice_client.post(f"/conversations/{draft.pk}/edit/", data)
    assert first.status_code == second.status_code == 302
    assert AgreedAction.objects.filter(what="Ring the choir").count() == 1
    assert ProfileEntry.objects.filter(text="Sings in a choir").count() == 1


def test_a_correction_keeps_archived_entries_old_themes_and_staff_who_left(
    alice_client, alice, bob, person
):
    conversation = ConversationFactory(person=person, recorded_by=alice)
    theme = ThemeFactory(name="Allotments")
    entry = ProfileEntryFactory(person=person, kind="strength", text="Green fingers")
    conversation.themes.set([theme])
    conversation.staff_present.set([bob])
    conversation.profile_entries.set([entry])
    theme.is_active = False
    theme.save()
    bob.is_active = False
    bob.save()
    entry.archived_at = timezone.now()
    entry.save()
    response = alice_client.post(
        f"/conversations/{conversation.pk}/edit/",
        edit_data(alice_client, conversation, notes="Corrected"),
    )
    assert response.status_code == 302
    assert list(conversation.themes.all()) == [theme]
    assert list(conversation.staff_present.all()) == [bob]
    assert list(conversation.profile_entries.all()) == [entry]


def test_an_action_owned_by_someone_who_left_can_still_be_corrected(
    alice_client, alice, wigan, person
):
    leaver = UserFactory(teams=[wigan])
    conversation = ConversationFactory(person=person, recorded_by=alice)
    AgreedActionFactory(conversation=conversation, owner_user=leaver)
    leaver.is_active = False
    leaver.save()
    response = alice_client.post(
        f"/conversations/{conversation.pk}/edit/",
        edit_data(alice_client, conversation, notes="Corrected"),
    )
    assert response.status_code == 302
    assert AgreedAction.objects.get().owner_user == leaver


def test_an_action_followed_up_meanwhile_is_shown_and_a_second_save_works(
    client, alice, bob, person
):
    conversation = ConversationFactory(person=person, recorded_by=alice)
    action = AgreedActionFactory(conversation=conversation, owner_user=alice)
    client.force_login(alice)
    data = edit_data(client, conversation, notes="Alice's correction")
    client.force_login(bob)
    client.post(
        f"/actions/{action.pk}/",
        {"status": "open", "owner_user": str(bob.pk), "note": "", "version": "1"},
    )
    action.refresh_from_db()
    assert action.owner_user == bob
    client.force_login(alice)
    response = client.post(f"/conversations/{conversation.pk}/edit/", data)
    assert response.status_code == 200
    assert "Someone changed the agreed action" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.notes != "Alice's correction"
    again = edit_data(client, conversation, notes="Alice's correction")
    assert client.post(f"/conversations/{conversation.pk}/edit/", again).status_code == 302
    conversation.refresh_from_db()
    assert conversation.notes == "Alice's correction"


def test_huge_or_nonsense_line_counts_are_refused_quickly(alice_client, person):
    url = f"/people/{person.pk}/conversations/new/"
    for total in ("1000000", "abc", "-5"):
        response = alice_client.post(
            url, {"actions-TOTAL_FORMS": total, "remove_action": "0", "add_action": "1"}
        )
        assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_an_extra_saved_line_sent_by_an_altered_page_is_refused(alice_client, alice, person):
    conversation = ConversationFactory(person=person, recorded_by=alice)
    AgreedActionFactory(conversation=conversation)
    data = edit_data(alice_client, conversation)
    data["saved-TOTAL_FORMS"] = "2"
    response = alice_client.post(f"/conversations/{conversation.pk}/edit/", data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert AgreedAction.objects.count() == 1


def test_what_matters_of_a_new_conversation_still_reaches_the_profile(app, person):
    page = open_record_page(app, person)
    fill_conversation(page.forms[FORM]).submit("complete")
    assert WhatMatters.objects.get(person=person).text == "Getting back to my allotment"
