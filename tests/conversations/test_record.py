"""Recording a conversation with its agreed actions, in one form, filled in
through the page as rendered (django-webtest)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from conversations import services
from conversations.models import ActionStatus, AgreedAction, Conversation, ConversationStatus
from deal.audit import Actor
from deal.models import AuditEvent
from people.models import PersonInLife, ProfileEntry, WhatMatters
from tests.conversations.pages import (
    FORM,
    add_action_line,
    fill_action,
    fill_conversation,
    open_record_page,
    page_with_actions,
    record_url,
    today,
)
from tests.factories import (
    PersonFactory,
    ProfileEntryFactory,
    ThemeFactory,
    UserFactory,
    WhatMattersFactory,
)

url = record_url


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(given_name="Margaret", family_name="Hughes", team=wigan, created_by=alice)


def week() -> dt.date:
    return today() + dt.timedelta(days=7)


def test_page_shows_the_form_in_the_order_of_a_good_conversation(app, person):
    page = open_record_page(app, person)
    assert page.status_code == 200
    order = [
        "What matters to them",
        "Strengths and interests",
        "Needs",
        "About the conversation",
        "What you agreed",
    ]
    positions = [page.text.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_records_a_conversation_with_three_actions_and_new_entries(app, alice, person):
    ProfileEntryFactory(person=person, kind="strength", text="Great cook")
    existing = ProfileEntry.objects.get()
    theme = ThemeFactory(name="Loneliness")
    page = page_with_actions(
        app,
        person,
        {"what": "Go to the allotment society open day", "who": "person", "due": week()},
        {
            "what": "Ask the allotment society about a raised bed",
            "who": "partner",
            "due": week(),
            "name": "Wigan Allotment Society",
        },
        {"what": "Ring back after the open day", "who": "staff", "due": week(), "staff": alice},
    )
    form = page.forms[FORM]
    form.get("noticed", index=0).checked = True
    for box in form.fields["themes"]:
        if box._value == str(theme.pk):
            box.checked = True
    form["new_strengths"] = "Good with people\n\nKnows the neighbours"
    form["new_needs"] = "Help with the garden"
    response = form.submit("complete")
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/conversations/{conversation.pk}/"
    assert conversation.status == ConversationStatus.COMPLETE
    assert conversation.recorded_by == alice
    assert list(conversation.themes.all()) == [theme]
    actions = list(conversation.actions.order_by("id"))
    assert [a.owner_type for a in actions] == ["person", "partner", "staff"]
    assert [a.status for a in actions] == [ActionStatus.OPEN] * 3
    assert actions[1].owner_name == "Wigan Allotment Society"
    assert actions[2].owner_user == alice
    assert all(a.team_id == person.team_id and a.person == person for a in actions)
    texts = sorted(e.text for e in conversation.profile_entries.all())
    assert texts == [
        "Good with people",
        "Great cook",
        "Help with the garden",
        "Knows the neighbours",
    ]
    assert existing in conversation.profile_entries.all()
    assert ProfileEntry.objects.filter(source_conversation=conversation).count() == 3
    assert WhatMatters.objects.get(person=person).text == "Getting back to my allotment"
    assert AuditEvent.objects.filter(
        action="create", object_type="conversations.conversation"
    ).exists()
    shown = response.follow()
    assert "The conversation has been recorded" in shown.text
    assert "Wigan Allotment Society" in shown.text


def test_the_person_recording_is_ticked_as_there(app, alice, bob, person):
    form = open_record_page(app, person).forms[FORM]
    ticked = [box._value for box in form.fields["staff_present"] if box.checked]
    assert ticked == [str(alice.pk)]


# --- 1. Enter never completes ---------------------------------------------------


def test_the_forms_first_submit_button_saves_a_draft_so_enter_never_completes(app, person):
    """Enter in a one-line box presses a form's first submit button."""
    page = open_record_page(app, person)
    buttons = page.html.select(f"#{FORM} button[type=submit], #{FORM} input[type=submit]")
    first = buttons[0]
    assert first["name"] == "draft"
    assert first.get("tabindex") == "-1" and first.get("aria-hidden") == "true"
    assert "govuk-visually-hidden" in first["class"]
    form = fill_conversation(page.forms[FORM])
    form.submit("draft", index=0)
    conversation = Conversation.objects.get()
    assert conversation.is_draft


def test_enter_while_correcting_saves_nothing_and_says_so(app, alice, person):
    page = open_record_page(app, person)
    fill_conversation(page.forms[FORM], notes="First notes").submit("complete")
    conversation = Conversation.objects.get()
    version = conversation.version
    edit = app.get(f"/conversations/{conversation.pk}/edit/")
    assert "Nothing has been saved yet" not in edit.text
    first = edit.html.select(f"#{FORM} button[type=submit]")[0]
    assert first["name"] == "enter"
    # A correction is never a draft: the hidden button says what it does.
    assert "draft" not in first.get_text().lower()
    assert "Save as a draft" not in edit.text
    form = edit.forms[FORM]
    form["notes"] = "Half typed"
    # Enter in a one-line box: the browser presses the form's first button.
    redrawn = form.submit(first["name"], index=0)
    assert redrawn.status_code == 200
    notice = redrawn.html.select_one("#nothing-saved")
    assert notice is not None
    assert notice.get_text(" ", strip=True) == (
        "Nothing has been saved yet: check the page and press Save corrections."
    )
    assert redrawn.forms[FORM]["notes"].value == "Half typed"
    conversation.refresh_from_db()
    assert (conversation.notes, conversation.version) == ("First notes", version)
    # Then Save corrections saves what was typed.
    assert redrawn.forms[FORM].submit("complete").status_code == 302
    conversation.refresh_from_db()
    assert conversation.notes == "Half typed"


# --- 2. Back, a reopened tab or a resent form: one conversation ----------------


def test_the_record_page_gives_the_conversation_its_key_in_its_address(app, person):
    response = app.get(url(person))
    assert response.status_code == 302
    page = response.follow()
    key = page.request.path.rstrip("/").rsplit("/", 1)[1]
    assert page.forms[FORM]["submission_key"].value == key
    assert "no-store" in page.headers["Cache-Control"]


def test_back_then_save_again_makes_one_conversation(app, alice, person):
    page = page_with_actions(
        app, person, {"what": "Ring the GP", "who": "staff", "due": today(), "staff": alice}
    )
    first = page.forms[FORM].submit("complete")
    assert first.status_code == 302
    # Back: the browser fetches the same address again.
    again = app.get(page.request.path)
    assert again.status_code == 200
    assert "This conversation is already saved" in again.text
    assert FORM not in again.forms
    conversation = Conversation.objects.get()
    assert again.click(description="See the conversation").request.path == (
        conversation.get_absolute_url()
    )
    # The old page, kept by the browser, sent again.
    resent = page.forms[FORM].submit("complete")
    assert resent["Location"] == conversation.get_absolute_url()
    assert "This conversation is already saved" in resent.follow().text
    assert Conversation.objects.count() == 1
    assert AgreedAction.objects.count() == 1


def test_a_key_used_for_another_persons_conversation_opens_a_new_page(app, alice, wigan, person):
    page = open_record_page(app, person)
    fill_conversation(page.forms[FORM]).submit("complete")
    other = PersonFactory(team=wigan, created_by=alice)
    key = page.request.path.rstrip("/").rsplit("/", 1)[1]
    fresh = app.get(f"/people/{other.pk}/conversations/new/{key}/", status=302)
    assert key not in fresh.location


def test_a_draft_reached_again_offers_to_finish_it(app, person):
    page = open_record_page(app, person)
    fill_conversation(page.forms[FORM]).submit("draft", index=1)
    again = app.get(page.request.path)
    assert "This conversation is already saved" in again.text
    draft = Conversation.objects.get()
    assert again.click(description="Finish the draft").request.path == (
        f"/conversations/{draft.pk}/edit/"
    )


# --- Drafts ----------------------------------------------------------------------


def test_saved_as_draft_needs_less_and_shows_on_my_work(app, alice, person):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], place="", kind="")
    response = form.submit("draft", index=1)
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.is_draft
    assert Conversation.objects.drafts_of(alice).get() == conversation


def test_a_draft_keeps_an_unfinished_action_out_of_every_list(app, alice, person):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], place="", kind="")
    fill_action(form, 0, what="Find out about the choir")  # no one, no date yet
    assert form.submit("draft", index=1).status_code == 302
    action = AgreedAction.objects.get()
    assert action.status == ActionStatus.DRAFT
    assert action.due is None and action.owner_type == ""
    assert "Find out about the choir" not in app.get("/actions/").text
    assert "Find out about the choir" not in app.get("/actions/?status=any&owner=anyone").text
    assert "Find out about the choir" not in app.get("/").text
    assert AgreedAction.objects.visible_to(alice).count() == 0


def test_finishing_a_draft_asks_for_the_unfinished_action_then_makes_it_live(app, alice, person):
    page = open_record_page(app, person)
    fill_action(fill_conversation(page.forms[FORM]), 0, what="Find out about the choir").submit(
        "draft", index=1
    )
    draft = Conversation.objects.get()
    edit = app.get(f"/conversations/{draft.pk}/edit/")
    refused = edit.forms[FORM].submit("complete")
    assert refused.status_code == 200
    assert "Agreed action 1: select who will do it" in refused.text
    assert "Agreed action 1: enter the date it is due by, or choose a quick date" in refused.text
    form = refused.forms[FORM]
    fill_action(form, 0, what="Find out about the choir", who="person", due=week(), prefix="saved")
    assert form.submit("complete").status_code == 302
    action = AgreedAction.objects.get()
    assert action.status == ActionStatus.OPEN
    assert action.responsible == alice
    assert "Find out about the choir" in app.get("/actions/").text


def test_the_summary_is_offered_for_completed_conversations_only(app, person):
    page = open_record_page(app, person)
    fill_conversation(page.forms[FORM]).submit("draft", index=1)
    draft = Conversation.objects.get()
    shown = app.get(draft.get_absolute_url())
    assert "Summary for" not in shown.text
    response = app.get(f"/conversations/{draft.pk}/summary/")
    assert response.status_code == 302
    assert "once the conversation is complete" in response.follow().text


def test_a_draft_can_be_discarded_and_is_gone_from_lists_but_kept_in_the_audit(app, alice, person):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], what_matters="Started by mistake")
    fill_action(form, 0, what="Nothing really").submit("draft", index=1)
    draft = Conversation.objects.get()
    confirm = app.get(draft.get_absolute_url()).click(description="Discard this draft")
    assert "Discard this draft?" in confirm.text
    done = confirm.forms[1].submit().follow()
    assert "The draft has been discarded" in done.text
    draft.refresh_from_db()
    assert draft.status == ConversationStatus.DISCARDED
    assert not Conversation.objects.drafts_of(alice).exists()
    assert "Started by mistake" not in app.get("/").text
    app.get(draft.get_absolute_url(), status=404)
    assert "Nothing really" not in done.text
    assert AuditEvent.objects.filter(
        object_id=str(draft.pk), detail__startswith="Discarded"
    ).exists()
    assert not WhatMatters.objects.exists()


def test_a_completed_conversation_cannot_be_discarded(app, conversation):
    response = app.get(f"/conversations/{conversation.pk}/discard/")
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.COMPLETE


def test_completing_needs_where_and_what_kind(app, person):
    page = open_record_page(app, person)
    response = fill_conversation(page.forms[FORM], place="", kind="").submit("complete")
    assert response.status_code == 200
    assert '<a href="#id_place_1">Select where the conversation happened</a>' in response.text
    assert '<a href="#id_kind_1">Select the kind of conversation</a>' in response.text
    assert not Conversation.objects.exists()


# --- 3. What matters is never silently replaced ---------------------------------


@pytest.fixture
def said_before(person, alice):
    return WhatMattersFactory(
        person=person,
        text="Getting back to chapel choir, and not going into a home",
        recorded_by=alice,
    )


def test_the_form_shows_what_matters_now_and_leaves_it_unless_it_changed(app, person, said_before):
    page = open_record_page(app, person)
    assert "Getting back to chapel choir, and not going into a home" in page.text
    form = fill_conversation(page.forms[FORM], what_matters=None)
    assert form["what_matters_changed"].value == "no"
    form["notes"] = "Choir on Thursdays is going well"
    assert form.submit("complete").status_code == 302
    assert person.what_matters.first() == said_before
    assert WhatMatters.objects.count() == 1


def test_words_typed_while_saying_it_has_not_changed_are_questioned(app, person, said_before):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], what_matters=None)
    form["what_matters"] = "Choir on Thursdays is going well"
    response = form.submit("complete")
    assert response.status_code == 200
    assert "You wrote what matters to them but chose" in response.text
    assert "Choir on Thursdays is going well" in response.text
    assert not Conversation.objects.exists()
    assert person.what_matters.first() == said_before


def test_saying_it_has_changed_keeps_the_earlier_words_with_their_date(app, person, said_before):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], what_matters="Singing again, at home")
    assert form.submit("complete").status_code == 302
    assert [w.text for w in person.what_matters.all()] == [
        "Singing again, at home",
        "Getting back to chapel choir, and not going into a home",
    ]
    history = app.get(f"/people/{person.pk}/what-matters/")
    assert "Getting back to chapel choir" in history.text
    assert said_before.recorded_at.strftime("%-d %B %Y") in history.text


def test_a_draft_holds_what_matters_until_it_is_completed(app, person, said_before):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], what_matters="Singing again, at home")
    form.submit("draft", index=1)
    assert person.what_matters.first() == said_before
    draft = Conversation.objects.get()
    edit = app.get(f"/conversations/{draft.pk}/edit/")
    assert edit.forms[FORM]["what_matters_changed"].value == "yes"
    edit.forms[FORM].submit("complete")
    assert person.what_matters.first().text == "Singing again, at home"


# --- Bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"date_0": "31", "date_1": "2", "date_2": "2024"},
            "Date of the conversation must be a real date",
        ),
        ({"time": "25:99"}, "Enter a real time, like 14:30 or 2.30pm"),
        ({"notes": "x" * 100_000}, "Notes must be 10000 characters or fewer"),
        ({"new_strengths": "y" * 300}, "Keep each line to 200 characters or fewer"),
    ],
)
def test_bad_conversation_input_keeps_everything_and_saves_nothing(app, person, change, message):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], what_matters="<script>alert(1)</script> my dog 🐕")
    for name, value in change.items():
        form[name] = value
    response = form.submit("complete")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; my dog 🐕" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert not Conversation.objects.exists()
    assert not WhatMatters.objects.exists()


def test_an_altered_page_sending_a_wellbeing_answer_of_11_is_refused(app, person):
    """Not something the page offers: an altered page, sent by hand."""
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM])
    form["life_satisfaction"].force_value("11")
    response = form.submit("complete")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not Conversation.objects.exists()


def test_conversation_in_the_future_is_refused(app, person):
    page = open_record_page(app, person)
    later = today() + dt.timedelta(days=3)
    response = fill_conversation(page.forms[FORM], day=later).submit("complete")
    assert "The conversation must be today or in the past" in response.text


def test_action_due_before_the_conversation_is_refused(app, alice, person):
    page = page_with_actions(
        app,
        person,
        {"what": "Ring", "who": "staff", "due": today() - dt.timedelta(days=2), "staff": alice},
    )
    response = page.forms[FORM].submit("complete")
    assert response.status_code == 200
    assert (
        '<a href="#id_actions-0-due_0">Action 1: the due date must be on or after the '
        "conversation</a>" in response.text
    )
    assert ">Ring</textarea>" in response.text
    assert not Conversation.objects.exists()


def test_action_due_more_than_5_years_ahead_is_refused(app, alice, person):
    page = page_with_actions(
        app, person, {"what": "Ring", "who": "staff", "due": dt.date(9999, 12, 31), "staff": alice}
    )
    response = page.forms[FORM].submit("complete")
    assert response.status_code == 200
    assert "Action 1: the due date must be within 5 years" in response.text
    assert ">Ring</textarea>" in response.text
    assert not Conversation.objects.exists()


def test_empty_action_among_filled_ones_is_pointed_out(app, person):
    page = open_record_page(app, person)
    page = add_action_line(add_action_line(page))
    form = fill_conversation(page.forms[FORM])
    fill_action(form, 0, what="First", who="person", due=week())
    fill_action(form, 2, what="Third", who="person", due=week())
    response = form.submit("complete")
    assert response.status_code == 200
    assert "Action 2 is empty: fill it in or remove it" in response.text
    assert ">Third</textarea>" in response.text
    assert not Conversation.objects.exists()


def test_a_blank_spare_action_line_at_the_end_is_ignored(app, person):
    page = add_action_line(open_record_page(app, person))
    form = fill_conversation(page.forms[FORM])
    fill_action(form, 0, what="First", who="person", due=week())
    assert form.submit("complete").status_code == 302
    assert AgreedAction.objects.count() == 1


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("staff", "Action 1: select the member of staff who will do it"),
        ("partner", "Action 1: enter the name of the partner organisation"),
        ("community", "Action 1: enter the name of the community group"),
        ("someone_in_life", "Action 1: enter the name of the person in their life"),
    ],
)
def test_who_will_do_it_must_be_named_and_the_summary_names_the_line(app, person, owner, message):
    page = page_with_actions(app, person, {"what": "Something", "who": owner, "due": today()})
    response = page.forms[FORM].submit("complete")
    assert response.status_code == 200
    assert message in response.text
    assert not Conversation.objects.exists()


def test_an_altered_page_naming_staff_of_another_team_is_refused(app, carol, person):
    """Not on the page's list: an altered page, sent by hand."""
    page = page_with_actions(app, person, {"what": "Something", "who": "staff", "due": today()})
    form = page.forms[FORM]
    form["actions-0-owner_user"].force_value(str(carol.pk))
    response = form.submit("complete")
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_add_another_action_without_javascript_keeps_everything(app, person):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], notes="Long chat about the allotment")
    fill_action(form, 0, what="First thing", who="person", due=today())
    response = form.submit("add_action")
    assert response.status_code == 200
    assert "There is a problem" not in response.text
    assert ">First thing</textarea>" in response.text
    assert "Long chat about the allotment" in response.text
    assert "actions-1-what" in response.forms[FORM].fields
    assert response.forms[FORM]["actions-TOTAL_FORMS"].value == "2"
    assert not Conversation.objects.exists()


def test_remove_an_action_without_javascript(app, person):
    page = add_action_line(open_record_page(app, person))
    form = fill_conversation(page.forms[FORM])
    fill_action(form, 0, what="First", who="person", due=today())
    fill_action(form, 1, what="Second", who="person", due=today())
    response = form.submit("remove_action", index=0)
    assert ">Second</textarea>" in response.text
    assert ">First</textarea>" not in response.text
    assert response.forms[FORM]["actions-TOTAL_FORMS"].value == "1"


def test_another_teams_person_is_404_and_audited(client, carol, person):
    """Another team's worker trying the address (and a hand-made POST)."""
    client.force_login(carol)
    assert client.get(url(person)).status_code == 404
    assert client.post(url(person), {}).status_code == 404
    assert AuditEvent.objects.filter(action="denied", user=carol).count() == 2
    assert not Conversation.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, person):
    response = client.get(url(person))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_expired_session_on_save_sends_to_sign_in_and_saves_nothing(app, person):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM])
    app.set_user(None)
    app.reset()
    response = form.submit("complete", status="*")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/?next=")
    assert not Conversation.objects.exists()


def test_everything_is_one_transaction(app, alice, person, monkeypatch):
    """If anything fails part way, nothing at all is saved."""
    from conversations import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_save_action", broken)
    page = page_with_actions(
        app, person, {"what": "Ring", "who": "staff", "due": today(), "staff": alice}
    )
    form = page.forms[FORM]
    form["new_strengths"] = "Kind"
    with pytest.raises(RuntimeError):
        form.submit("complete")
    assert not Conversation.objects.exists()
    assert not ProfileEntry.objects.exists()
    assert not WhatMatters.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow_with_the_profile(
    alice_client, alice, person, rows, django_assert_max_num_queries
):
    for kind in ("strength", "interest", "need"):
        ProfileEntryFactory.create_batch(rows, person=person, kind=kind)
    UserFactory.create_batch(rows // 5, teams=[person.team])
    WhatMattersFactory.create_batch(rows, person=person, recorded_by=alice)
    for n in range(rows):
        PersonInLife.objects.create(
            person=person, name=f"Friend {n}", relationship="friend", recorded_by=alice
        )
    key = "7b6f2b6e-4f0e-4a53-9c8e-2d9b4a0f1c11"
    # The same number for 5 rows as for 50: the form reads each list once
    # (one of them the directory's groups, offered as names).
    with django_assert_max_num_queries(24):
        assert alice_client.get(f"{url(person)}{key}/").status_code == 200


# --- 6. Quick due dates -----------------------------------------------------------


def test_a_quick_due_date_counts_from_the_day_of_the_conversation(app, person):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], day=today() - dt.timedelta(days=2))
    fill_action(form, 0, what="Ring the choir", who="person")
    choices = [value for value, _selected, _text in form["actions-0-due_in"].options]
    assert choices == ["week", "fortnight", "month", "date"]
    assert "In two weeks" in page.text and "Choose a date" in page.text
    form["actions-0-due_in"] = "fortnight"
    assert form.submit("complete").status_code == 302
    assert AgreedAction.objects.get().due == today() - dt.timedelta(days=2) + dt.timedelta(days=14)


def test_without_a_quick_date_or_a_date_completing_asks_for_one(app, person):
    page = open_record_page(app, person)
    form = fill_action(fill_conversation(page.forms[FORM]), 0, what="Ring the choir", who="person")
    response = form.submit("complete")
    assert "Action 1: enter the date it is due by, or choose a quick date" in response.text
    assert not Conversation.objects.exists()


# --- 9, 14. The action lines ------------------------------------------------------


def test_add_another_without_javascript_comes_back_to_the_new_line(app, person):
    page = open_record_page(app, person)
    add = page.html.select_one('button[name="add_action"]')
    assert add["formaction"] == "#id_actions-1-what"
    response = add_action_line(page)
    new_line = response.html.select_one("#action-2 textarea")
    assert new_line["name"] == "actions-1-what"
    assert new_line.has_attr("autofocus")
    assert len(response.html.select("[autofocus]")) == 1
    assert response.html.select_one('button[name="add_action"]')["formaction"] == (
        "#id_actions-2-what"
    )


def test_someone_in_their_life_is_offered_from_the_profile(app, alice, person):
    PersonInLife.objects.create(
        person=person, name="Sandra Hughes", relationship="daughter", recorded_by=alice
    )
    page = open_record_page(app, person)
    options = page.html.select("datalist#owner-names option")
    assert [o["value"] for o in options] == ["Sandra Hughes"]
    assert page.html.select_one("#id_actions-0-owner_name")["list"] == "owner-names"
    # The list of staff sits with "A member of staff"; the name box after the
    # choices it is for (the page's CSS shows only the one that fits).
    staff_choice = page.html.select_one("#id_actions-0-owner_type_1")
    assert staff_choice["value"] == "staff"
    assert staff_choice.find_parent("div").find_next_sibling("div")["class"] == [
        "govuk-radios__conditional",
        "app-owner-staff",
    ]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_already_saved_and_discard_pages_query_counts_are_flat(
    alice_client, alice, person, rows, django_assert_max_num_queries
):
    from tests.factories import AgreedActionFactory, ConversationFactory

    draft = ConversationFactory(person=person, recorded_by=alice, status="draft")
    AgreedActionFactory.create_batch(rows, conversation=draft, status=ActionStatus.DRAFT)
    with django_assert_max_num_queries(12):
        page = alice_client.get(f"{url(person)}{draft.submission_key}/")
    assert "This conversation is already saved" in page.content.decode()
    with django_assert_max_num_queries(12):
        page = alice_client.get(f"/conversations/{draft.pk}/discard/")
    assert page.content.decode().count('class="app-their-words"') == rows


def test_a_name_too_long_for_who_will_do_it_is_called_too_long_not_missing(app, person):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM])
    fill_action(form, 0, what="Ask about the lunch club", who="partner", name="P" * 201, due=week())
    response = form.submit("complete")
    assert response.status_code == 200
    assert "must be 200 characters or fewer" in response.text
    # The name was entered: asking for it again would send the worker in circles.
    assert "enter the name of the partner organisation" not in response.text.lower()
    assert not Conversation.objects.exists()


def test_only_who_started_a_draft_or_a_manager_may_discard_it(
    app, app_for, alice, bob, wigan, person
):
    page = open_record_page(app, person)
    form = fill_conversation(page.forms[FORM], what_matters="Alice's work in progress")
    form.submit("draft", index=1)
    draft = Conversation.objects.get()

    colleague = UserFactory(role="frontline", teams=[wigan])
    theirs = app_for(colleague)
    assert "Discard this draft" not in theirs.get(draft.get_absolute_url()).text
    refused = theirs.get(f"/conversations/{draft.pk}/discard/").follow()
    assert "Only Alice Worker, who started this draft, or a manager" in refused.text
    draft.refresh_from_db()
    assert draft.status == ConversationStatus.DRAFT

    managers = app_for(bob)
    confirm = managers.get(draft.get_absolute_url()).click(description="Discard this draft")
    confirm.forms[1].submit().follow()
    draft.refresh_from_db()
    assert draft.status == ConversationStatus.DISCARDED


def test_the_service_refuses_to_discard_a_colleagues_draft(alice, wigan, conversation):
    Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.DRAFT)
    conversation.refresh_from_db()
    colleague = UserFactory(role="frontline", teams=[wigan])
    with pytest.raises(PermissionDenied):
        services.conversation_discard(actor=Actor(user=colleague), conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.DRAFT
