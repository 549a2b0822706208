"""Bad input never gives a 500 or loses what was typed: a GOV.UK error summary
linking to each field, the typed values kept, and nothing saved."""

import re

import pytest

from people.models import Person, PersonInLife, ProfileEntry, WhatMatters
from tests.factories import PersonFactory
from tests.people.test_add import valid_person

HUGE = "x" * 100_000
SCRIPT = '<script>alert("boo")</script>'


def summary_links(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    assert "There is a problem" in html, "no error summary"
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def assert_every_link_reaches_an_input(response):
    html = response.content.decode()
    for target, _ in summary_links(response):
        assert re.search(rf'<(input|textarea|select)[^>]*\sid="{re.escape(target)}"', html), target


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
        ({"lawful_basis": "", "consent_to_share": "maybe"}, None),
        ({"team": "999999"}, None),
        ({"preferred_contact": "pigeon"}, None),
    ],
)
def test_bad_person_details_get_an_error_summary_and_nothing_is_saved(
    alice_client, wigan, changes, expected
):
    data = valid_person(**{"team": str(wigan.pk), **changes})
    response = alice_client.post("/people/new/", data)
    assert response.status_code == 200
    links = summary_links(response)
    if expected:
        assert [message for _, message in links] == expected
    assert links
    assert_every_link_reaches_an_input(response)
    assert not Person.objects.exists()
    # What was typed is kept (short values only; a 100 KB value is kept too,
    # but there is no point searching for it).
    html = response.content.decode()
    for field, value in data.items():
        if (
            value
            and len(value) < 50
            and field not in {"team", "lawful_basis", "consent_to_share", "preferred_contact"}
        ):
            assert f'value="{value}"' in html, field


def test_html_and_emoji_are_kept_as_typed_and_shown_escaped(alice_client, wigan):
    data = valid_person(
        team=str(wigan.pk), given_name=SCRIPT[:90], preferred_name="Dot 🌻", pronouns="she/her"
    )
    response = alice_client.post("/people/new/", data, follow=True)
    assert response.status_code == 200
    person = Person.objects.get()
    assert person.given_name == SCRIPT[:90]
    assert person.preferred_name == "Dot 🌻"
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "Dot 🌻" in html


def test_what_matters_bad_input(alice_client, person):
    url = f"/people/{person.pk}/what-matters/"
    for text, message in [
        ("", "Enter what matters to them"),
        (HUGE, "What matters to them, in their own words must be 2000 characters or fewer"),
    ]:
        response = alice_client.post(url, {"text": text})
        assert response.status_code == 200
        assert [m for _, m in summary_links(response)] == [message]
        assert_every_link_reaches_an_input(response)
    assert not WhatMatters.objects.exists()


def test_entry_bad_input(alice_client, person):
    for text, message in [("  ", "Enter a strength"), (HUGE, "Keep it to 200 characters or fewer")]:
        response = alice_client.post(f"/people/{person.pk}/strengths/new/", {"text": text})
        assert response.status_code == 200
        assert [m for _, m in summary_links(response)] == [message]
    assert not ProfileEntry.objects.exists()


def test_person_in_life_bad_input_keeps_what_was_typed(alice_client, person):
    response = alice_client.post(
        f"/people/{person.pk}/people-in-their-life/new/",
        {"name": "Ann 🌻", "relationship": "", "how_they_help": HUGE},
    )
    assert response.status_code == 200
    messages = [m for _, m in summary_links(response)]
    assert "Enter how they are related, for example daughter or neighbour" in messages
    assert "How they help must be 500 characters or fewer" in messages
    assert 'value="Ann 🌻"' in response.content.decode()
    assert not PersonInLife.objects.exists()


def test_changing_details_with_bad_input_changes_nothing(alice_client, person):
    before = Person.objects.get(pk=person.pk)
    data = valid_person(team=str(person.team_id), family_name="", status="open")
    response = alice_client.post(f"/people/{person.pk}/edit/", data)
    assert response.status_code == 200
    assert summary_links(response)
    after = Person.objects.get(pk=person.pk)
    assert (after.given_name, after.family_name) == (before.given_name, before.family_name)
