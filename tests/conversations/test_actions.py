"""Agreed actions: the list at /actions/ and following an action up at
/actions/<id>/."""

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conversations import services
from conversations.models import ActionStatus, AgreedAction, FollowUp, FollowUpKind, Owner
from deal.audit import Actor
from deal.models import AuditEvent, Role
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    FollowUpFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

ACTIONS = "/actions/"
OVERDUE_TAG = 'govuk-tag--red">Overdue'


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def action(make_action):
    return make_action(what="Ring the credit union about a loan", due=days(3))


@pytest.fixture
def carols_action(carol, leigh):
    person = PersonFactory(team=leigh, created_by=carol)
    return AgreedActionFactory(
        conversation=ConversationFactory(person=person, recorded_by=carol),
        what="Leigh team business",
    )


def whats(response) -> list[str]:
    return [a.what for a in response.context["page"].object_list]


def follow_up_data(action, **fields):
    data = {
        "status": action.status,
        "seen_status": action.status,
        "reason": "",
        "note": "",
        "owner_user": "",
        "version": action.version,
    }
    data.update(fields)
    return data


# --- Who may see what ---------------------------------------------------------


def test_anonymous_user_is_sent_to_sign_in(client, action):
    for url in (ACTIONS, f"/actions/{action.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    response = client.post(f"/actions/{action.pk}/", follow_up_data(action, status="done"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_worker_of_another_team_gets_404_for_an_action_and_the_attempt_is_audited(
    carol_client, carol, action
):
    assert carol_client.get(f"/actions/{action.pk}/").status_code == 404
    response = carol_client.post(
        f"/actions/{action.pk}/", follow_up_data(action, status="done", note="Sneaky")
    )
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(
        action="denied", user=carol, object_type="conversations.agreedaction"
    )
    assert denied.count() == 2
    assert set(denied.values_list("object_id", flat=True)) == {str(action.pk)}
    assert not AuditEvent.objects.filter(action="view", user=carol).exists()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert not FollowUp.objects.exists()


def test_a_missing_action_is_the_same_404(alice_client, db):
    assert alice_client.get("/actions/999999/").status_code == 404


def test_worker_never_sees_another_teams_actions_in_the_list(alice_client, action, carols_action):
    for query in ({}, {"status": "any", "owner": "anyone"}):
        response = alice_client.get(ACTIONS, query)
        assertNotContains(response, "Leigh team business")
        assert carols_action.what not in whats(response)


def test_admin_without_a_team_is_refused(client, dave, action):
    client.force_login(dave)
    assert client.get(ACTIONS).status_code == 403
    assert client.get(f"/actions/{action.pk}/").status_code == 403


def test_viewing_an_action_is_audited(alice_client, alice, action):
    assert alice_client.get(f"/actions/{action.pk}/").status_code == 200
    viewed = AuditEvent.objects.get(action="view", user=alice)
    assert viewed.object_type == "conversations.agreedaction"
    assert viewed.object_id == str(action.pk)


def test_manager_of_the_team_can_follow_up_a_workers_action(client, bob, action):
    client.force_login(bob)
    assert client.get(f"/actions/{action.pk}/").status_code == 200
    response = client.post(f"/actions/{action.pk}/", follow_up_data(action, note="Checked in"))
    assert response.status_code == 302
    assert FollowUp.objects.get().by == bob


# --- The list -------------------------------------------------------------------


def test_list_shows_my_open_actions_overdue_first_then_by_due_date(alice_client, make_action, bob):
    """Mine are the ones I answer for, whoever does them: Peggy's own task,
    agreed with me, is mine to follow up; Bob's is his."""
    make_action(what="Due next month", due=days(30))
    make_action(what="Due tomorrow", due=days(1))
    make_action(what="Overdue by a day", due=days(-1))
    make_action(what="Overdue by a week", due=days(-7))
    make_action(what="Already done", due=days(-10), status=ActionStatus.DONE)
    make_action(what="Bob's job", due=days(-5), owner_user=bob)
    make_action(what="Peggy will do it", due=days(-5), owner_type=Owner.PERSON, owner_user=None)

    response = alice_client.get(ACTIONS)

    assert response.status_code == 200
    assert whats(response) == [
        "Overdue by a week",
        "Peggy will do it",
        "Overdue by a day",
        "Due tomorrow",
        "Due next month",
    ]
    assertContains(response, "My open actions</h1>", html=False)
    assert response.content.decode().count(OVERDUE_TAG) == 3


def test_each_row_links_to_the_action_and_the_person(alice_client, action, person):
    response = alice_client.get(ACTIONS)
    assertContains(response, f'href="/actions/{action.pk}/">Ring the credit union about a loan')
    assertContains(response, f'href="/people/{person.pk}/">Peggy Hughes</a>')
    assertContains(response, "Alice Worker")
    assertContains(response, action.due.strftime("%-d %b %Y"))
    assertContains(response, 'govuk-tag--light-blue">Open')


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["Still open"]),
        ("done", ["Done already"]),
        ("not_done", ["Did not happen"]),
        ("no_longer_needed", ["Not needed now"]),
        ("any", ["Still open", "Done already", "Did not happen", "Not needed now"]),
    ],
)
def test_status_filter(alice_client, make_action, status, expected):
    make_action(what="Still open", due=days(1))
    make_action(what="Done already", due=days(2), status=ActionStatus.DONE)
    make_action(
        what="Did not happen", due=days(3), status=ActionStatus.NOT_DONE, status_reason="Ill"
    )
    make_action(
        what="Not needed now",
        due=days(4),
        status=ActionStatus.NO_LONGER_NEEDED,
        status_reason="Moved",
    )
    response = alice_client.get(ACTIONS, {"status": status})
    assert sorted(whats(response)) == sorted(expected)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("overdue", ["Overdue"]),
        ("this_week", ["Due today", "Due in a week"]),
        ("later", ["Due in a fortnight"]),
        ("any", ["Overdue", "Due today", "Due in a week", "Due in a fortnight"]),
    ],
)
def test_due_filter(alice_client, make_action, due, expected):
    make_action(what="Overdue", due=days(-1))
    make_action(what="Due today", due=days(0))
    make_action(what="Due in a week", due=days(7))
    make_action(what="Due in a fortnight", due=days(14))
    response = alice_client.get(ACTIONS, {"due": due})
    assert whats(response) == expected


def test_owner_filter_shows_anyones_or_one_colleagues_actions(alice_client, make_action, bob):
    make_action(what="Mine", due=days(1))
    make_action(what="Bob's", due=days(2), owner_user=bob)
    make_action(
        what="Their daughter's",
        due=days(3),
        owner_type=Owner.SOMEONE_IN_LIFE,
        owner_user=None,
        owner_name="Sandra",
    )
    # Sandra does it; Alice agreed it, so Alice answers for it.
    assert whats(alice_client.get(ACTIONS, {"owner": "me"})) == ["Mine", "Their daughter's"]
    assert whats(alice_client.get(ACTIONS, {"owner": bob.pk})) == ["Bob's"]
    assert whats(alice_client.get(ACTIONS, {"owner": "anyone"})) == [
        "Mine",
        "Bob's",
        "Their daughter's",
    ]


def test_owner_filter_offers_colleagues_of_my_teams_only(alice_client, bob, carol, action):
    response = alice_client.get(ACTIONS)
    assertContains(response, f'<option value="{bob.pk}">Bob Manager</option>', html=True)
    assertNotContains(response, "Carol Otherteam")


def test_team_filter_narrows_to_one_of_my_teams(client, wigan, leigh):
    erin = UserFactory(full_name="Erin Both", role=Role.FRONTLINE, teams=[wigan, leigh])
    for team, what in ((wigan, "In Wigan"), (leigh, "In Leigh")):
        person = PersonFactory(team=team, created_by=erin)
        AgreedActionFactory(
            conversation=ConversationFactory(person=person, recorded_by=erin), what=what
        )
    client.force_login(erin)

    assert sorted(whats(client.get(ACTIONS))) == ["In Leigh", "In Wigan"]
    assert whats(client.get(ACTIONS, {"team": wigan.pk})) == ["In Wigan"]
    assert whats(client.get(ACTIONS, {"team": leigh.pk})) == ["In Leigh"]

    elsewhere = TeamFactory(name="Hindley")
    response = client.get(ACTIONS, {"team": elsewhere.pk})
    assert response.status_code == 200
    assertContains(response, "Select one of your teams")
    assert sorted(whats(response)) == ["In Leigh", "In Wigan"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "banana"}, "Select a status from the list"),
        ({"due": "whenever"}, "Select when it is due from the list"),
        ({"owner": "999999"}, "Select a member of staff from the list"),
        ({"owner": "<script>"}, "Select a member of staff from the list"),
    ],
)
def test_a_bad_filter_is_named_in_the_error_summary_and_the_default_used(
    alice_client, action, query, message
):
    response = alice_client.get(ACTIONS, query)
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, message)
    assert whats(response) == [action.what]


def test_another_teams_colleague_is_not_a_filter_that_works(alice_client, carol, carols_action):
    response = alice_client.get(ACTIONS, {"owner": carol.pk, "status": "any"})
    assert response.status_code == 200
    assertContains(response, "Select a member of staff from the list")
    assert carols_action.what not in whats(response)


def test_a_one_team_worker_asking_for_another_team_sees_only_their_own(
    alice_client, action, leigh, carols_action
):
    response = alice_client.get(ACTIONS, {"team": leigh.pk, "owner": "anyone"})
    assert response.status_code == 200
    assert whats(response) == [action.what]


@pytest.mark.parametrize("page", ["zzz", "0", "-1", "9999", "1.5", ""])
def test_a_bad_page_number_shows_a_page_not_an_error(alice_client, action, page):
    response = alice_client.get(ACTIONS, {"page": page})
    assert response.status_code == 200
    assert whats(response) == [action.what]


def test_list_is_paged_25_at_a_time_keeping_the_filters(alice_client, make_action):
    for n in range(30):
        make_action(what=f"Action {n:02d}", due=days(n + 1))
    first = alice_client.get(ACTIONS, {"due": "any"})
    assert len(whats(first)) == 25
    assertContains(first, "30 actions")
    assertContains(first, "?due=any&amp;page=2")
    second = alice_client.get(ACTIONS, {"due": "any", "page": 2})
    assert whats(second) == [f"Action {n:02d}" for n in range(25, 30)]


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    alice_client, make_action, bob, rows, django_assert_max_num_queries
):
    for n in range(rows):
        make_action(due=days(n - rows // 2), owner_user=bob if n % 2 else None)
    with django_assert_max_num_queries(9):
        assert alice_client.get(ACTIONS).status_code == 200
    with django_assert_max_num_queries(9):
        assert alice_client.get(ACTIONS, {"owner": "anyone", "status": "any"}).status_code == 200


# --- One action -------------------------------------------------------------------


def test_action_page_shows_the_action_where_it_came_from_and_its_trail(
    alice_client, alice, bob, make_action, conversation, person
):
    action = make_action(
        what="Go along to the Thursday knit and natter group",
        due=days(-2),
        status=ActionStatus.OPEN,
    )
    FollowUpFactory(action=action, by=alice, note="Rang the group; they meet at the library")
    FollowUpFactory(
        action=action,
        by=bob,
        kind=FollowUpKind.STATUS,
        from_status=ActionStatus.OPEN,
        to_status=ActionStatus.NOT_DONE,
        note="The group has stopped for the summer",
    )
    FollowUpFactory(
        action=action,
        by=bob,
        kind=FollowUpKind.STATUS,
        from_status=ActionStatus.NOT_DONE,
        to_status=ActionStatus.OPEN,
        note="",
    )
    FollowUpFactory(
        action=action,
        by=bob,
        kind=FollowUpKind.REASSIGNED,
        note="From Alice Worker to Bob Manager",
    )

    response = alice_client.get(f"/actions/{action.pk}/")

    assertContains(response, "Go along to the Thursday knit and natter group</h1>")
    assertContains(response, f'href="/people/{person.pk}/">Peggy Hughes</a>')
    assertContains(response, f'href="/conversations/{conversation.pk}/"')
    assertContains(response, "Alice Worker")
    assertContains(response, OVERDUE_TAG)
    content = response.content.decode()
    trail = [
        "Rang the group; they meet at the library",
        "Status changed from open to not done",
        "Why: The group has stopped for the summer",
        "Status changed from not done to open",
        "Handed on to a colleague",
        "From Alice Worker to Bob Manager",
    ]
    positions = [content.index(step) for step in trail]
    assert positions == sorted(positions)
    assertContains(response, "by Bob Manager", count=3)


def test_the_reason_of_an_action_closed_as_not_done_is_shown(alice_client, make_action):
    action = make_action(status=ActionStatus.NOT_DONE, status_reason="They moved to Bolton")
    response = alice_client.get(f"/actions/{action.pk}/")
    assertContains(response, "Not done")
    assertContains(response, "They moved to Bolton")


def test_colleagues_offered_are_the_active_staff_of_the_actions_team(
    alice_client, action, bob, carol, wigan
):
    UserFactory(full_name="Gone Away", teams=[wigan], is_active=False)
    response = alice_client.get(f"/actions/{action.pk}/")
    form = response.context["form"]
    assert list(form.fields["owner_user"].queryset) == [bob]
    assertContains(response, "No, keep it with Alice Worker")


# --- Following it up ------------------------------------------------------------------


def test_marking_an_action_done(alice_client, alice, action):
    response = alice_client.post(f"/actions/{action.pk}/", follow_up_data(action, status="done"))
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.closed_at is not None
    assert action.version == 2
    step = FollowUp.objects.get()
    assert (step.kind, step.from_status, step.to_status, step.by) == (
        FollowUpKind.STATUS,
        "open",
        "done",
        alice,
    )
    assert AuditEvent.objects.filter(action="change", object_id=str(action.pk)).exists()

    page = alice_client.get(response["Location"])
    assertContains(page, "govuk-notification-banner--success")
    assertContains(page, "Follow-up saved: it is now marked done")
    assertContains(page, "Status changed from open to done")


def test_not_done_without_why_is_refused_and_nothing_is_saved(alice_client, action):
    response = alice_client.post(
        f"/actions/{action.pk}/",
        follow_up_data(action, status="not_done", note="Tried twice"),
    )
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, 'href="#id_reason">Enter why it was not done</a>')
    assertContains(response, "Tried twice")  # what was typed is kept
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionStatus.OPEN, 1)
    assert not FollowUp.objects.exists()


def test_no_longer_needed_with_why_is_saved_with_the_reason(alice_client, action):
    response = alice_client.post(
        f"/actions/{action.pk}/",
        follow_up_data(action, status="no_longer_needed", reason="Her son sorted it"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.NO_LONGER_NEEDED
    assert action.status_reason == "Her son sorted it"
    assert FollowUp.objects.get().note == "Her son sorted it"


def test_why_with_the_same_status_is_refused_rather_than_lost(alice_client, action):
    response = alice_client.post(f"/actions/{action.pk}/", follow_up_data(action, reason="Because"))
    assert response.status_code == 200
    assertContains(response, "You wrote why but kept the same status")
    assert not FollowUp.objects.exists()


def test_a_note_on_its_own_is_added_to_the_trail(alice_client, alice, action):
    response = alice_client.post(
        f"/actions/{action.pk}/", follow_up_data(action, note="  Left a voicemail  ")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    step = FollowUp.objects.get()
    assert (step.kind, step.note, step.by) == (FollowUpKind.NOTE, "Left a voicemail", alice)


def test_a_note_longer_than_2000_characters_is_refused(alice_client, action):
    response = alice_client.post(f"/actions/{action.pk}/", follow_up_data(action, note="x" * 2001))
    assertContains(response, "Follow-up note must be 2000 characters or fewer")
    assert not FollowUp.objects.exists()


def test_nothing_changed_is_refused(alice_client, action):
    response = alice_client.post(f"/actions/{action.pk}/", follow_up_data(action))
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, "Choose a new status, write a note or choose a colleague")
    action.refresh_from_db()
    assert action.version == 1


def test_handing_an_action_to_a_colleague(alice_client, action, bob):
    response = alice_client.post(
        f"/actions/{action.pk}/", follow_up_data(action, owner_user=bob.pk)
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner_user == bob
    step = FollowUp.objects.get()
    assert step.kind == FollowUpKind.REASSIGNED
    assert step.note == "From Alice Worker to Bob Manager"
    assertContains(alice_client.get(f"/actions/{action.pk}/"), "handed on to Bob Manager")


def test_handing_on_an_action_the_person_does_makes_a_colleague_responsible(
    alice_client, make_action, bob
):
    action = make_action(owner_type=Owner.PERSON, owner_user=None)
    response = alice_client.post(
        f"/actions/{action.pk}/", follow_up_data(action, owner_user=bob.pk)
    )
    assert response.status_code == 302
    action.refresh_from_db()
    # Peggy still does it; Bob now answers for it, and sees it as his.
    assert (action.owner_type, action.owner_user, action.responsible) == (Owner.PERSON, None, bob)


def test_handing_an_action_to_someone_of_another_team_is_refused(alice_client, action, carol):
    # Carol is not offered; a crafted POST names her anyway.
    response = alice_client.post(
        f"/actions/{action.pk}/", follow_up_data(action, owner_user=carol.pk, note="Over to you")
    )
    assert response.status_code == 200
    assertContains(response, "Select a colleague from this team")
    action.refresh_from_db()
    assert action.owner_user.full_name == "Alice Worker"
    assert action.version == 1
    assert not FollowUp.objects.exists()


def test_a_stale_form_is_refused_as_a_conflict_keeping_what_was_typed(
    alice_client, alice, bob, action
):
    opened = follow_up_data(action)
    services.action_follow_up(
        actor=Actor(user=bob), action=action, expected_version=1, status="done"
    )

    response = alice_client.post(
        f"/actions/{action.pk}/", {**opened, "note": "She has the forms now", "owner_user": ""}
    )

    assert response.status_code == 200
    assertContains(response, "Someone else changed this action")
    assertContains(response, "Bob Manager saved a change to it")
    assertContains(response, "Your follow-up has not been saved")
    assertContains(response, "She has the forms now")
    # The saved state now: done, by Bob, and the form carries the new version.
    assertContains(response, "Status changed from open to done")
    form = response.context["form"]
    assert form.initial["version"] == 2
    assert form.initial["status"] == ActionStatus.DONE  # Alice did not ask for a status
    assert not FollowUp.objects.filter(by=alice).exists()
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionStatus.DONE, 2)

    # Saving again from the refreshed form works.
    again = alice_client.post(
        f"/actions/{action.pk}/",
        follow_up_data(action, note="She has the forms now"),
    )
    assert again.status_code == 302
    assert FollowUp.objects.filter(by=alice, note="She has the forms now").count() == 1


def test_a_conflict_keeps_a_new_status_the_user_chose(alice_client, bob, action):
    opened = follow_up_data(action)
    services.action_follow_up(
        actor=Actor(user=bob), action=action, expected_version=1, note="Rang her"
    )
    response = alice_client.post(
        f"/actions/{action.pk}/", {**opened, "status": "not_done", "reason": "Too ill"}
    )
    assertContains(response, "Someone else changed this action")
    form = response.context["form"]
    assert (form.initial["status"], form.initial["reason"]) == ("not_done", "Too ill")
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_sending_the_same_follow_up_twice_saves_it_once(alice_client, alice, action):
    data = follow_up_data(action, status="done", note="All sorted")
    assert alice_client.post(f"/actions/{action.pk}/", data).status_code == 302
    second = alice_client.post(f"/actions/{action.pk}/", data)
    assert second.status_code == 200
    assertContains(second, "Someone else changed this action")
    assertContains(second, "You saved a change to it")
    assert FollowUp.objects.filter(action=action).count() == 2  # status and note, once
    action.refresh_from_db()
    assert action.version == 2


def test_a_missing_or_garbled_version_is_treated_as_a_conflict(alice_client, action):
    for version in ("", "abc"):
        response = alice_client.post(
            f"/actions/{action.pk}/", follow_up_data(action, note="Hello", version=version)
        )
        assertContains(response, "Someone else changed this action")
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_action_page_query_count_does_not_grow_with_the_trail(
    alice_client, alice, bob, action, rows, django_assert_max_num_queries
):
    for n in range(rows):
        FollowUpFactory(action=action, by=bob if n % 2 else alice)
    with django_assert_max_num_queries(10):
        assert alice_client.get(f"/actions/{action.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        response = alice_client.post(f"/actions/{action.pk}/", follow_up_data(action, version=0))
    assertContains(response, "Someone else changed this action")
    with django_assert_max_num_queries(14):
        response = alice_client.post(f"/actions/{action.pk}/", follow_up_data(action, note="Hi"))
    assert response.status_code == 302


def test_following_up_leaves_the_other_fields_of_the_action_alone(alice_client, action):
    before = AgreedAction.objects.values("what", "due", "person_id", "team_id").get(pk=action.pk)
    alice_client.post(f"/actions/{action.pk}/", follow_up_data(action, status="done"))
    after = AgreedAction.objects.values("what", "due", "person_id", "team_id").get(pk=action.pk)
    assert before == after
