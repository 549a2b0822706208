"""Strengths, interests and needs: several at once, through the page."""

import pytest

from deal.models import AuditEvent
from people.models import ProfileEntry
from tests.factories import ProfileEntryFactory
from tests.pages import assert_error_summary_links_resolve, error_messages


def entry_form(app, person, kind="strengths"):
    return app.get(f"/people/{person.pk}/{kind}/new/").forms["entry-form"]


def test_several_strengths_are_added_at_once_one_on_each_line(alice_app, alice, person):
    form = entry_form(alice_app, person)
    form["text"] = "Great cook\n\n  Fixes   bikes \nGood with children\ngreat cook\n"
    page = form.submit().follow()
    assert "3 strengths added" in page
    assert list(
        ProfileEntry.objects.filter(person=person).order_by("pk").values_list("text", flat=True)
    ) == ["Great cook", "Fixes bikes", "Good with children"]
    assert AuditEvent.objects.filter(action="change", object_id=str(person.pk)).count() == 3
    strengths = page.html.find("section", attrs={"aria-labelledby": "strengths"})
    assert "Fixes bikes" in strengths.get_text()


def test_sending_the_same_page_twice_adds_nothing_twice(alice_app, person):
    form = entry_form(alice_app, person, "interests")
    form["text"] = "Fishing\nRugby league"
    form.submit()
    page = form.submit().follow()
    assert "Those interests were already recorded" in page
    assert ProfileEntry.objects.filter(person=person).count() == 2


def test_one_already_recorded_is_left_out_and_the_rest_added(alice_app, person):
    ProfileEntryFactory(person=person, kind="need", text="Help with bills")
    form = entry_form(alice_app, person, "needs")
    form["text"] = "help with bills\nA lift to the GP"
    page = form.submit().follow()
    assert "Need added" in page
    assert ProfileEntry.objects.filter(person=person, kind="need").count() == 2


def test_one_line_too_long_adds_none_and_keeps_what_was_typed(alice_app, person):
    form = entry_form(alice_app, person)
    typed = "Great cook\n" + "x" * 201
    form["text"] = typed
    page = form.submit()
    assert page.status_code == 200
    assert error_messages(page) == ["Keep each one to 200 characters or fewer"]
    assert_error_summary_links_resolve(page)
    assert page.forms["entry-form"]["text"].value.strip() == typed
    assert not ProfileEntry.objects.exists()


def test_at_most_twenty_at_a_time(alice_app, person):
    form = entry_form(alice_app, person)
    form["text"] = "\n".join(f"Strength {n}" for n in range(21))
    page = form.submit()
    assert error_messages(page) == ["Add up to 20 at a time"]
    assert not ProfileEntry.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_adding_entries_query_count_does_not_grow(
    alice_app, person, rows, django_assert_max_num_queries
):
    ProfileEntryFactory.create_batch(rows, person=person, kind="strength")
    alice_app.get("/")  # signs in
    with django_assert_max_num_queries(12):
        form = entry_form(alice_app, person)
    form["text"] = "One\nTwo"
    with django_assert_max_num_queries(25):
        assert form.submit().status_code == 302
