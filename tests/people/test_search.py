"""Understanding the find-a-person box."""

import datetime as dt

import pytest

from people.search import normalise_name, normalise_nhs_number, normalise_postcode, parse_search


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Zoë O'Brien", "zoe obrien"),
        ("  JEAN-Paul  Smith ", "jean paul smith"),
        ("Siân Llŷr", "sian llyr"),
        ("", ""),
    ],
)
def test_names_are_normalised_for_searching(typed, expected):
    assert normalise_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("wn11aa", "WN1 1AA"),
        ("sw1a 2aa", "SW1A 2AA"),
        (" M46 9LT ", "M46 9LT"),
        ("WN1", None),
        ("12345", None),
        ("", None),
    ],
)
def test_postcodes_are_normalised(typed, expected):
    assert normalise_postcode(typed) == expected


def test_nhs_numbers_are_checked_with_modulus_11():
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert normalise_nhs_number("9434765918") is None  # wrong check digit
    assert normalise_nhs_number("94347659") is None


def test_box_holding_an_nhs_number():
    assert parse_search("943 476 5919").nhs_number == "9434765919"


def test_box_holding_a_postcode_or_its_first_half():
    assert parse_search("wn1 1aa").postcode == "WN1 1AA"
    assert parse_search("wn1").postcode_outward == "WN1"


def test_box_holding_a_date_of_birth():
    assert parse_search("12/03/1950").date_of_birth == dt.date(1950, 3, 12)
    assert parse_search("1950-03-12").date_of_birth == dt.date(1950, 3, 12)


def test_box_holding_names_and_a_date():
    query = parse_search("Jean Smith 12/3/1950")
    assert query.name_terms == ["jean", "smith"]
    assert query.date_of_birth == dt.date(1950, 3, 12)


def test_impossible_date_is_not_taken_as_a_date():
    query = parse_search("31/02/1990")
    assert query.date_of_birth is None
