"""Restricted records in a real browser at phone size (390 px), with
axe-core: a colleague not named on the record finds it, meets "This record is
restricted", gives a reason (first none, then one) and the record opens; the
manager reads the team's openings from the team view, and the IG officer
everyone's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from deal.audit import Actor
from deal.models import Role
from people import services
from people.models import BreakGlass
from tests.browser.phone import assert_no_sideways_scrolling
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

# A pasted web address in a reason: 300 characters and no space to break at.
LONG_WORD = "https://example.org/" + "a" * 280


def check(page: Page, axe_check) -> None:
    axe_check(page)
    assert_no_sideways_scrolling(page)


def test_a_colleague_gives_a_reason_to_open_a_restricted_record_on_a_phone(
    sign_in, phone_page, live_server, erin, restricted, axe_check
):
    page = phone_page()
    sign_in(erin, page=page)
    page.goto(f"{live_server.url}/people/?q=Hughes")
    row = page.get_by_role("row", name="Hughes, Margaret")
    expect(row.get_by_text("Restricted")).to_be_visible()
    check(page, axe_check)

    row.get_by_role("link", name="Hughes, Margaret").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("This record is restricted")
    expect(page.get_by_text("Only Alice Worker can open")).to_be_visible()
    check(page, axe_check)

    page.get_by_role("button", name="Open the record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why you need to open this record")
    expect(summary).to_be_focused()
    check(page, axe_check)

    summary.get_by_role("link", name="Enter why you need to open this record").click()
    reason = page.get_by_label("Why do you need to open this record?")
    expect(reason).to_be_focused()
    reason.fill(f"She rang the duty line about her rent {LONG_WORD}")
    page.get_by_role("button", name="Open the record").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Peggy Hughes")
    expect(page.get_by_text("It is open to you until")).to_be_visible()
    check(page, axe_check)
    assert BreakGlass.objects.get().user == erin


def test_the_manager_and_the_ig_officer_read_the_openings_on_a_phone(
    sign_in, phone_page, live_server, bob, erin, restricted, leigh, axe_check
):
    for n in range(3):
        services.break_glass_open(
            actor=Actor(user=erin), person=restricted, reason=f"Duty call {n} {LONG_WORD}"
        )
    page = phone_page()
    sign_in(bob, page=page)
    page.get_by_role("link", name="Restricted records opened with a reason").click()
    expect(page.get_by_role("heading", level=2, name="3 openings")).to_be_visible()
    expect(page.get_by_text("Duty call 0").first).to_be_visible()
    check(page, axe_check)

    ig = UserFactory(email="ig@example.org", full_name="Jo Governance", role=Role.IG)
    page = phone_page()
    sign_in(ig, page=page)
    # From their menu, behind "Menu" on a phone.
    page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Openings of restricted records").click()
    expect(page.get_by_role("heading", level=2, name="3 openings")).to_be_visible()
    check(page, axe_check)
    page.get_by_label("Team").select_option(label="Leigh")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=2, name="0 openings")).to_be_visible()
    check(page, axe_check)


def test_the_manager_restricts_a_record_on_a_phone(
    sign_in, phone_page, live_server, bob, alice, person, axe_check
):
    page = phone_page()
    sign_in(bob, page=page)
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Restrict this record to named staff").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Restrict Margaret Hughes")
    check(page, axe_check)
    page.get_by_role("button", name="Restrict the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one member of staff who can open the record"
    )
    check(page, axe_check)
    page.get_by_label("Alice Worker").check()
    page.get_by_label("Bob Manager").check()
    page.get_by_label("Why is the record restricted?").fill("Her daughter works in the team")
    page.get_by_role("button", name="Restrict the record").click()
    expect(page.get_by_text("Restricted: only Alice Worker and Bob Manager")).to_be_visible()
    check(page, axe_check)
