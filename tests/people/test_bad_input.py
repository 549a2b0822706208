"""Bad input never gives a 500 or loses what was typed: a GOV.UK error summary
linking to each field, the typed values kept, and nothing saved. Filled in
through the pages as rendered; values no page offers are sent only by tests
named for an altered page."""

import pytest

from people.models import Person, PersonInLife, ProfileEntry, WhatMatters
from tests.factories import PersonFactory
from tests.pages import assert_error_summary_links_resolve, error_messages
from tests.people.test_add import PEGGY, fill

HUGE = "x" * 100_000
SCRIPT = '<script>alert("boo")</script>'
ADD = "/people/new/"


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(team=wigan, created_by=alice)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"given_name": "", "family_name": ""},
            ["Enter their given name", "Enter their family name"],
        ),
        (
            {"date_of_birth_0": "31", "date_of_birth_1": "02", "date_of_birth_2": "1990"},
            ["Date of birth must be a real date"],
        ),
        (
            {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2999"},
            ["Date of birth must be in the past"],
        ),
        (
            {"date_of_birth_0": "1", "date_of_birth_1": "", "date_of_birth_2": "1990"},
            ["Date of birth must include a month"],
        ),
        ({"date_of_birth_0": "aa"}, ["Date of birth must be a real date"]),
        ({"nhs_number": "943 476 5918"}, ["Enter a valid NHS number: check each digit"]),
        ({"nhs_number": "12345"}, ["NHS number must be 10 digits"]),
        ({"postcode": "not a postcode"}, ["Enter a real postcode, like WN1 1AA"]),
        ({"email": "nope"}, ["Enter email address in the correct format, like name@example.com"]),
        ({"given_name": HUGE}, ["Given name must be 100 characters or fewer"]),
        ({"communication_needs": HUGE}, ["Communication needs must be 2000 characters or fewer"]),
        (
            {"lawful_basis": None, "consent_to_share": None},
            [
                "Select the lawful basis for recording",
                "Select whether they agree to us sharing information",
            ],
        ),
    ],
)
def test_bad_person_details_get_an_error_summary_and_nothing_is_saved(alice_app, changes, expected):
    form = alice_app.get(ADD).follow().forms["person-form"]
    typed = {k: v for k, v in {**PEGGY, **changes}.items() if v is not None}
    for name, value in typed.items():
        form[name] = value
    page = form.submit()
    assert page.status_code == 200
    assert error_messages(page) == expected
    assert_error_summary_links_resolve(page)
    assert not Person.objects.exists()
    # What was typed is kept.
    kept = page.forms["person-form"]
    for name, value in typed.items():
        assert kept[name].value == value, name


@pytest.mark.parametrize(
    "altered",
    [{"consent_to_share": "maybe"}, {"team": "999999"}, {"preferred_contact": "pigeon"}],
)
def test_altered_page_with_a_choice_no_page_offers_gets_an_error_summary(alice_app, altered):
    form = fill(alice_app.get(ADD).follow().forms["person-form"])
    for name, value in altered.items():
        form[name].force_value(value)
    page = form.submit()
    assert page.status_code == 200
    assert error_messages(page)
    assert_error_summary_links_resolve(page)
    assert not Person.objects.exists()


def test_html_and_emoji_are_kept_as_typed_and_shown_escaped(alice_app):
    form = fill(
        alice_app.get(ADD).follow().forms["person-form"],
        given_name=SCRIPT[:90],
        preferred_name="Dot 🌻",
        pronouns="she/her",
    )
    page = form.submit().follow()
    person = Person.objects.get()
    assert person.given_name == SCRIPT[:90]
    assert person.preferred_name == "Dot 🌻"
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert" in page.text
    assert "Dot 🌻" in page.text


def test_what_matters_bad_input(alice_app, person):
    url = f"/people/{person.pk}/what-matters/"
    for text, message in [
        ("", "Enter what matters to them"),
        (HUGE, "What matters to them, in their own words must be 2000 characters or fewer"),
    ]:
        form = alice_app.get(url).forms["what-matters-form"]
        form["text"] = text
        page = form.submit()
        assert page.status_code == 200
        assert error_messages(page) == [message]
        assert_error_summary_links_resolve(page)
    assert not WhatMatters.objects.exists()


def test_entry_bad_input(alice_app, person):
    for text, message in [
        ("  ", "Enter a strength"),
        (HUGE, "Keep each one to 200 characters or fewer"),
    ]:
        form = alice_app.get(f"/people/{person.pk}/strengths/new/").forms["entry-form"]
        form["text"] = text
        page = form.submit()
        assert page.status_code == 200
        assert error_messages(page) == [message]
        assert_error_summary_links_resolve(page)
    assert not ProfileEntry.objects.exists()


def test_person_in_life_bad_input_keeps_what_was_typed(alice_app, person):
    form = (
        alice_app.get(f"/people/{person.pk}/people-in-their-life/new/")
        .follow()
        .forms["person-in-life-form"]
    )
    form["name"] = "Ann 🌻"
    form["how_they_help"] = HUGE
    page = form.submit()
    assert page.status_code == 200
    messages = error_messages(page)
    assert "Enter how they are related, for example daughter or neighbour" in messages
    assert "How they help must be 500 characters or fewer" in messages
    assert_error_summary_links_resolve(page)
    assert page.forms["person-in-life-form"]["name"].value == "Ann 🌻"
    assert not PersonInLife.objects.exists()


def test_changing_details_with_bad_input_changes_nothing(alice_app, person):
    before = Person.objects.get(pk=person.pk)
    form = alice_app.get(f"/people/{person.pk}/edit/").forms["person-form"]
    form["family_name"] = ""
    form["given_name"] = "Changed"
    page = form.submit()
    assert page.status_code == 200
    assert error_messages(page) == ["Enter their family name"]
    assert_error_summary_links_resolve(page)
    after = Person.objects.get(pk=person.pk)
    assert (after.given_name, after.family_name) == (before.given_name, before.family_name)


@pytest.mark.parametrize("phone", ["abc", "123", "+1 202 555 0100", "07700 900 98x"])
def test_a_phone_number_must_be_a_uk_one(alice_app, phone):
    form = fill(alice_app.get(ADD).follow().forms["person-form"], phone=phone)
    page = form.submit()
    assert page.status_code == 200
    assert error_messages(page) == [
        "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
    ]
    assert_error_summary_links_resolve(page)
    assert page.forms["person-form"]["phone"].value == phone
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "phone",
    ["01632 960 001", "(01632) 960001", "07700-900-982", "+44 7700 900982", "0044 808 157 0192"],
)
def test_uk_phone_numbers_as_people_write_them_are_taken(alice_app, phone):
    form = fill(alice_app.get(ADD).follow().forms["person-form"], phone=phone)
    assert form.submit().status_code == 302
    assert Person.objects.get().phone == phone


@pytest.mark.parametrize(
    ("contact", "ok"),
    [("abc", False), ("07700 900 982", True), ("susan@example.org", True), ("susan@", False)],
)
def test_how_to_contact_someone_in_their_life_is_a_phone_number_or_email(
    alice_app, person, contact, ok
):
    form = (
        alice_app.get(f"/people/{person.pk}/people-in-their-life/new/")
        .follow()
        .forms["person-in-life-form"]
    )
    form["name"] = "Susan"
    form["relationship"] = "daughter"
    form["contact"] = contact
    page = form.submit()
    if ok:
        assert page.status_code == 302
        assert PersonInLife.objects.get().contact == contact
    else:
        assert error_messages(page) == [
            "Enter a phone number, like 07700 900 982, or an email address, like name@example.com"
        ]
        assert_error_summary_links_resolve(page)
        assert not PersonInLife.objects.exists()


def test_the_nhs_number_hint_gives_an_example_the_form_accepts(alice_app):
    import re

    from people.search import normalise_nhs_number

    page = alice_app.get(ADD).follow()
    hint = page.html.find(id="id_nhs_number_hint").get_text()
    example = re.search(r"for example ([\d ]+)", hint).group(1).strip()
    assert normalise_nhs_number(example) is not None, example
    form = fill(page.forms["person-form"], nhs_number=example)
    assert form.submit().status_code == 302


def test_a_phone_number_held_from_before_the_check_does_not_block_other_changes(alice_app, person):
    Person.objects.filter(pk=person.pk).update(phone="ask at reception")
    form = alice_app.get(f"/people/{person.pk}/edit/").forms["person-form"]
    form["preferred_name"] = "Peg"
    assert form.submit().status_code == 302
    person.refresh_from_db()
    assert (person.preferred_name, person.phone) == ("Peg", "ask at reception")

    form = alice_app.get(f"/people/{person.pk}/edit/").forms["person-form"]
    form["phone"] = "ask at the desk"
    assert form.submit().status_code == 200
    person.refresh_from_db()
    assert person.phone == "ask at reception"


def test_a_contact_held_from_before_the_check_does_not_block_other_changes(alice_app, person):
    connection = PersonInLife.objects.create(
        person=person,
        name="Susan",
        relationship="neighbour",
        contact="via Susan",
        recorded_by=person.created_by,
    )
    url = f"/people/{person.pk}/people-in-their-life/{connection.pk}/"
    form = alice_app.get(url).forms["person-in-life-form"]
    form["how_they_help"] = "Shops on Fridays"
    assert form.submit().status_code == 302
    connection.refresh_from_db()
    assert (connection.how_they_help, connection.contact) == ("Shops on Fridays", "via Susan")

    form = alice_app.get(url).forms["person-in-life-form"]
    form["contact"] = "via Susan's son"
    assert form.submit().status_code == 200


def test_changing_details_shows_the_nhs_number_spaced_and_keeps_it(alice_app, person):
    Person.objects.filter(pk=person.pk).update(nhs_number="9434765919")
    form = alice_app.get(f"/people/{person.pk}/edit/").forms["person-form"]
    assert form["nhs_number"].value == "943 476 5919"
    form["preferred_name"] = "Peg"
    page = form.submit()
    assert page.status_code == 302, page.html.find("main").get_text(" ", strip=True)[:600]
    person.refresh_from_db()
    assert (person.preferred_name, person.nhs_number) == ("Peg", "9434765919")
