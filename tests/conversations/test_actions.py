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
from tests.pages import error_messages

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


def test_manager_of_the_team_can_follow_up_a_workers_action(app, bob, action):
    app.set_user(bob)
    form = open_follow_up(app, action)
    form["note"] = "Checked in"
    assert form.submit().status_code == 302
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
    response = alice_client.get(ACTIONS, {"owner": bob.pk})
    assert whats(response) == ["Bob's"]
    assertContains(
        response,
        '<p class="govuk-body" id="results-filters">Filtered by status: Open; '
        "responsible member of staff: Bob Manager.</p>",
    )
    response = alice_client.get(ACTIONS, {"owner": "anyone"})
    assert whats(response) == ["Mine", "Bob's", "Their daughter's"]
    assertContains(response, "Filtered by status: Open.</p>")


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
    with django_assert_max_num_queries(10):
        assert alice_client.get(ACTIONS).status_code == 200
    with django_assert_max_num_queries(10):
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


def open_follow_up(app, action, user=None):
    """The action page's follow-up form, as rendered for `user` (Alice)."""
    page = app.get(f"/actions/{action.pk}/", **({"user": user} if user else {}))
    return page.forms[1]


def follow_up(app, action, **fields):
    """Fill in the follow-up form as a user does, and save it."""
    form = open_follow_up(app, action)
    for name, value in fields.items():
        form[name] = value
    return form.submit()


def test_marking_an_action_done(app, alice, action):
    response = follow_up(app, action, status="done")
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

    page = response.follow()
    assert "govuk-notification-banner--success" in page.text
    assert "Follow-up saved: it is now marked done" in page.text
    assert "Status changed from open to done" in page.text


def test_not_done_without_why_is_refused_and_nothing_is_saved(app, action):
    response = follow_up(app, action, status="not_done", note="Tried twice")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_reason">Enter why it was not done</a>' in response.text
    assert "Tried twice" in response.text  # what was typed is kept
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionStatus.OPEN, 1)
    assert not FollowUp.objects.exists()


def test_no_longer_needed_with_why_is_saved_with_the_reason(app, action):
    response = follow_up(app, action, status="no_longer_needed", reason="Her son sorted it")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.NO_LONGER_NEEDED
    assert action.status_reason == "Her son sorted it"
    assert FollowUp.objects.get().note == "Her son sorted it"


def test_why_with_the_same_status_is_refused_rather_than_lost(app, action):
    response = follow_up(app, action, reason="Because")
    assert response.status_code == 200
    assert "You wrote why but kept the same status" in response.text
    assert not FollowUp.objects.exists()


def test_a_note_on_its_own_is_added_to_the_trail(app, alice, action):
    response = follow_up(app, action, note="  Left a voicemail  ")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    step = FollowUp.objects.get()
    assert (step.kind, step.note, step.by) == (FollowUpKind.NOTE, "Left a voicemail", alice)


@pytest.mark.parametrize("with_status", [False, True])
def test_back_then_save_again_adds_the_note_once(app, alice, action, with_status):
    """Back after saving fetches the page afresh (never stored), at the
    action's new version, and the browser puts the typed note back: sent
    again, it is the same save, not a second note."""
    fields = {"note": "Rang her; no answer", **({"status": "done"} if with_status else {})}
    assert follow_up(app, action, **fields).status_code == 302
    again = follow_up(app, action, **fields)
    assert again.status_code == 302
    assert "That note was saved already, so it was not added again." in again.follow().text
    assert FollowUp.objects.filter(kind=FollowUpKind.NOTE).count() == 1
    assert FollowUp.objects.count() == (2 if with_status else 1)
    # A note of its own, though, is added.
    assert follow_up(app, action, note="Rang again; she will call back").status_code == 302
    assert FollowUp.objects.filter(kind=FollowUpKind.NOTE).count() == 2


def test_the_same_note_long_after_is_a_new_note(app, alice, action):
    # Saved an hour ago (the trail is only ever added to, so it is made so).
    FollowUpFactory(
        action=action,
        kind=FollowUpKind.NOTE,
        note="Rang her; no answer",
        by=alice,
        at=timezone.now() - dt.timedelta(hours=1),
    )
    assert follow_up(app, action, note="Rang her; no answer").status_code == 302
    assert FollowUp.objects.filter(kind=FollowUpKind.NOTE).count() == 2


def test_a_note_longer_than_2000_characters_is_refused(app, action):
    response = follow_up(app, action, note="x" * 2001)
    assert "Follow-up note must be 2000 characters or fewer" in response.text
    assert not FollowUp.objects.exists()


def test_nothing_changed_is_refused(app, action):
    response = open_follow_up(app, action).submit()
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Choose a new status or due date, write a note or choose a colleague" in response.text
    action.refresh_from_db()
    assert action.version == 1


def test_handing_an_action_to_a_colleague(app, action, bob):
    response = follow_up(app, action, owner_user=str(bob.pk))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner_user == bob
    assert action.responsible == bob
    step = FollowUp.objects.get()
    assert step.kind == FollowUpKind.REASSIGNED
    assert step.note == "From Alice Worker to Bob Manager"
    assert "handed on to Bob Manager" in response.follow().text


def test_handing_on_an_action_the_person_does_makes_a_colleague_responsible(app, make_action, bob):
    action = make_action(owner_type=Owner.PERSON, owner_user=None)
    response = follow_up(app, action, owner_user=str(bob.pk))
    assert response.status_code == 302
    action.refresh_from_db()
    # Peggy still does it; Bob now answers for it, and sees it as his.
    assert (action.owner_type, action.owner_user, action.responsible) == (Owner.PERSON, None, bob)


def test_an_altered_page_handing_an_action_to_another_team_is_refused(app, action, carol):
    """Carol is not offered; an altered page names her anyway."""
    form = open_follow_up(app, action)
    form["owner_user"].force_value(str(carol.pk))
    form["note"] = "Over to you"
    response = form.submit()
    assert response.status_code == 200
    assert "Select a colleague from this team" in response.text
    action.refresh_from_db()
    assert action.owner_user.full_name == "Alice Worker"
    assert action.version == 1
    assert not FollowUp.objects.exists()


def test_a_stale_form_is_refused_as_a_conflict_keeping_what_was_typed(app, alice, bob, action):
    form = open_follow_up(app, action)  # Alice opens the page…
    services.action_follow_up(
        actor=Actor(user=bob), action=action, expected_version=1, status="done"
    )  # …Bob saves meanwhile…
    form["note"] = "She has the forms now"
    response = form.submit()  # …then Alice saves.

    assert response.status_code == 200
    assert "Someone else changed this action" in response.text
    assert "Bob Manager saved a change to it" in response.text
    assert "Your follow-up has not been saved" in response.text
    assert "She has the forms now" in response.text
    # The saved state now: done, by Bob, and the form carries the new version.
    assert "Status changed from open to done" in response.text
    again = response.forms[1]
    assert again["version"].value == "2"
    assert again["status"].value == ActionStatus.DONE  # Alice did not ask for a status
    assert not FollowUp.objects.filter(by=alice).exists()
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionStatus.DONE, 2)

    # Saving again from the refreshed form works.
    assert again.submit().status_code == 302
    assert FollowUp.objects.filter(by=alice, note="She has the forms now").count() == 1


def test_a_conflict_keeps_a_new_status_the_user_chose(app, bob, action):
    form = open_follow_up(app, action)
    services.action_follow_up(
        actor=Actor(user=bob), action=action, expected_version=1, note="Rang her"
    )
    form["status"], form["reason"] = "not_done", "Too ill"
    response = form.submit()
    assert "Someone else changed this action" in response.text
    again = response.forms[1]
    assert (again["status"].value, again["reason"].value.strip()) == ("not_done", "Too ill")
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_sending_the_same_follow_up_twice_saves_it_once(app, alice, action):
    form = open_follow_up(app, action)
    form["status"], form["note"] = "done", "All sorted"
    assert form.submit().status_code == 302
    second = form.submit()  # a double click, or the form sent again
    assert second.status_code == 200
    assert "Someone else changed this action" in second.text
    assert "You saved a change to it" in second.text
    assert FollowUp.objects.filter(action=action).count() == 2  # status and note, once
    action.refresh_from_db()
    assert action.version == 2


def test_an_altered_page_with_a_missing_or_garbled_version_is_a_conflict(alice_client, action):
    """Hand-made posts: the page always sends the version it was drawn from."""
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


def test_following_up_leaves_the_other_fields_of_the_action_alone(app, action):
    before = AgreedAction.objects.values("what", "due", "person_id", "team_id").get(pk=action.pk)
    follow_up(app, action, status="done")
    after = AgreedAction.objects.values("what", "due", "person_id", "team_id").get(pk=action.pk)
    assert before == after


# --- Moving the due date ------------------------------------------------------------


def test_the_due_date_is_changed_on_the_action_page_with_why_and_both_dates_kept(app, make_action):
    action = make_action(what="Ring the credit union", due=days(3))
    page = app.get(f"/actions/{action.pk}/")
    form = page.forms[1]
    assert form["due_0"].value == str(days(3).day)
    new = days(10)
    form["due_0"], form["due_1"], form["due_2"] = str(new.day), str(new.month), str(new.year)
    refused = form.submit()
    assert refused.status_code == 200
    assert "Enter why the due date has changed" in refused.text
    form = refused.forms[1]
    form["due_reason"] = "The credit union is shut until next week"
    done = form.submit().follow()
    assert f"it is now due by {new:%-d %B %Y}" in done.text
    action.refresh_from_db()
    assert action.due == new
    step = FollowUp.objects.get(action=action)
    assert (step.kind, step.from_due, step.to_due) == (FollowUpKind.DUE, days(3), new)
    assert step.note == "The credit union is shut until next week"
    assert f"Due date changed from {days(3):%-d %B %Y} to {new:%-d %B %Y}" in done.text
    assert "Why the due date has changed" in done.text


def test_a_due_date_more_than_5_years_ahead_is_refused(app, make_action):
    action = make_action(due=days(3))
    form = app.get(f"/actions/{action.pk}/").forms[1]
    form["due_0"], form["due_1"], form["due_2"] = "31", "12", "9999"
    form["due_reason"] = "Moved"
    response = form.submit()
    assert response.status_code == 200
    assert error_messages(response) == ["The due date must be within 5 years"]
    action.refresh_from_db()
    assert action.due == days(3)


def test_a_due_date_before_the_conversation_is_refused(app, make_action, conversation):
    action = make_action(due=days(3))
    page = app.get(f"/actions/{action.pk}/")
    form = page.forms[1]
    early = timezone.localtime(conversation.happened_at).date() - dt.timedelta(days=5)
    form["due_0"], form["due_1"], form["due_2"] = str(early.day), str(early.month), str(early.year)
    form["due_reason"] = "Typo"
    response = form.submit()
    assert "The due date must be on or after the conversation" in response.text
    action.refresh_from_db()
    assert action.due == days(3)


# --- Where you came from ------------------------------------------------------------


def test_the_back_link_goes_where_you_came_from_and_survives_saving(app, make_action, person):
    action = make_action()
    page = app.get(
        f"/actions/{action.pk}/", headers={"Referer": f"http://testserver/people/{person.pk}/"}
    )
    back = page.html.select_one("a.govuk-back-link")
    assert (back["href"], back.text) == (f"/people/{person.pk}/", "Back to Peggy Hughes")
    form = page.forms[1]
    form["note"] = "Rang them"
    saved = form.submit().follow()
    back = saved.html.select_one("a.govuk-back-link")
    assert (back["href"], back.text) == (f"/people/{person.pk}/", "Back to Peggy Hughes")


@pytest.mark.parametrize(
    "hostile",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example"],
)
def test_a_back_address_to_another_site_is_never_offered(app, make_action, hostile):
    action = make_action()
    page = app.get(f"/actions/{action.pk}/", params={"back": hostile})
    back = page.html.select_one("a.govuk-back-link")
    assert (back["href"], back.text) == ("/actions/", "Back to actions")
    page = app.get(f"/actions/{action.pk}/", headers={"Referer": hostile})
    assert page.html.select_one("a.govuk-back-link")["href"] == "/actions/"


def test_a_draft_action_is_not_said_to_be_agreed_yet(app, alice, person):
    draft = ConversationFactory(person=person, recorded_by=alice, status="draft", completed_at=None)
    action = AgreedActionFactory(conversation=draft, status=ActionStatus.DRAFT)
    page = app.get(action.get_absolute_url())
    assert "It was agreed on" not in page.text
    assert "Nothing yet. It will be agreed when the conversation is complete." in page.text
