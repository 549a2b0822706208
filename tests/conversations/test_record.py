"""Recording a conversation with its agreed actions, in one form."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from conversations.models import AgreedAction, Conversation, ConversationStatus
from deal.models import AuditEvent
from people.models import ProfileEntry, WhatMatters
from tests.factories import PersonFactory, ProfileEntryFactory, ThemeFactory, UserFactory


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(given_name="Margaret", family_name="Hughes", team=wigan, created_by=alice)


def url(person):
    return f"/people/{person.pk}/conversations/new/"


def today():
    return timezone.localdate()


def form_data(client, person, **overrides):
    """What the page sends when filled in: starts from the page's own form."""
    html = client.get(url(person)).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    day = today() - dt.timedelta(days=1)
    data = {
        "submission_key": key,
        "what_matters": "Getting back to my allotment",
        "date_0": str(day.day),
        "date_1": str(day.month),
        "date_2": str(day.year),
        "time": "10:30",
        "place": "home",
        "kind": "first",
        "notes": "",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "saved-TOTAL_FORMS": "0",
        "saved-INITIAL_FORMS": "0",
        "complete": "1",
    }
    data.update(overrides)
    return data


def with_actions(data, *actions):
    data = dict(data)
    data["actions-TOTAL_FORMS"] = str(len(actions))
    for index, action in enumerate(actions):
        for name, value in action.items():
            data[f"actions-{index}-{name}"] = value
    return data


def action(what, owner_type, due, **more):
    return {
        "what": what,
        "owner_type": owner_type,
        "due_0": str(due.day),
        "due_1": str(due.month),
        "due_2": str(due.year),
        **more,
    }


def test_page_shows_the_form_in_the_order_of_a_good_conversation(alice_client, person):
    response = alice_client.get(url(person))
    assert response.status_code == 200
    html = response.content.decode()
    order = [
        "What matters to them",
        "Strengths and interests",
        "Needs",
        "About the conversation",
        "What you agreed",
    ]
    positions = [html.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_records_a_conversation_with_three_actions_and_new_entries(alice_client, alice, person):
    ProfileEntryFactory(person=person, kind="strength", text="Great cook")
    existing = ProfileEntry.objects.get()
    theme = ThemeFactory(name="Loneliness")
    week = today() + dt.timedelta(days=7)
    data = with_actions(
        form_data(
            alice_client,
            person,
            noticed=[str(existing.pk)],
            themes=[str(theme.pk)],
            new_strengths="Good with people\n\nKnows the neighbours",
            new_needs="Help with the garden",
        ),
        action("Go to the allotment society open day", "person", week),
        action(
            "Ask the allotment society about a raised bed",
            "partner",
            week,
            owner_name="Wigan Allotment Society",
        ),
        action("Ring back after the open day", "staff", week, owner_user=str(alice.pk)),
    )
    response = alice_client.post(url(person), data)
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/conversations/{conversation.pk}/"
    assert conversation.status == ConversationStatus.COMPLETE
    assert conversation.recorded_by == alice
    assert list(conversation.themes.all()) == [theme]
    actions = list(conversation.actions.order_by("id"))
    assert [a.owner_type for a in actions] == ["person", "partner", "staff"]
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
    assert ProfileEntry.objects.filter(source_conversation=conversation).count() == 3
    assert WhatMatters.objects.get(person=person).text == "Getting back to my allotment"
    assert AuditEvent.objects.filter(
        action="create", object_type="conversations.conversation"
    ).exists()
    page = alice_client.get(response["Location"]).content.decode()
    assert "The conversation has been recorded" in page
    assert "Wigan Allotment Society" in page


def test_double_submit_makes_one_conversation(alice_client, alice, person):
    data = with_actions(
        form_data(alice_client, person),
        action("Ring the GP", "staff", today(), owner_user=str(alice.pk)),
    )
    first = alice_client.post(url(person), data)
    second = alice_client.post(url(person), data)
    assert Conversation.objects.count() == 1
    assert AgreedAction.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_saved_as_draft_needs_less_and_shows_on_my_work(alice_client, alice, person):
    data = form_data(alice_client, person, place="", kind="", complete=None, draft="1")
    del data["complete"]
    response = alice_client.post(url(person), data)
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.is_draft
    assert Conversation.objects.drafts_of(alice).get() == conversation


def test_completing_needs_where_and_what_kind(alice_client, person):
    response = alice_client.post(url(person), form_data(alice_client, person, place="", kind=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_place_1">Select where the conversation happened</a>' in html
    assert '<a href="#id_kind_1">Select the kind of conversation</a>' in html
    assert not Conversation.objects.exists()


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
        ({"life_satisfaction": "11"}, None),
    ],
)
def test_bad_conversation_input_keeps_everything_and_saves_nothing(
    alice_client, person, change, message
):
    data = form_data(
        alice_client, person, what_matters="<script>alert(1)</script> my dog 🐕", **change
    )
    response = alice_client.post(url(person), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    if message:
        assert message in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; my dog 🐕" in html
    assert "<script>alert(1)</script>" not in html
    assert not Conversation.objects.exists()
    assert not WhatMatters.objects.exists()


def test_conversation_in_the_future_is_refused(alice_client, person):
    later = today() + dt.timedelta(days=3)
    data = form_data(
        alice_client, person, date_0=str(later.day), date_1=str(later.month), date_2=str(later.year)
    )
    response = alice_client.post(url(person), data)
    assert b"The conversation must be today or in the past" in response.content


def test_action_due_before_the_conversation_is_refused(alice_client, alice, person):
    data = with_actions(
        form_data(alice_client, person),
        action("Ring", "staff", today() - dt.timedelta(days=2), owner_user=str(alice.pk)),
    )
    response = alice_client.post(url(person), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<a href="#id_actions-0-due_0">The due date must be on or after the conversation</a>'
        in html
    )
    assert 'value="Ring"' not in html  # it is a textarea:
    assert ">Ring</textarea>" in html
    assert not Conversation.objects.exists()


def test_empty_action_among_filled_ones_is_pointed_out(alice_client, alice, person):
    week = today() + dt.timedelta(days=7)
    data = with_actions(
        form_data(alice_client, person),
        action("First", "person", week),
        {"what": "", "owner_type": "", "due_0": "", "due_1": "", "due_2": ""},
        action("Third", "person", week),
    )
    response = alice_client.post(url(person), data)
    assert response.status_code == 200
    assert b"Action 2 is empty: fill it in or remove it" in response.content
    assert b">Third</textarea>" in response.content
    assert not Conversation.objects.exists()


def test_a_blank_spare_action_line_at_the_end_is_ignored(alice_client, person):
    week = today() + dt.timedelta(days=7)
    data = with_actions(
        form_data(alice_client, person),
        action("First", "person", week),
        {"what": "", "owner_type": "", "due_0": "", "due_1": "", "due_2": ""},
    )
    assert alice_client.post(url(person), data).status_code == 302
    assert AgreedAction.objects.count() == 1


@pytest.mark.parametrize(
    ("owner", "extra", "message"),
    [
        ("staff", {}, "Select the member of staff who will do it"),
        ("partner", {}, "Enter the name of the partner organisation"),
        ("community", {}, "Enter the name of the community group"),
        ("someone_in_life", {}, "Enter the name of the person in their life"),
    ],
)
def test_who_will_do_it_must_be_named(alice_client, person, owner, extra, message):
    data = with_actions(
        form_data(alice_client, person), action("Something", owner, today(), **extra)
    )
    response = alice_client.post(url(person), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Conversation.objects.exists()


def test_staff_from_another_team_cannot_be_given_an_action(alice_client, carol, person):
    data = with_actions(
        form_data(alice_client, person),
        action("Something", "staff", today(), owner_user=str(carol.pk)),
    )
    response = alice_client.post(url(person), data)
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_add_another_action_without_javascript_keeps_everything(alice_client, person):
    data = with_actions(
        form_data(alice_client, person, notes="Long chat about the allotment"),
        action("First thing", "person", today()),
    )
    data["add_action"] = "1"
    del data["complete"]
    response = alice_client.post(url(person), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" not in html
    assert ">First thing</textarea>" in html
    assert "Long chat about the allotment" in html
    assert 'name="actions-1-what"' in html
    assert 'name="actions-TOTAL_FORMS" value="2"' in html
    assert not Conversation.objects.exists()


def test_remove_an_action_without_javascript(alice_client, person):
    data = with_actions(
        form_data(alice_client, person),
        action("First", "person", today()),
        action("Second", "person", today()),
    )
    data["remove_action"] = "0"
    del data["complete"]
    html = alice_client.post(url(person), data).content.decode()
    assert ">Second</textarea>" in html
    assert ">First</textarea>" not in html
    assert 'name="actions-TOTAL_FORMS" value="1"' in html


def test_another_teams_person_is_404_and_audited(carol_client, carol, person):
    assert carol_client.get(url(person)).status_code == 404
    assert carol_client.post(url(person), {}).status_code == 404
    assert AuditEvent.objects.filter(action="denied", user=carol).count() == 2
    assert not Conversation.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, person):
    response = client.get(url(person))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_expired_session_on_save_sends_to_sign_in_and_saves_nothing(client, alice, person):
    client.force_login(alice)
    data = form_data(client, person)
    client.logout()
    response = client.post(url(person), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Conversation.objects.exists()


def test_everything_is_one_transaction(alice_client, alice, person, monkeypatch):
    """If anything fails part way, nothing at all is saved."""
    from conversations import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_save_action", broken)
    data = with_actions(
        form_data(alice_client, person, new_strengths="Kind"),
        action("Ring", "staff", today(), owner_user=str(alice.pk)),
    )
    with pytest.raises(RuntimeError):
        alice_client.post(url(person), data)
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
    # The same number for 5 rows as for 50: the form reads each list once.
    with django_assert_max_num_queries(20):
        assert alice_client.get(url(person)).status_code == 200
