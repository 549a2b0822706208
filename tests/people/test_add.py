"""Adding a person: /people/new/, filled in as the page renders it."""

import datetime as dt

import pytest

from deal.factories import join_team
from deal.models import AuditEvent
from people.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.pages import assert_error_summary_links_resolve, error_messages

ADD = "/people/new/"

PEGGY = {
    "given_name": "Margaret",
    "family_name": "Hughes",
    "preferred_name": "Peggy",
    "date_of_birth_0": "27",
    "date_of_birth_1": "3",
    "date_of_birth_2": "1951",
    "nhs_number": "943 476 5919",
    "postcode": "wn1 1aa",
    "lawful_basis": "public_task",
    "consent_to_share": "yes",
    "language": "English",
}


def fill(form, **overrides):
    """Fill the add (or change) form as a worker would."""
    for name, value in {**PEGGY, **overrides}.items():
        form[name] = value
    return form


@pytest.fixture
def add_page(alice_app):
    return alice_app.get(ADD).follow()


def add_form(page):
    return page.forms["person-form"]


def test_worker_adds_a_person_and_lands_on_their_profile(alice_app, alice, wigan, add_page):
    page = fill(add_form(add_page)).submit().follow()
    person = Person.objects.get()
    assert page.request.path == f"/people/{person.pk}/"
    assert "Margaret Hughes has been added" in page
    assert person.team == wigan
    assert person.created_by == alice
    assert person.nhs_number == "9434765919"
    assert person.postcode == "WN1 1AA"
    assert person.date_of_birth == dt.date(1951, 3, 27)
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_add_form_shows_the_users_teams_only(alice_app, wigan, leigh, add_page):
    assert add_page.status_code == 200
    options = [label for _, _, label in add_form(add_page)["team"].options]
    assert options == ["Wigan Central"]
    assert "Leigh" not in add_page


def test_altered_page_cannot_add_a_person_to_another_team(alice_app, leigh, add_page):
    form = fill(add_form(add_page))
    form["team"].force_value(str(leigh.pk))
    page = form.submit()
    assert page.status_code == 200
    assert "Select team from the list" in error_messages(page)
    assert_error_summary_links_resolve(page)
    assert not Person.objects.exists()


def test_altered_page_cannot_name_a_worker_of_another_team(alice_app, carol, add_page):
    form = fill(add_form(add_page))
    form["named_worker"].force_value(str(carol.pk))
    page = form.submit()
    assert page.status_code == 200
    assert_error_summary_links_resolve(page)
    assert not Person.objects.exists()


def test_someone_waiting_to_join_the_team_is_not_offered_as_named_worker(
    django_app, alice, bob, wigan
):
    """Until a manager confirms them, a joiner sees none of the team's people,
    so they cannot be anyone's named worker either."""
    nia = UserFactory(full_name="Nia Waiting")
    join_team(nia, wigan, confirmed=False)
    page = django_app.get(ADD, user=alice).follow()
    form = next(f for f in page.forms.values() if "named_worker" in f.fields)
    offered = [text for _value, _selected, text in form["named_worker"].options]
    assert "Bob Manager" in offered
    assert "Nia Waiting" not in offered


def test_someone_who_may_already_be_recorded_is_added_by_ticking_the_box_on_the_page(
    alice_app, alice, wigan, add_page
):
    existing = PersonFactory(nhs_number="9434765919", team=wigan, created_by=alice)
    page = fill(add_form(add_page)).submit()
    assert page.status_code == 200
    assert "This person may already be recorded" in page
    assert page.html.find("a", href=f"/people/{existing.pk}/") is not None
    links = assert_error_summary_links_resolve(page)
    assert [target for target, _ in links] == ["id_not_a_duplicate"]
    assert Person.objects.count() == 1

    # The box the message asks for is on the page, and ticking it adds them.
    form = add_form(page)
    form["not_a_duplicate"].checked = True
    page = form.submit().follow()
    assert "Margaret Hughes has been added" in page
    assert Person.objects.count() == 2


def test_sending_again_without_ticking_the_box_keeps_asking(alice_app, alice, wigan, add_page):
    PersonFactory(nhs_number="9434765919", team=wigan, created_by=alice)
    page = fill(add_form(add_page)).submit()
    page = add_form(page).submit()
    assert page.status_code == 200
    assert error_messages(page) == [
        "This person may already be recorded: open their record, or confirm that none "
        "of these is them"
    ]
    assert_error_summary_links_resolve(page)
    assert Person.objects.count() == 1


def test_the_box_is_not_shown_when_nobody_matches(alice_app, add_page):
    assert "not_a_duplicate" not in add_form(add_page).fields
    page = fill(add_form(add_page), family_name="").submit()
    assert "not_a_duplicate" not in add_form(page).fields


def test_warns_of_same_name_and_date_of_birth_whatever_the_accents(
    alice_app, alice, wigan, add_page
):
    PersonFactory(
        given_name="MARGARÉT",
        family_name="hughes",
        date_of_birth=dt.date(1951, 3, 27),
        nhs_number="",
        team=wigan,
        created_by=alice,
    )
    page = fill(add_form(add_page), nhs_number="").submit()
    assert "This person may already be recorded" in page
    assert_error_summary_links_resolve(page)
    assert Person.objects.count() == 1


def test_another_teams_person_is_not_offered_as_a_duplicate(alice_app, carol, leigh, add_page):
    """Another team's record is named by its team only (see test_transfers)."""
    theirs = PersonFactory(nhs_number="9434765919", team=leigh, created_by=carol)
    page = fill(add_form(add_page)).submit()
    assert "may already be known to another team (Leigh)" in page.text
    assert theirs.get_absolute_url() not in page.text
    assert "This person may already be recorded" not in page.text


def test_worker_in_no_team_is_told_why_they_cannot_add(django_app, db):
    page = django_app.get(ADD, user=UserFactory()).follow()
    assert "You are not in a team yet" in page


def test_sending_the_same_page_twice_finds_the_person_added(alice_app, add_page):
    form = fill(add_form(add_page))
    assert form.submit().status_code == 302
    second = form.submit()
    assert second.status_code == 302
    assert "This person has already been added" in second.follow()
    assert Person.objects.count() == 1


def test_back_after_adding_finds_the_person_not_the_form_to_send_again(alice_app, add_page):
    """The page is never kept by the browser (no-store), so Back asks for it
    again; the form's key is in its address, so that finds the person just
    added. Before, Back gave a new key, the browser put the names back, and
    sending it added the person a second time (with no date of birth, the
    duplicate warning had nothing to go on)."""
    form_address = add_page.request.path
    assert form_address.startswith(ADD) and form_address != ADD
    form = add_form(add_page)
    form["given_name"], form["family_name"] = "Quentin", "Backbutton"
    form["lawful_basis"], form["consent_to_share"] = "public_task", "ask"
    added = form.submit().follow()
    person = Person.objects.get()
    assert added.request.path == person.get_absolute_url()

    back = alice_app.get(form_address)
    assert back.status_code == 302
    profile = back.follow()
    assert profile.request.path == person.get_absolute_url()
    assert "This person has already been added" in profile
    # And the old page, typed names and all, sent again: still one person.
    assert "already been added" in form.submit().follow()
    assert Person.objects.count() == 1
    # "Add a person" again is a new form, for someone else.
    assert alice_app.get(ADD).follow().request.path != form_address


def test_another_members_form_address_is_a_new_form(app_for, bob, add_page):
    """A key is kept with who sent it: someone else opening the same address
    gets the empty form, never the person the first added."""
    form_address = add_page.request.path
    fill(add_form(add_page)).submit()
    other = app_for(bob).get(form_address)
    assert other.status_code == 200
    assert other.forms["person-form"]["given_name"].value == ""


@pytest.mark.parametrize("people", [5, 50])
def test_query_count_is_the_same_however_many_people(
    alice_app, alice, wigan, people, django_assert_max_num_queries
):
    PersonFactory.create_batch(people, team=wigan, created_by=alice)
    alice_app.get("/")  # signs in
    with django_assert_max_num_queries(10):
        page = alice_app.get(ADD).follow()
    form = fill(add_form(page))
    with django_assert_max_num_queries(20):
        assert form.submit().status_code == 302


def test_radios_offer_only_real_answers(add_page):
    form = add_form(add_page)
    for name in ("lawful_basis", "consent_to_share", "preferred_contact"):
        values = [value for value, _, _ in form[name].options]
        assert "" not in values, name
    assert "---------" not in add_page
