"""The person form (adding someone, changing their details) is drawn by
deal.govuk_fields rather than `{% crispy %}`: the two must give the same page,
field for field (see tests/conversations/test_record_form_rendering.py)."""

import datetime as dt
import uuid

from people.forms import AddPersonForm, PersonForm
from tests.conversations.test_record_form_rendering import LONG_WORD, both
from tests.factories import PersonFactory, UserFactory

KEY = uuid.uuid4()


def without_email_error_border(shape: list) -> list:
    """crispy-forms-gds gives an email box in error no red border; GOV.UK
    Frontend has one for it, which is what we draw (asserted below)."""
    out = []
    for node in shape:
        if isinstance(node, tuple) and node[0] == "input" and ("type", "email") in node[1]:
            node = (
                node[0],
                tuple(
                    (name, value - {"govuk-input--error"} if name == "class" else value)
                    for name, value in node[1]
                ),
            )
        out.append(node)
    return out


def test_adding_a_person_is_drawn_the_same(alice, wigan):
    UserFactory(full_name="Zoe <b>Colleague</b>", teams=[wigan])
    crispy, ours = both(lambda: AddPersonForm(user=alice, initial={"submission_key": KEY}))
    assert ours == crispy
    assert "Given name" in ours


def test_adding_a_person_sent_back_with_errors_and_a_likely_duplicate_is_drawn_the_same(
    alice, wigan
):
    PersonFactory(
        given_name="Peggy", family_name="Olsen", date_of_birth=dt.date(1950, 3, 12), team=wigan
    )
    data = {
        "given_name": "Peggy",
        "family_name": "Olsen",
        "date_of_birth_0": "12",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1950",
        "nhs_number": "123",
        "postcode": LONG_WORD,
        "email": "not an address",
        "preferred_contact": "pigeon",
        "lawful_basis": "",
        "team": "999",
        "named_worker": "999",
        "submission_key": "not-a-key",
    }

    def make():
        form = AddPersonForm(data, user=alice)
        form.is_valid()
        return form

    form = make()
    assert form.errors and form.likely_duplicates
    crispy, ours = both(make, {"form": form})
    assert without_email_error_border(ours) == without_email_error_border(crispy)
    assert "None of these is the person I am adding" in ours
    email = next(n for n in ours if isinstance(n, tuple) and ("name", "email") in n[1])
    assert "govuk-input--error" in dict(email[1])["class"]


def test_changing_their_details_is_drawn_the_same(alice, wigan):
    person = PersonFactory(team=wigan, named_worker=alice, phone="01942 123456")

    crispy, ours = both(lambda: PersonForm(instance=person, user=alice))
    assert ours == crispy
    assert "Status" in " ".join(str(x) for x in ours)


def test_the_status_radios_sit_side_by_side(alice, wigan):
    """GOV.UK Frontend lays radios inline only with both its classes, which
    crispy-forms-gds leaves one of out (a difference the comparison allows)."""
    from django.template import Context

    from deal.govuk_fields import render_form

    form = PersonForm(instance=PersonFactory(team=wigan, created_by=alice), user=alice)
    html = render_form(form, Context({"form": form}))
    assert '<div class="govuk-radios govuk-radios--inline govuk-radios--small">' in html
