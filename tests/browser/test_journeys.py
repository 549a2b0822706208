"""The main journeys of a frontline worker, in a real browser, with axe-core run
on every page visited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from people.models import ConsentToShare, LawfulBasis, Person
from tests.browser.phone import PHONE, assert_no_sideways_scrolling
from tests.conftest import PASSWORD
from tests.factories import PersonFactory, WhatMattersFactory

pytestmark = pytest.mark.browser


def error_summary(page: Page):
    return page.locator(".govuk-error-summary")


def test_sign_in_with_a_wrong_password_then_the_right_one(
    page: Page, live_server, alice, axe_check
):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page).to_have_title(re.compile(r"^Sign in"))
    axe_check(page)

    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"\(error\)"))
    expect(page.get_by_label("Email address")).to_have_value("alice@example.org")
    axe_check(page)
    summary.get_by_role("link", name="Enter a correct email address and password").click()
    expect(page.get_by_label("Email address")).to_be_focused()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("You are signed in as Alice Worker")).to_be_visible()
    axe_check(page)


def test_find_a_person_by_part_of_their_name_without_its_accents(
    alice_page: Page, alice, wigan, carol, leigh, axe_check
):
    page = alice_page
    zoe = PersonFactory(
        given_name="Zoë", family_name="Brontë", team=wigan, created_by=alice, preferred_name=""
    )
    PersonFactory(given_name="Zachary", family_name="Bond", team=wigan, created_by=alice)
    # In another team: Alice must not find her.
    PersonFactory(given_name="Zoe", family_name="Bronson", team=leigh, created_by=carol)

    page.get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1, name="Find a person")).to_be_visible()
    axe_check(page)

    page.get_by_label("Name, date of birth, postcode or NHS number").fill("zoe bron")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    results = page.get_by_role("table", name="1 person found")
    expect(results.get_by_role("row")).to_have_count(2)  # the header and Zoë
    expect(results.get_by_role("link", name="Brontë, Zoë")).to_be_visible()
    expect(page.get_by_label("Name, date of birth, postcode or NHS number")).to_have_value(
        "zoe bron"
    )
    axe_check(page)

    results.get_by_role("link", name="Brontë, Zoë").click()

    expect(page).to_have_url(re.compile(rf"/people/{zoe.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zoë Brontë")
    axe_check(page)


def test_add_a_person_with_mistakes_then_correct_them(
    alice_page: Page, live_server, alice, wigan, axe_check
):
    page = alice_page
    page.goto(f"{live_server.url}/people/new/")
    expect(page.get_by_role("heading", level=1, name="Add a person")).to_be_visible()
    axe_check(page)

    page.get_by_label("Given name").fill("Zoë")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("Public task").check()
    page.get_by_label("Ask them each time").check()
    page.get_by_role("button", name="Add this person").click()

    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves the focus to the summary, so it is read out first.
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter their family name", "Date of birth must be a real date"]
    )
    axe_check(page)

    # Each link in the summary takes the user to the input to fix.
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.locator("#id_date_of_birth_0")).to_be_focused()
    expect(page.get_by_label("Day")).to_be_focused()
    summary.get_by_role("link", name="Enter their family name").click()
    expect(page.locator("#id_family_name")).to_be_focused()
    expect(page.get_by_label("Family name")).to_be_focused()

    # What was typed is kept.
    expect(page.get_by_label("Given name")).to_have_value("Zoë")
    expect(page.get_by_label("Day")).to_have_value("31")
    expect(page.get_by_label("Month")).to_have_value("2")
    expect(page.get_by_label("Year")).to_have_value("1990")
    expect(page.get_by_label("Public task")).to_be_checked()
    expect(page.get_by_label("Ask them each time")).to_be_checked()

    page.get_by_label("Family name").fill("Brontë")
    page.get_by_label("Day").fill("28")
    page.get_by_role("button", name="Add this person").click()

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Zoë Brontë has been added")
    person = Person.objects.get(given_name="Zoë", family_name="Brontë")
    expect(page).to_have_url(f"{live_server.url}/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zoë Brontë")
    axe_check(page)

    assert person.date_of_birth == dt.date(1990, 2, 28)
    assert person.team == wigan
    assert person.created_by == alice
    assert person.lawful_basis == LawfulBasis.PUBLIC_TASK
    assert person.consent_to_share == ConsentToShare.ASK


@pytest.mark.browser_context_args(**PHONE)
def test_see_a_profile_and_add_a_strength_on_a_phone(
    alice_page: Page, live_server, alice, wigan, axe_check
):
    page = alice_page
    assert page.viewport_size == {"width": 390, "height": 844}
    jean = PersonFactory(
        given_name="Jean", family_name="Smith", preferred_name="", team=wigan, created_by=alice
    )
    WhatMattersFactory(person=jean, text="Seeing my grandchildren every week.")

    page.goto(f"{live_server.url}{jean.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jean Smith")
    for section in ("What matters to them", "Strengths", "Interests", "Needs"):
        expect(page.get_by_role("region", name=section)).to_be_visible()
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(page.get_by_role("region", name="People in their life")).to_be_visible()
    expect(page.get_by_role("region", name="What matters to them")).to_contain_text(
        "Seeing my grandchildren every week."
    )
    expect(page.get_by_role("region", name="Strengths")).to_contain_text("None recorded yet.")
    assert_no_sideways_scrolling(page)
    axe_check(page)

    page.get_by_role("link", name="Add a strength").click()
    expect(page.get_by_role("heading", level=1, name="What are they good at?")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)

    # Forgetting to write anything is explained, and the link leads to the box.
    page.get_by_role("button", name="Add", exact=True).click()
    summary = error_summary(page)
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter a strength").click()
    expect(page.get_by_label("What are they good at?")).to_be_focused()
    axe_check(page)

    page.get_by_label("What are they good at?").fill("Great at fixing bikes")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}{jean.get_absolute_url()}#strengths")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Strength added")
    strengths = page.get_by_role("region", name="Strengths")
    expect(strengths.get_by_role("listitem")).to_have_count(1)
    expect(strengths.get_by_role("listitem")).to_contain_text("Great at fixing bikes")
    assert_no_sideways_scrolling(page)
    axe_check(page)
