"""Careless and hostile input on the conversation pages, each fault as it was
seen: a date part too big for Python's date, a formset's management form
altered, a correction with its version left out, and a new conversation's key
taken from another person's conversation."""

import datetime as dt

import pytest
from django.utils import timezone

from conversations.models import AgreedAction, Conversation
from tests.conversations.pages import (
    FORM,
    fill_action,
    fill_conversation,
    open_record_page,
    page_with_actions,
)
from tests.factories import PersonFactory
from tests.pages import error_messages

HUGE_NUMBER = "3000000000"


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(given_name="Margaret", family_name="Hughes", team=wigan, created_by=alice)


@pytest.fixture
def recorded(app, alice, person):
    week = timezone.localdate() + dt.timedelta(days=7)
    page = page_with_actions(
        app,
        person,
        {"what": "Ring the GP", "who": "staff", "due": week, "staff": alice},
        {"what": "Join the walking group", "who": "person", "due": week},
        notes="First notes",
    )
    assert page.forms[FORM].submit("complete").status_code == 302
    return Conversation.objects.get()


# A day or month of 3000000000 -------------------------------------------------


@pytest.mark.parametrize("part", ["0", "1"])
def test_a_huge_conversation_date_is_an_error_not_a_500(app, person, part):
    form = fill_conversation(open_record_page(app, person).forms[FORM], notes="Kept")
    form[f"date_{part}"] = HUGE_NUMBER
    page = form.submit("complete")
    assert page.status_code == 200
    assert "Date of the conversation must be a real date" in error_messages(page)
    assert page.forms[FORM]["notes"].value == "Kept"
    assert not Conversation.objects.exists()


def test_a_huge_due_date_of_an_action_is_an_error_not_a_500(app, alice, person):
    form = fill_conversation(open_record_page(app, person).forms[FORM])
    fill_action(form, 0, what="Ring the GP", who="staff", staff=alice)
    form["actions-0-due_in"] = "date"
    form["actions-0-due_0"] = "1"
    form["actions-0-due_1"] = HUGE_NUMBER
    form["actions-0-due_2"] = "2030"
    page = form.submit("complete")
    assert page.status_code == 200
    assert "Action 1: the due date must be a real date" in error_messages(page)
    assert not Conversation.objects.exists()


def test_a_huge_due_date_on_the_action_page_is_an_error_not_a_500(app, alice, recorded):
    action = recorded.actions.order_by("id").first()
    form = app.get(action.get_absolute_url()).forms[1]
    form["due_0"] = HUGE_NUMBER
    form["due_reason"] = "Moved"
    page = form.submit()
    assert page.status_code == 200
    assert "The due date must be a real date" in error_messages(page)


# The formsets' management forms, altered ----------------------------------------


@pytest.mark.parametrize("value", ["0", "-5", "1", "99"])
def test_correcting_with_saved_initial_forms_altered_never_gives_a_500(app, recorded, value):
    """Altered page: saved-INITIAL_FORMS of 0 or -5 made the saved actions
    spare lines, skipped as unchanged, and the save fell over (KeyError)."""
    form = app.get(f"/conversations/{recorded.pk}/edit/").forms[FORM]
    form["notes"] = "Corrected notes"
    form["saved-INITIAL_FORMS"].force_value(value)
    page = form.submit("complete")
    assert page.status_code in (200, 302, 400)
    recorded.refresh_from_db()
    # However the management form was altered, the saved actions are the
    # conversation's two, as saved, and never a second copy of them.
    assert sorted(AgreedAction.objects.values_list("what", flat=True)) == [
        "Join the walking group",
        "Ring the GP",
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("saved-TOTAL_FORMS", "0"),
        ("saved-TOTAL_FORMS", "-1"),
        ("saved-TOTAL_FORMS", "abc"),
        ("saved-TOTAL_FORMS", "100000000000000000000"),
        ("actions-INITIAL_FORMS", "3"),
        ("actions-INITIAL_FORMS", "-5"),
        ("actions-TOTAL_FORMS", "-1"),
        ("actions-TOTAL_FORMS", "abc"),
        ("actions-TOTAL_FORMS", "1000000"),
    ],
)
def test_correcting_with_a_management_form_altered_never_gives_a_500(app, recorded, name, value):
    form = app.get(f"/conversations/{recorded.pk}/edit/").forms[FORM]
    form["notes"] = "Corrected notes"
    form[name].force_value(value)
    page = form.submit("complete", expect_errors=True)
    assert page.status_code in (200, 302, 400)
    assert AgreedAction.objects.count() == 2


def test_saved_initial_forms_of_zero_saves_the_correction_and_no_copies(app, recorded):
    form = app.get(f"/conversations/{recorded.pk}/edit/").forms[FORM]
    form["saved-0-what"] = "Ring the GP surgery"
    form["saved-INITIAL_FORMS"].force_value("0")
    assert form.submit("complete").status_code == 302
    assert sorted(AgreedAction.objects.values_list("what", flat=True)) == [
        "Join the walking group",
        "Ring the GP surgery",
    ]


def test_a_saved_line_sent_with_another_id_corrects_its_own_action(app, recorded):
    """Altered page: a saved line's hidden id is changed or taken out; the
    line is still the action it was drawn for, never a new one."""
    first, second = recorded.actions.order_by("id")
    form = app.get(f"/conversations/{recorded.pk}/edit/").forms[FORM]
    form["saved-0-what"] = "Ring the GP surgery"
    form["saved-0-id"].force_value("")
    form["saved-1-id"].force_value(str(first.pk))
    assert form.submit("complete").status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.what, second.what) == ("Ring the GP surgery", "Join the walking group")
    assert AgreedAction.objects.count() == 2


# A correction with its version left out --------------------------------------------


def test_a_correction_with_the_version_left_out_is_a_conflict(app_for, alice, bob, recorded):
    alices = app_for(alice).get(f"/conversations/{recorded.pk}/edit/").forms[FORM]
    bobs = app_for(bob).get(f"/conversations/{recorded.pk}/edit/").forms[FORM]
    bobs["notes"] = "Bob's notes"
    assert bobs.submit("complete").status_code == 302
    alices["notes"] = "Alice's notes"
    alices["version"].force_value("")
    page = alices.submit("complete")
    assert page.status_code == 200
    assert page.forms[FORM]["notes"].value == "Alice's notes"
    recorded.refresh_from_db()
    assert recorded.notes == "Bob's notes"


def test_an_action_correction_with_its_version_left_out_is_a_conflict(app, recorded):
    form = app.get(f"/conversations/{recorded.pk}/edit/").forms[FORM]
    form["saved-0-what"] = "Ring the GP surgery"
    form["saved-0-version"].force_value("")
    page = form.submit("complete")
    assert page.status_code == 200
    assert page.forms[FORM]["saved-0-what"].value == "Ring the GP surgery"
    assert not AgreedAction.objects.filter(what="Ring the GP surgery").exists()


# A key from another person's conversation -------------------------------------------


def _key_of(page) -> str:
    return page.request.path.rstrip("/").rsplit("/", 1)[1]


def test_a_key_from_another_persons_conversation_keeps_what_was_typed(app, alice, wigan, person):
    """The seen fault: the form was sent to a key another person's
    conversation had used; it went to that conversation and what was typed
    was lost."""
    first = open_record_page(app, person)
    fill_conversation(first.forms[FORM]).submit("complete")
    saved = Conversation.objects.get()
    other = PersonFactory(team=wigan, created_by=alice)
    page = open_record_page(app, other)
    form = fill_conversation(page.forms[FORM], what_matters="Seeing my grandson")
    form.action = f"/people/{other.pk}/conversations/new/{_key_of(first)}/"
    answer = form.submit("complete")
    assert answer.status_code == 200
    assert saved.get_absolute_url() not in answer.text
    assert "Nothing has been saved yet" in answer.text
    again = answer.forms[FORM]
    assert again["what_matters"].value == "Seeing my grandson"
    assert _key_of(first) not in again.action
    # Saved from here, it is saved for the person it was typed for.
    assert again.submit("complete").status_code == 302
    assert Conversation.objects.filter(person=other).count() == 1
    assert Conversation.objects.filter(person=person).count() == 1


def test_a_key_of_another_persons_conversation_opens_a_fresh_page(app, alice, wigan, person):
    first = open_record_page(app, person)
    fill_conversation(first.forms[FORM]).submit("complete")
    other = PersonFactory(team=wigan, created_by=alice)
    page = app.get(f"/people/{other.pk}/conversations/new/{_key_of(first)}/")
    assert page.status_code == 302
    assert _key_of(first) not in page.location
    assert page.follow().forms[FORM]["what_matters"].value == ""


def test_a_colleagues_key_for_the_same_person_is_not_theirs(app_for, alice, bob, person):
    alices = open_record_page(app_for(alice), person)
    fill_conversation(alices.forms[FORM]).submit("complete")
    bob_app = app_for(bob)
    page = bob_app.get(f"/people/{person.pk}/conversations/new/{_key_of(alices)}/")
    assert page.status_code == 302
    form = fill_conversation(page.follow().forms[FORM], what_matters="Bob heard this")
    form.action = f"/people/{person.pk}/conversations/new/{_key_of(alices)}/"
    answer = form.submit("complete")
    assert answer.status_code == 200
    assert answer.forms[FORM]["what_matters"].value == "Bob heard this"


# Page numbers too big for the database -----------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        f"timeline_page={'9' * 30}",
        f"timeline_before=2026{'9' * 17}_1_{'9' * 30}",
        "timeline_after=x",
    ],
)
def test_a_timeline_page_too_big_for_the_database_shows_a_page(alice_client, person, query):
    page = alice_client.get(f"/people/{person.pk}/?{query}")
    assert page.status_code == 200
