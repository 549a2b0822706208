"""Connecting a person to a group from the conversation form: the group is
offered as you type, the save links the action to it in the same
transaction, a typed name still works, and the layers stay one way."""

import datetime as dt

import pytest

from conversations import services as conversation_services
from conversations.models import AgreedAction, Owner
from directory.factories import ServiceFactory
from directory.models import Connection, ServiceStatus
from tests.conversations.pages import FORM, open_record_page, page_with_actions, today


@pytest.fixture
def app(alice_app):
    return alice_app


def save(page):
    return page.forms[FORM].submit("complete").follow()


def test_active_groups_are_offered_as_you_type_and_retired_ones_are_not(
    app, person, walking_group, lunch_club
):
    lunch_club.status = ServiceStatus.INACTIVE
    lunch_club.save()
    page = open_record_page(app, person)
    options = [o["value"] for o in page.html.select("datalist#owner-names option")]
    assert options == ["Thursday walking group"]
    assert page.html.select_one("#id_actions-0-owner_name")["list"] == "owner-names"
    assert "Groups in the directory are offered as you type" in page.text


def test_picking_a_group_links_the_action_to_it(app, alice, person, walking_group):
    page = page_with_actions(
        app,
        person,
        {
            "what": "Go along on Thursday with Sam",
            "who": Owner.COMMUNITY,
            "name": "Thursday walking group",
            "due": today() + dt.timedelta(days=7),
        },
    )
    save(page)
    action = AgreedAction.objects.get()
    connection = Connection.objects.get()
    assert (connection.action, connection.service, connection.linked_by) == (
        action,
        walking_group,
        alice,
    )
    # The profile lists the groups they are connected to.
    profile = app.get(person.get_absolute_url())
    assert "Thursday walking group" in profile.html.select_one("#directory-groups").get_text()
    # And the group's page counts them.
    group = app.get(walking_group.get_absolute_url())
    assert "1 person connected by your team" in group.text


def test_a_partner_organisation_is_linked_too(app, person, walking_group):
    page = page_with_actions(
        app,
        person,
        {
            "what": "Referral",
            "who": Owner.PARTNER,
            "name": "thursday WALKING group ",
            "due": today() + dt.timedelta(days=7),
        },
    )
    save(page)
    assert Connection.objects.get().service == walking_group


def test_a_typed_name_not_in_the_directory_still_works(app, person, walking_group):
    page = page_with_actions(
        app,
        person,
        {
            "what": "Try the choir",
            "who": Owner.COMMUNITY,
            "name": "St Mary’s choir",
            "due": today() + dt.timedelta(days=7),
        },
    )
    save(page)
    assert AgreedAction.objects.get().owner_name == "St Mary’s choir"
    assert not Connection.objects.exists()


def test_someone_in_their_life_with_a_groups_name_is_not_linked(app, person, walking_group):
    page = page_with_actions(
        app,
        person,
        {
            "what": "Ask",
            "who": Owner.SOMEONE_IN_LIFE,
            "name": "Thursday walking group",
            "due": today() + dt.timedelta(days=7),
        },
    )
    save(page)
    assert not Connection.objects.exists()


def test_two_active_groups_with_one_name_are_not_guessed_between(app, person, walking_group):
    ServiceFactory(name="Thursday walking group")
    page = page_with_actions(
        app,
        person,
        {
            "what": "Walk",
            "who": Owner.COMMUNITY,
            "name": "Thursday walking group",
            "due": today() + dt.timedelta(days=7),
        },
    )
    save(page)
    assert not Connection.objects.exists()


def test_correcting_who_does_it_moves_or_drops_the_link(app, person, walking_group, lunch_club):
    page = page_with_actions(
        app,
        person,
        {
            "what": "Walk",
            "who": Owner.COMMUNITY,
            "name": "Thursday walking group",
            "due": today() + dt.timedelta(days=7),
        },
    )
    conversation = save(page).context["conversation"]
    edit = app.get(f"/conversations/{conversation.pk}/edit/")
    form = edit.forms[FORM]
    form["saved-0-owner_name"] = "Leigh lunch club"
    form.submit("complete").follow()
    assert Connection.objects.get().service == lunch_club
    form = app.get(f"/conversations/{conversation.pk}/edit/").forms[FORM]
    form["saved-0-owner_name"] = "Somewhere new"
    form.submit("complete").follow()
    assert not Connection.objects.exists()


def test_a_failing_link_saves_nothing(app, person, walking_group, monkeypatch):
    """The link is part of the action's save: if it fails, the conversation
    and its actions are not saved either."""

    def broken(**kwargs):
        raise RuntimeError("the link could not be saved")

    monkeypatch.setattr(Connection.objects, "create", broken)
    page = page_with_actions(
        app,
        person,
        {
            "what": "Walk",
            "who": Owner.COMMUNITY,
            "name": "Thursday walking group",
            "due": today() + dt.timedelta(days=7),
        },
    )
    with pytest.raises(RuntimeError):
        page.forms[FORM].submit("complete")
    assert not AgreedAction.objects.exists()
    assert conversation_services.Conversation.objects.count() == 0


def test_a_profile_lists_retired_groups_it_is_linked_to(
    app, alice, person, conversation, walking_group
):
    from tests.factories import AgreedActionFactory

    action = AgreedActionFactory(
        conversation=conversation, owner_type=Owner.COMMUNITY, owner_name=walking_group.name
    )
    Connection.objects.create(action=action, service=walking_group, linked_by=alice)
    walking_group.status = ServiceStatus.DEFUNCT
    walking_group.save()
    section = app.get(person.get_absolute_url()).html.select_one("#directory-groups")
    assert "Thursday walking group" in section.get_text()
    assert "Closed for good" in section.get_text()
