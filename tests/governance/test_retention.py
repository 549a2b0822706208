"""Retention: closing a record says why and when; `manage.py apply_retention`
anonymises people closed more than RETENTION_YEARS ago (a dry run unless
--apply), keeping what reports count and nothing that identifies anyone."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conversations.models import AgreedAction, Conversation, FollowUp
from deal.audit import Actor, audit_record
from deal.models import AuditAction, AuditEvent
from people import services as people_services
from people.models import BreakGlass, Person, PersonInLife, ProfileEntry, WhatMatters
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
)

# The command connects as the owner role when MIGRATION_DATABASE_URL is set,
# which needs the test's data committed.
pytestmark = pytest.mark.django_db(transaction=True)


# --- Closing a record ---------------------------------------------------------------


def edit_form(app, person):
    return app.get(f"/people/{person.pk}/edit/").forms["person-form"]


def test_closing_a_record_needs_why_and_keeps_when(alice_app, person):
    form = edit_form(alice_app, person)
    form["status"] = "closed"
    page = form.submit()
    assert page.status_code == 200
    assert "Enter why you are closing the record" in page.text
    form = page.forms["person-form"]
    form["closed_reason"] = "Moved to Scotland"
    assert form.submit().status_code == 302
    person.refresh_from_db()
    assert person.status == "closed" and person.closed_reason == "Moved to Scotland"
    assert timezone.now() - person.closed_at < dt.timedelta(minutes=1)
    profile = alice_app.get(f"/people/{person.pk}/")
    assert "Moved to Scotland" in profile.text
    change = AuditEvent.objects.filter(action="change", object_type="people.person").last()
    assert change.changes["status"] == ["open", "closed"]


def test_reopening_clears_when_and_why(alice_app, person):
    Person.objects.filter(pk=person.pk).update(
        status="closed", closed_reason="By mistake", closed_at=timezone.now()
    )
    form = edit_form(alice_app, person)
    form["status"] = "open"
    assert form.submit().status_code == 302
    person.refresh_from_db()
    assert (person.status, person.closed_reason, person.closed_at) == ("open", "", None)


# --- apply_retention ------------------------------------------------------------------


def years_ago(years, days=0):
    return timezone.now() - dt.timedelta(days=365 * years + 2 + days)


@pytest.fixture
def closed_long_ago(alice, wigan, bob):
    """A person whose record was closed seven years ago, with something in
    every part of it."""
    person = PersonFactory(
        given_name="Edith",
        family_name="Crompton",
        nhs_number="9434765919",
        town="Tyldesley",
        phone="07700 900123",
        team=wigan,
        created_by=alice,
    )
    person.town = "Astley"
    person.save()  # a history row with her details
    WhatMatters.objects.create(person=person, text="My garden", recorded_by=alice)
    ProfileEntryFactory(person=person, kind="strength", text="Knits for the church")
    PersonInLifeFactory(person=person, name="Harold Crompton", contact="07700 900456")
    conversation = ConversationFactory(
        person=person, recorded_by=alice, notes="Edith's hip is bad", what_matters="My garden"
    )
    action = AgreedActionFactory(conversation=conversation, what="Ask Harold to visit")
    FollowUp.objects.create(action=action, kind="note", note="Harold visited", by=alice)
    audit_record(
        actor=Actor(user=alice),
        action=AuditAction.CHANGE,
        obj=person,
        changes={"town": ["Tyldesley", "Astley"]},
    )
    # Restricted, and opened once with a reason that names her.
    people_services.person_restrict(
        actor=Actor(user=bob), person=person, named=[alice], reason="Harold works in the team"
    )
    people_services.break_glass_open(
        actor=Actor(user=bob), person=person, reason="Edith rang the duty line about Harold"
    )
    Person.objects.filter(pk=person.pk).update(
        status="closed", closed_reason="Edith died", closed_at=years_ago(7)
    )
    return person


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_who_and_changes_nothing(closed_long_ago):
    out = run()
    assert f"Would anonymise person {closed_long_ago.pk} (Wigan Central)" in out
    assert "Dry run: 1 person" in out
    assert "Edith" not in out
    closed_long_ago.refresh_from_db()
    assert closed_long_ago.given_name == "Edith" and closed_long_ago.anonymised_at is None
    assert not AuditEvent.objects.filter(action="anonymise").exists()


def test_apply_removes_everything_that_identifies_them_and_keeps_the_counts(closed_long_ago):
    pk = closed_long_ago.pk
    out = run("--apply")
    assert f"Anonymised person {pk}" in out
    person = Person.objects.get(pk=pk)
    assert person.anonymised_at is not None
    assert (person.nhs_number, person.town, person.phone, person.date_of_birth) == (
        "",
        "",
        "",
        None,
    )
    assert person.closed_reason == ""
    # What reports count is still there.
    assert Conversation.objects.filter(person_id=pk).count() == 1
    assert AgreedAction.objects.filter(person_id=pk).count() == 1
    assert ProfileEntry.objects.filter(person_id=pk, kind="strength").count() == 1
    assert PersonInLife.objects.filter(person_id=pk).count() == 1
    # Nothing that identifies anyone, anywhere: records, histories, trails, the log.
    held = " ".join(
        [
            str(list(Person.objects.filter(pk=pk).values())),
            str(list(Person.history.filter(id=pk).values())),
            str(list(WhatMatters.objects.filter(person_id=pk).values())),
            str(list(ProfileEntry.history.filter(person_id=pk).values())),
            str(list(PersonInLife.history.filter(person_id=pk).values())),
            str(list(PersonInLife.objects.filter(person_id=pk).values())),
            str(list(Conversation.objects.filter(person_id=pk).values())),
            str(list(Conversation.history.filter(person_id=pk).values())),
            str(list(AgreedAction.objects.filter(person_id=pk).values())),
            str(list(AgreedAction.history.filter(person_id=pk).values())),
            str(list(FollowUp.objects.filter(action__person_id=pk).values())),
            str(list(AuditEvent.objects.filter(about_person=pk).values())),
            str(list(BreakGlass.objects.filter(person_id=pk).values())),
        ]
    )
    for word in (
        "Edith",
        "Crompton",
        "9434765919",
        "Tyldesley",
        "Astley",
        "07700",
        "garden",
        "Knits",
        "Harold",
        "hip is bad",
        "died",
    ):
        assert word not in held, word
    anonymised = AuditEvent.objects.get(action="anonymise", about_person=pk)
    assert "more than 6 years ago" in anonymised.detail


def test_apply_twice_does_nothing_the_second_time(closed_long_ago):
    run("--apply")
    assert "0 people" in run("--apply")
    assert AuditEvent.objects.filter(action="anonymise", about_person__isnull=False).count() == 1


def test_open_records_and_recent_closures_are_kept(alice, wigan, settings):
    open_person = PersonFactory(team=wigan, created_by=alice, given_name="Oona")
    recent = PersonFactory(team=wigan, created_by=alice, given_name="Rita")
    Person.objects.filter(pk=recent.pk).update(status="closed", closed_at=years_ago(5))
    Person.objects.filter(pk=open_person.pk).update(closed_at=years_ago(9))
    assert "0 people" in run("--apply")
    settings.RETENTION_YEARS = 4
    assert f"Anonymised person {recent.pk}" in run("--apply")
    assert Person.objects.get(pk=open_person.pk).given_name == "Oona"


def test_what_was_searched_for_is_removed_after_the_retention_period(alice):
    old = AuditEvent.objects.create(
        user=alice,
        action="search",
        detail="Searched for edith crompton",
        path="/people/?q=edith+crompton",
        at=years_ago(7),
    )
    recent = audit_record(
        actor=Actor(user=alice, path="/people/?q=rita"), action=AuditAction.SEARCH, detail="Rita"
    )
    run("--apply")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.detail, old.path) == ("Searched (words removed)", "/people/")
    assert recent.detail == "Rita"
    assert AuditEvent.objects.filter(action="anonymise", detail__contains="1 older").exists()
