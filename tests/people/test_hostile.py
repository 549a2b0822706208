"""Careless and hostile input on the people pages, each fault as it was seen:
a date part too big for Python's date, a form sent twice or eight times at
once, a stale save with its version left out, and a key copied from another
form. Filled in through the pages as rendered (django-webtest); a value no
page offers is sent only by a test named for an altered page."""

import threading

import pytest
from django.db import connection
from django.test import Client

from deal.models import AuditEvent
from people import services as people_services
from people.models import Person, PersonInLife, ProfileEntry
from tests.factories import PersonFactory
from tests.pages import assert_error_summary_links_resolve, error_messages
from tests.people.test_add import PEGGY, fill

ADD = "/people/new/"
HUGE_NUMBER = "3000000000"

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="eight requests at once need a database that takes them at once (PostgreSQL, as in CI)",
)


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(team=wigan, created_by=alice)


# A day or month of 3000000000 -------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        {"date_of_birth_0": HUGE_NUMBER},
        {"date_of_birth_1": HUGE_NUMBER},
        {"date_of_birth_0": HUGE_NUMBER, "date_of_birth_1": HUGE_NUMBER},
        {"date_of_birth_0": "9" * 40},
    ],
)
def test_a_date_part_too_big_for_a_date_is_an_error_not_a_500(alice_app, parts):
    page = fill(alice_app.get(ADD).follow().forms["person-form"], **parts).submit()
    assert page.status_code == 200
    assert error_messages(page) == ["Date of birth must be a real date"]
    assert_error_summary_links_resolve(page)
    assert page.forms["person-form"]["given_name"].value == "Margaret"
    assert not Person.objects.exists()


def test_a_huge_date_on_the_change_form_is_an_error(alice_app, person):
    form = alice_app.get(f"/people/{person.pk}/edit/").forms["person-form"]
    form["date_of_birth_0"] = "1"
    form["date_of_birth_1"] = HUGE_NUMBER
    form["date_of_birth_2"] = "1950"
    page = form.submit()
    assert page.status_code == 200
    assert "Date of birth must be a real date" in error_messages(page)


# Adding twice: Back then resend ------------------------------------------------


def test_adding_a_person_twice_by_back_and_resend_adds_one(alice_app):
    form = fill(alice_app.get(ADD).follow().forms["person-form"])
    first = form.submit()
    person = Person.objects.get()
    assert first.location.endswith(person.get_absolute_url())
    # Back, then send the same page again.
    again = form.submit()
    assert again.status_code == 302
    assert again.location.endswith(person.get_absolute_url())
    assert "This person has already been added" in again.follow()
    assert Person.objects.count() == 1


def test_adding_a_person_from_a_page_opened_afresh_still_warns_of_the_duplicate(alice_app):
    fill(alice_app.get(ADD).follow().forms["person-form"]).submit()
    page = fill(alice_app.get(ADD).follow().forms["person-form"]).submit()
    assert page.status_code == 200
    assert "This person may already be recorded" in page.text
    assert Person.objects.count() == 1


@pytest.mark.parametrize("kind", ["strength", "interest", "need"])
def test_an_entry_archived_then_sent_again_by_back_is_not_added_again(alice_app, person, kind):
    """The check of the words alone would add it again (the entry is archived
    by then): the key knows this page was saved."""
    form = alice_app.get(f"/people/{person.pk}/{kind}s/new/").forms["entry-form"]
    form["text"] = "Singing"
    form.submit()
    entry = ProfileEntry.objects.get()
    entry.archived_at = entry.recorded_at
    entry.save()
    again = form.submit()
    assert again.status_code == 302
    assert "already recorded" in again.follow()
    assert ProfileEntry.objects.count() == 1


def test_someone_in_their_life_sent_twice_is_added_once(alice_app, person):
    form = (
        alice_app.get(f"/people/{person.pk}/people-in-their-life/new/")
        .follow()
        .forms["person-in-life-form"]
    )
    form["name"] = "Susan"
    form["relationship"] = "Daughter"
    form.submit()
    again = form.submit()
    assert again.status_code == 302
    assert "They have already been added" in again.follow()
    assert PersonInLife.objects.count() == 1


def test_a_key_from_another_persons_page_saves_what_was_typed_here(alice_app, alice, wigan, person):
    """A key copied from another person's form (an altered page, a page kept
    in a shared browser): it never leads there, and what was typed is saved."""
    other = PersonFactory(team=wigan, created_by=alice)
    there = (
        alice_app.get(f"/people/{other.pk}/people-in-their-life/new/")
        .follow()
        .forms["person-in-life-form"]
    )
    there["name"] = "Tom"
    there["relationship"] = "Grandson"
    there.submit()
    here = (
        alice_app.get(f"/people/{person.pk}/people-in-their-life/new/")
        .follow()
        .forms["person-in-life-form"]
    )
    here["submission_key"].force_value(there["submission_key"].value)
    here["name"] = "Susan"
    here["relationship"] = "Daughter"
    saved = here.submit()
    assert saved.location.endswith(f"{person.get_absolute_url()}#people-in-their-life")
    assert PersonInLife.objects.get(person=person).name == "Susan"


def test_a_colleagues_key_is_not_theirs(app_for, alice, bob, person):
    """The same page sent by two members of staff (a key in a shared copy)
    is two sendings: each saves."""
    alice_app, bob_app = app_for(alice), app_for(bob)
    form = alice_app.get(f"/people/{person.pk}/needs/new/").forms["entry-form"]
    form["text"] = "A lift to the shops"
    form.submit()
    bobs = bob_app.get(f"/people/{person.pk}/needs/new/").forms["entry-form"]
    bobs["submission_key"].force_value(form["submission_key"].value)
    bobs["text"] = "Help with forms"
    bobs.submit()
    assert sorted(ProfileEntry.objects.values_list("text", flat=True)) == [
        "A lift to the shops",
        "Help with forms",
    ]
    assert AuditEvent.objects.filter(detail__startswith="Added need").count() == 2


def test_an_altered_page_with_no_key_still_saves_once(alice_app, person):
    form = alice_app.get(f"/people/{person.pk}/strengths/new/").forms["entry-form"]
    form["submission_key"].force_value("not a key")
    form["text"] = "Cooking"
    assert form.submit().status_code == 302
    assert ProfileEntry.objects.count() == 1


# Eight at once ---------------------------------------------------------------


def _eight_at_once(user, path: str, data: dict) -> list[int]:
    """Send the same form eight times at the same moment, as eight quick
    clicks through a slow connection do."""
    start = threading.Barrier(8)
    statuses: list[int] = []

    def send() -> None:
        client = Client()
        client.force_login(user)
        start.wait()
        statuses.append(client.post(path, data).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _form_data(form) -> dict:
    return {name: value for name, value in form.submit_fields() if name}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_add_person_sendings_at_once_add_one_person(django_app_factory, alice):
    app = django_app_factory(csrf_checks=False)
    app.set_user(alice)
    data = _form_data(fill(app.get(ADD).follow().forms["person-form"]))
    assert _eight_at_once(alice, ADD, data) == [302] * 8
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="people.person").count() == 1


def test_a_second_click_that_raced_the_first_goes_to_the_person_not_a_duplicate_warning(
    alice_app, monkeypatch
):
    """Seen in CI: of eight clicks, one was checked for its key just before the
    first committed, then met the duplicate check just after, and was shown
    "may already exist" about the person it had itself added."""
    form = fill(alice_app.get(ADD).follow().forms["person-form"])
    form.submit()
    person = Person.objects.get()
    real = people_services.already_submitted
    seen = []

    def checked_just_before_the_first_committed(key):
        seen.append(key)
        return None if len(seen) == 1 else real(key)

    monkeypatch.setattr(
        people_services, "already_submitted", checked_just_before_the_first_committed
    )
    page = form.submit().follow()
    assert page.request.path == person.get_absolute_url()
    assert "This person has already been added" in page.text
    assert Person.objects.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "form_id", "fields", "model"),
    [
        ("strengths/new/", "entry-form", {"text": "Gardening"}, ProfileEntry),
        (
            "people-in-their-life/new/",
            "person-in-life-form",
            {"name": "Susan", "relationship": "Daughter"},
            PersonInLife,
        ),
    ],
)
def test_eight_sendings_at_once_add_one(
    django_app_factory, alice, wigan, path, form_id, fields, model
):
    person = PersonFactory(team=wigan, created_by=alice)
    app = django_app_factory(csrf_checks=False)
    app.set_user(alice)
    url = f"/people/{person.pk}/{path}"
    page = app.get(url)
    # Adding someone in their life opens at an address holding the form's key.
    form = (page.follow() if page.status_code == 302 else page).forms[form_id]
    for name, value in fields.items():
        form[name] = value
    assert _eight_at_once(alice, url, _form_data(form)) == [302] * 8
    assert model.objects.count() == 1


# A stale save with the version left out ----------------------------------------


def test_a_change_with_last_saved_left_out_is_a_conflict_not_a_save(app_for, alice, bob, person):
    """Altered page: the hidden field that says which save the form was drawn
    from is taken out, after someone else has saved."""
    alices = app_for(alice).get(f"/people/{person.pk}/edit/").forms["person-form"]
    bobs = app_for(bob).get(f"/people/{person.pk}/edit/").forms["person-form"]
    bobs["town"] = "Wigan"
    bobs.submit()
    alices["town"] = "Leigh"
    alices["last_saved"].force_value("")
    page = alices.submit()
    assert page.status_code == 200
    assert "Someone else saved changes to their details" in page.text
    assert page.forms["person-form"]["town"].value == "Leigh"
    person.refresh_from_db()
    assert person.town == "Wigan"


def test_a_change_from_a_page_without_last_saved_at_all_is_a_conflict(alice_app, person):
    form = alice_app.get(f"/people/{person.pk}/edit/").forms["person-form"]
    del form.fields["last_saved"]
    form.field_order = [f for f in form.field_order if f[0] != "last_saved"]
    form["town"] = "Hindley"
    page = form.submit()
    assert page.status_code == 200
    assert "Someone else saved changes" in page.text
    # Saved again, now knowing what is saved: it goes through.
    assert page.forms["person-form"].submit().status_code == 302
    person.refresh_from_db()
    assert person.town == "Hindley"


def test_bad_dates_keep_the_typed_values(alice_app):
    form = fill(alice_app.get(ADD).follow().forms["person-form"], date_of_birth_1=HUGE_NUMBER)
    page = form.submit()
    assert page.forms["person-form"]["date_of_birth_1"].value == HUGE_NUMBER
    assert PEGGY["family_name"] in page.forms["person-form"]["family_name"].value
