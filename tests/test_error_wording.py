"""Error messages in GOV.UK's words, whatever was sent: each names the field
it is about, and none shows Django's own wording ("Null characters are not
allowed.", "Enter a valid UUID.") that means nothing to the person reading it.
Through the forms as rendered; where the value cannot be typed, as an altered
page."""

from __future__ import annotations

import pytest

from deal.models import Role
from tests.factories import AgreedActionFactory, PersonFactory, UserFactory
from tests.pages import error_messages

OUT_OF_DATE = "The page was out of date. Check it and save again."


@pytest.fixture
def world(alice, wigan):
    person = PersonFactory(team=wigan, created_by=alice, given_name="Jean", family_name="Smith")
    action = AgreedActionFactory(
        conversation__person=person, conversation__recorded_by=alice, responsible=alice
    )
    UserFactory(full_name="Erin Colleague", role=Role.FRONTLINE, teams=[wigan])
    return {"person": person, "action": action}


def form_on(app, path: str):
    page = app.get(path)
    if page.status_code == 302:
        page = page.follow()
    return next(f for f in page.forms.values() if f.method.lower() == "post" and len(f.fields) > 2)


def pages(world, wigan, alice) -> dict[str, tuple[str, str]]:
    person, action = world["person"], world["action"]
    return {
        "add a person": ("alice", "/people/new/"),
        "change a person": ("alice", f"/people/{person.pk}/edit/"),
        "an action": ("alice", action.get_absolute_url()),
        "add a group": ("bob", "/directory/new/"),
        "hand on": ("bob", f"/team/{wigan.pk}/hand-on/?worker={alice.pk}"),
    }


@pytest.fixture
def open_form(app_for, world, wigan, alice, bob):
    def open_(page: str):
        who, path = pages(world, wigan, alice)[page]
        app = app_for({"alice": alice, "bob": bob}[who])
        return form_on(app, path)

    return open_


@pytest.mark.parametrize(
    "page, field, expected",
    [
        ("add a person", "given_name", "Given name must not contain a null character"),
        ("an action", "note", "Follow-up note must not contain a null character"),
        ("add a group", "name", "Name must not contain a null character"),
    ],
)
def test_a_null_character_is_named_by_its_field(open_form, page, field, expected):
    form = open_form(page)
    form[field] = "Jean\x00"
    answer = form.submit(expect_errors=True)
    assert answer.status_code == 200
    assert expected in error_messages(answer)
    assert "Null characters are not allowed" not in answer.text


@pytest.mark.parametrize(
    "page, field, value",
    [
        ("change a person", "last_saved", "2026\x00"),
        ("an action", "seen_status", "open\x00"),
        ("add a group", "submission_key", "not-a-key"),
        ("hand on", "key", "not-a-key"),
    ],
)
def test_an_altered_hidden_field_says_only_that_the_page_was_out_of_date(
    open_form, page, field, value
):
    form = open_form(page)
    form[field].force_value(value)
    answer = form.submit(expect_errors=True)
    assert answer.status_code == 200
    messages = error_messages(answer)
    assert OUT_OF_DATE in messages
    assert not any("(" in message for message in messages), messages
    assert "valid UUID" not in answer.text


@pytest.mark.parametrize(
    "value, expected",
    [("151", "Youngest age must be 150 or less"), ("-1", "Youngest age must be 0 or more")],
)
def test_an_age_out_of_range_says_the_limit(open_form, value, expected):
    form = open_form("add a group")
    form["name"] = "Knit and natter"
    form["minimum_age"] = value
    answer = form.submit()
    assert expected in error_messages(answer)
