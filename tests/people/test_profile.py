"""A person's profile and its parts: /people/<id>/..."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deal.models import AuditEvent
from people.models import Person, PersonInLife, ProfileEntry, WhatMatters
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    RiskDecisionFactory,
    UserFactory,
    WhatMattersFactory,
)
from tests.pages import assert_error_summary_links_resolve


def person_urls(person):
    entry = ProfileEntryFactory(person=person)
    connection = PersonInLifeFactory(person=person)
    return [
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        f"/people/{person.pk}/what-matters/",
        f"/people/{person.pk}/strengths/new/",
        f"/people/{person.pk}/people-in-their-life/new/",
        f"/people/{person.pk}/people-in-their-life/{connection.pk}/",
    ], [
        f"/people/{person.pk}/entries/{entry.pk}/archive/",
        f"/people/{person.pk}/entries/{entry.pk}/restore/",
        f"/people/{person.pk}/people-in-their-life/{connection.pk}/archive/",
    ]


def test_anonymous_user_is_sent_to_sign_in_from_every_person_page(client, person):
    pages, actions = person_urls(person)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    for url in actions:
        assert client.post(url).status_code == 302, url


def test_worker_of_another_team_gets_404_and_the_attempt_is_audited(carol_client, carol, person):
    pages, actions = person_urls(person)
    for url in pages:
        assert carol_client.get(url).status_code == 404, url
    for url in actions:
        assert carol_client.post(url).status_code == 404, url
    denied = AuditEvent.objects.filter(action="denied", user=carol, object_id=str(person.pk))
    assert denied.count() == len(pages) + len(actions)
    assert not AuditEvent.objects.filter(action="view", user=carol).exists()
    assert not ProfileEntry.objects.filter(archived_at__isnull=False).exists()


def test_missing_person_is_the_same_404(alice_client, db):
    assert alice_client.get("/people/999999/").status_code == 404


def test_admin_without_a_team_cannot_open_a_record(client, dave, person):
    client.force_login(dave)
    assert client.get(f"/people/{person.pk}/").status_code == 403


def test_manager_of_the_team_can_open_the_record(client, bob, person):
    client.force_login(bob)
    assert client.get(f"/people/{person.pk}/").status_code == 200


def test_profile_shows_what_matters_strengths_interests_needs_and_people(
    alice_client, alice, person
):
    WhatMattersFactory(person=person, text="Old words", recorded_by=alice)
    WhatMattersFactory(person=person, text="Seeing my grandchildren", recorded_by=alice)
    ProfileEntryFactory(person=person, kind="strength", text="Great cook")
    ProfileEntryFactory(person=person, kind="interest", text="Rugby league")
    ProfileEntryFactory(person=person, kind="need", text="Help with bills")
    archived = ProfileEntryFactory(person=person, kind="need", text="Old need")
    archived.archived_at = archived.recorded_at
    archived.save()
    PersonInLifeFactory(person=person, name="Susan Hughes", relationship="daughter")
    response = alice_client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Peggy Hughes",
        "Seeing my grandchildren",
        "1 earlier version kept",
        "Great cook",
        "Rugby league",
        "Help with bills",
        "Susan Hughes",
        "daughter",
        "Archived needs (1)",
    ]:
        assert text in html, text
    assert html.index("Seeing my grandchildren") < html.index("Great cook")
    assert "Old words" not in html


def test_every_view_of_a_record_is_audited_with_who_and_where(alice_client, alice, person):
    alice_client.get(f"/people/{person.pk}/", REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.get(action="view")
    assert (event.user, event.object_type, event.object_id) == (
        alice,
        "people.person",
        str(person.pk),
    )
    assert event.ip_address == "192.0.2.7"
    assert event.path == f"/people/{person.pk}/"


def test_audit_address_behind_a_trusted_proxy(alice_client, person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    alice_client.get(
        f"/people/{person.pk}/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.8"
    )
    assert AuditEvent.objects.get(action="view").ip_address == "192.0.2.8"


def test_people_in_their_life_beside_their_entries(alice_client, alice, person):
    """Entries and people in their life are read in one query: each list
    gets its own, oldest first, and someone archived is not shown."""
    older = timezone.now() - dt.timedelta(days=3)
    PersonInLifeFactory(
        person=person,
        recorded_by=alice,
        name="Susan Lee",
        relationship="daughter",
        how_they_help="Does the shopping",
        contact="07700 900123",
        recorded_at=older,
    )
    PersonInLifeFactory(
        person=person, recorded_by=alice, name="Arthur Moved", archived_at=timezone.now()
    )
    PersonInLifeFactory(person=person, recorded_by=alice, name="Nadia Next Door")
    ProfileEntryFactory(person=person, recorded_by=alice, kind="strength", text="Susan's mum")
    html = alice_client.get(f"/people/{person.pk}/").content.decode()
    for text in ["Susan Lee", "daughter", "Does the shopping", "07700 900123", "Nadia Next Door"]:
        assert text in html, text
    assert "Arthur Moved" not in html
    assert html.index("Susan Lee") < html.index("Nadia Next Door")
    susan = PersonInLife.objects.get(name="Susan Lee")
    assert f"/people/{person.pk}/people-in-their-life/{susan.pk}/" in html
    assert "Susan&#x27;s mum" in html


@pytest.mark.parametrize("rows", [5, 50])
def test_profile_query_count_does_not_grow_with_rows(
    alice_client, alice, person, rows, django_assert_max_num_queries
):
    WhatMattersFactory.create_batch(rows, person=person, recorded_by=alice)
    for kind in ("strength", "interest", "need"):
        ProfileEntryFactory.create_batch(rows, person=person, kind=kind, recorded_by=alice)
    PersonInLifeFactory.create_batch(rows, person=person, recorded_by=alice)
    RiskDecisionFactory.create_batch(rows, person=person, proposed_by=alice)
    conversation = ConversationFactory(person=person, recorded_by=alice)
    AgreedActionFactory.create_batch(rows, conversation=conversation, owner_user=alice)
    # The profile also reads open actions, wellbeing answers, positive-risk
    # decisions and the size of the timeline; its events are counted in
    # tests/conversations/test_timeline.py.
    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    # The session, the user (with their teams on PostgreSQL, apart on
    # SQLite), the person and the audit of the view; what matters, open
    # actions, decisions, wellbeing answers, the entries and the people in
    # their life (one query), services linked, the timeline; the session's
    # idle clock renewed (a savepoint, an update, its release).
    expected = 14 if connection.vendor == "postgresql" else 15
    assert len(queries) == expected, [q["sql"][:60] for q in queries]
    with django_assert_max_num_queries(12):
        assert alice_client.get(f"/people/{person.pk}/what-matters/").status_code == 200
    with django_assert_max_num_queries(12):
        assert alice_client.get(f"/people/{person.pk}/edit/").status_code == 200


def test_what_matters_keeps_every_version(alice_app, alice, person):
    url = f"/people/{person.pk}/what-matters/"
    for text in ["My garden", "My garden and my dog", "My garden and my dog"]:
        form = alice_app.get(url).forms["what-matters-form"]
        form["text"] = text  # the same again the last time: no new version
        assert form.submit().status_code == 302
    assert list(WhatMatters.objects.values_list("text", flat=True)) == [
        "My garden and my dog",
        "My garden",
    ]
    page = alice_app.get(url)
    assert "Earlier versions" in page
    assert [v.get_text() for v in page.html.select(".govuk-inset-text")] == ["My garden"]


def archive_form(page, action: str):
    return next(form for form in page.forms.values() if form.action == action)


def test_entries_are_archived_and_restored_never_deleted(alice_app, alice, client, person):
    form = alice_app.get(f"/people/{person.pk}/interests/new/").forms["entry-form"]
    form["text"] = "Fishing"
    profile = form.submit().follow()
    entry = ProfileEntry.objects.get()
    assert (entry.kind, entry.text, entry.recorded_by) == ("interest", "Fishing", alice)
    client.force_login(alice)
    assert client.get(f"/people/{person.pk}/entries/{entry.pk}/archive/").status_code == 405
    profile = archive_form(profile, f"/people/{person.pk}/entries/{entry.pk}/archive/").submit()
    entry.refresh_from_db()
    assert entry.is_archived and entry.archived_by == alice
    profile = profile.follow()
    archive_form(profile, f"/people/{person.pk}/entries/{entry.pk}/restore/").submit()
    entry.refresh_from_db()
    assert not entry.is_archived
    assert ProfileEntry.objects.count() == 1


def test_an_unknown_kind_of_entry_is_404(alice_client, person):
    assert alice_client.get(f"/people/{person.pk}/wishs/new/").status_code == 404


def test_altered_address_cannot_archive_an_entry_of_another_person(alice_client, alice, person):
    other = PersonFactory(team=person.team, created_by=alice)
    entry = ProfileEntryFactory(person=other)
    assert alice_client.post(f"/people/{person.pk}/entries/{entry.pk}/archive/").status_code == 404


def test_people_in_their_life_are_added_changed_and_taken_off(alice_app, person):
    base = f"/people/{person.pk}/people-in-their-life/"
    page = alice_app.get(base + "new/").follow()
    form = page.forms["person-in-life-form"]
    form["name"] = "Susan"
    form["relationship"] = "daughter"
    form.submit()
    connection = PersonInLife.objects.get()
    # Back to the form (the browser asks for it again): she is already
    # added, and the form sent again adds nobody.
    back = alice_app.get(page.request.path)
    assert back.status_code == 302
    assert "They have already been added" in back.follow()
    form.submit()
    assert PersonInLife.objects.count() == 1
    form = alice_app.get(f"{base}{connection.pk}/").forms["person-in-life-form"]
    assert form["name"].value == "Susan"
    form["how_they_help"] = "Does the shopping"
    form.submit()
    connection.refresh_from_db()
    assert connection.how_they_help == "Does the shopping"
    assert connection.history.count() == 2
    assert "Susan<br>" in alice_app.get(f"/people/{person.pk}/").text
    alice_app.get(f"{base}{connection.pk}/").forms["take-off-form"].submit()
    connection.refresh_from_db()
    assert connection.archived_at is not None
    assert "Susan<br>" not in alice_app.get(f"/people/{person.pk}/").text


def edit_form(app, person):
    return app.get(f"/people/{person.pk}/edit/").forms["person-form"]


def test_changing_details_keeps_history_and_audits_what_changed(alice_app, alice, person):
    form = edit_form(alice_app, person)
    form["status"] = "closed"
    form["closed_reason"] = "Moved to Scotland"
    form["given_name"] = "Maggie"
    assert form.submit().status_code == 302
    person.refresh_from_db()
    assert (person.given_name, person.status) == ("Maggie", "closed")
    assert person.history.count() == 2
    assert person.history.first().history_user == alice
    change = AuditEvent.objects.get(action="change")
    assert "given_name" in change.detail and "status" in change.detail


def test_altered_page_cannot_move_a_person_to_a_team_i_am_not_in(alice_app, person, leigh):
    form = edit_form(alice_app, person)
    form["team"].force_value(str(leigh.pk))
    page = form.submit()
    assert page.status_code == 200
    assert_error_summary_links_resolve(page)
    person.refresh_from_db()
    assert person.team.name == "Wigan Central"
    assert Person.objects.count() == 1


def test_moving_a_person_moves_their_actions_to_the_new_team(
    django_app, client, alice, carol, wigan, leigh, person
):
    from conversations.models import AgreedAction
    from deal.factories import join_team
    from tests.factories import AgreedActionFactory, ConversationFactory

    join_team(alice, leigh)
    action = AgreedActionFactory(conversation=ConversationFactory(person=person, recorded_by=alice))
    django_app.set_user(alice)
    form = edit_form(django_app, person)
    form["team"] = str(leigh.pk)
    assert form.submit().status_code == 302
    assert AgreedAction.objects.get().team == leigh
    # Its trail says so, as handing it on would; still Alice's, who is in Leigh.
    trail = django_app.get(f"/actions/{action.pk}/").html.select_one(".moj-timeline")
    text = trail.get_text(" ", strip=True)
    assert "Moved to another team with the person’s record" in text
    assert "From Wigan Central to Leigh, with the person’s record" in text
    assert "who asked for the record" not in text
    client.force_login(carol)
    assert client.get(f"/actions/{action.pk}/").status_code == 200
    wigan_only = UserFactory(teams=[wigan])
    client.force_login(wigan_only)
    assert client.get(f"/actions/{action.pk}/").status_code == 404


def test_two_people_changing_details_the_later_save_is_refused(app_for, alice, bob, person):
    alices = edit_form(app_for(alice), person)
    bobs = edit_form(app_for(bob), person)
    bobs["phone"] = "07700 900123"
    assert bobs.submit().status_code == 302
    alices["pronouns"] = "she/her"
    page = alices.submit()
    assert page.status_code == 200
    assert "Someone else saved changes to their details" in page
    assert_error_summary_links_resolve(page)
    person.refresh_from_db()
    assert person.phone == "07700 900123"
    assert person.pronouns == ""
    # Saving again, knowing that, goes through; what Alice typed was kept.
    form = page.forms["person-form"]
    assert form["pronouns"].value == "she/her"
    assert form.submit().status_code == 302
    person.refresh_from_db()
    assert person.pronouns == "she/her"


def test_a_named_worker_who_left_is_kept_when_other_details_change(alice_app, wigan, person):
    leaver = UserFactory(teams=[wigan])
    person.named_worker = leaver
    person.save()
    leaver.is_active = False
    leaver.save()
    form = edit_form(alice_app, person)
    assert form["named_worker"].value == str(leaver.pk)
    form["town"] = "Wigan"
    assert form.submit().status_code == 302
    person.refresh_from_db()
    assert person.named_worker == leaver


def test_open_actions_on_the_profile_say_who_will_do_them(alice_client, alice, person):
    """The profile's open actions read only the columns the list shows: each
    still names who will do it, its due date and whether it is overdue."""
    conversation = ConversationFactory(person=person, recorded_by=alice)
    today = timezone.localdate()
    AgreedActionFactory(
        conversation=conversation, what="Ring the housing office", due=today - dt.timedelta(days=2)
    )
    AgreedActionFactory(
        conversation=conversation,
        what="Go to the lunch club",
        owner_type="person",
        owner_user=None,
        due=today + dt.timedelta(days=5),
    )
    AgreedActionFactory(
        conversation=conversation,
        what="Drive her to the club",
        owner_type="someone_in_life",
        owner_user=None,
        owner_name="Tom (grandson)",
        due=today + dt.timedelta(days=9),
    )
    html = alice_client.get(f"/people/{person.pk}/").content.decode()
    section = html[html.index('id="open-actions-heading"') :]
    section = section[: section.index("</section>")]
    assert "Open actions (3)" in section
    assert str(alice) in section
    assert f"{person.display_name} (themself)" in section
    assert "Tom (grandson, in their life)" in section
    # Overdue first, with its tag.
    assert section.index("Ring the housing office") < section.index("Go to the lunch club")
    assert section.count("Overdue") == 1


def test_someone_taken_off_their_list_cannot_be_changed_out_of_sight(alice_app, alice, person):
    """A change page opened before a colleague took them off the list saves
    nothing where no one would see it: it says they were taken off."""
    connection = PersonInLifeFactory(person=person, recorded_by=alice, name="Susan Lee")
    url = f"/people/{person.pk}/people-in-their-life/{connection.pk}/"
    form = alice_app.get(url).forms["person-in-life-form"]
    PersonInLife.objects.filter(pk=connection.pk).update(archived_at=timezone.now())
    form["how_they_help"] = "Does the shopping"
    response = form.submit().follow()
    assert "Susan Lee was taken off their list: there is nothing to change" in response.text
    connection.refresh_from_db()
    assert connection.how_they_help != "Does the shopping"
    assert alice_app.get(url).status_code == 302
