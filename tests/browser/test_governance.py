"""The information governance officer's pages in a real browser at phone
size (390 px), with axe-core: the audit log (filtered, paged) and a subject
access request, found and opened as the page to print, with a person whose
details hold a 300-character word."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from deal.audit import Actor, audit_record
from deal.governance import EVENTS_PER_PAGE
from deal.models import AuditAction, Role
from tests.browser.phone import assert_no_sideways_scrolling
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    RiskDecisionFactory,
    UserFactory,
    WhatMattersFactory,
)

pytestmark = pytest.mark.browser

# A pasted web address: 300 characters and no space to break at.
LONG_WORD = "https://example.org/" + "a" * 280


def open_from_the_menu(page: Page, name: str) -> None:
    """On a phone the navigation is behind "Menu"."""
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


def ig_officer():
    """As the demo data's information governance officer."""
    return UserFactory(email="ig@example.org", full_name="Jo Governance", role=Role.IG)


def test_the_ig_officer_reads_and_filters_the_audit_log_on_a_phone(
    sign_in,
    phone_page,
    live_server,
    alice,
    bob,
    person,
    axe_check,
):
    ig = ig_officer()
    long_word = "x" * 300
    for n in range(EVENTS_PER_PAGE + 3):
        audit_record(
            actor=Actor(user=alice, ip_address="192.0.2.1", path=f"/people/{person.pk}/"),
            action=AuditAction.CHANGE,
            obj=person,
            detail=f"Change {n} {long_word}",
            changes={"town": [long_word, "Hindley"]},
        )
    audit_record(actor=Actor(user=bob), action=AuditAction.VIEW, obj=person, detail="Bob looked")

    page = phone_page()
    sign_in(ig, page=page)
    open_from_the_menu(page, "Audit log")
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)

    page.get_by_role("link", name="Older events").click()
    expect(page.get_by_text("Change 0 ")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)

    page.get_by_label("Member of staff").select_option(label="Bob Manager")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Bob looked")).to_be_visible()
    expect(page.get_by_text("Change 1 ")).to_have_count(0)
    axe_check(page)
    assert_no_sideways_scrolling(page)


def test_the_ig_officer_answers_a_subject_access_request_on_a_phone(
    sign_in,
    phone_page,
    live_server,
    alice,
    bob,
    wigan,
    axe_check,
):
    person = PersonFactory(
        given_name="Margaret",
        family_name="H" + "x" * 99,
        address_line_1=LONG_WORD[:200],
        communication_needs=LONG_WORD,
        consent_notes=LONG_WORD,
        team=wigan,
        created_by=alice,
    )
    WhatMattersFactory(person=person, text=LONG_WORD)
    ProfileEntryFactory(person=person, text=LONG_WORD[:200])
    PersonInLifeFactory(person=person, how_they_help=LONG_WORD)
    conversation = ConversationFactory(person=person, what_matters=LONG_WORD, notes=LONG_WORD)
    AgreedActionFactory(conversation=conversation, what=LONG_WORD)
    RiskDecisionFactory(person=person, proposed_by=alice, what=LONG_WORD[:200])
    audit_record(
        actor=Actor(user=alice, ip_address="192.0.2.1", path=f"/people/{person.pk}/"),
        action=AuditAction.CHANGE,
        obj=person,
        detail=LONG_WORD,
        changes={"consent_notes": ["", LONG_WORD]},
    )
    ig = ig_officer()

    page = phone_page()
    sign_in(ig, page=page)
    open_from_the_menu(page, "Subject access")
    expect(page.get_by_role("heading", level=1, name="Subject access")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)
    page.get_by_label("Name, NHS number, postcode or date of birth").fill("Margaret")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="People found")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)

    page.get_by_role(
        "link", name=re.compile(rf"^Margaret {person.family_name}\W+everything held$")
    ).click()
    expect(
        page.get_by_role("heading", level=1, name=f"Everything held about person {person.pk}")
    ).to_be_visible()
    expect(page.get_by_text(LONG_WORD).first).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)
    # As printed: the buttons and links for the screen are left off, and
    # the long word still wraps within the page.
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download as JSON")).to_be_hidden()
    assert_no_sideways_scrolling(page)
    page.emulate_media(media="screen")

    # From there, their entries in the audit log, filtered to them.
    page.get_by_role("link", name="Their entries in the audit log").click()
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    expect(page.get_by_label("Person’s record number")).to_have_value(str(person.pk))
    axe_check(page)
    assert_no_sideways_scrolling(page)


def test_the_ig_officers_index_on_a_phone(sign_in, phone_page, live_server, axe_check):
    ig = ig_officer()
    page = phone_page()
    sign_in(ig, page=page)
    page.goto(f"{live_server.url}/governance/")
    expect(page.get_by_role("heading", level=1, name="Information governance")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Retention")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)
    page.get_by_role("link", name="Restricted records opened with a reason").click()
    expect(page).to_have_url(re.compile(r"/governance/break-glass/"))
