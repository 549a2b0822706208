"""The audit log in a real browser at phone size, with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from deal.audit import Actor, audit_record
from deal.governance import EVENTS_PER_PAGE
from deal.models import AuditAction, Role
from tests.browser.phone import assert_no_sideways_scrolling
from tests.browser.test_manage import phone_page, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_the_ig_officer_reads_and_filters_the_audit_log_on_a_phone(
    browser: Browser, live_server, alice, bob, person, axe_check
):
    ig = UserFactory(email="jo@example.org", full_name="Jo Governance", role=Role.IG)
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

    page = phone_page(browser)
    sign_in(page, live_server, ig.email)
    page.get_by_role("link", name="Audit log").first.click()
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
