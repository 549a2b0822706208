"""A shared computer: what one member of staff typed is never put back into
the next one's form. The seen fault: a copy kept by address only came back
for whoever opened the page next, after the first one's session had expired."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from tests.browser.test_conversations import kept_in_browser, record_page_url
from tests.factories import PersonFactory

WHAT_MATTERS = "What matters to them, in their own words"


@pytest.fixture
def jean(alice, wigan):
    return PersonFactory(
        given_name="Jean", family_name="Smith", preferred_name="", team=wigan, created_by=alice
    )


def copies(page: Page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('deal:kept:'))")


def test_a_colleague_signing_in_after_a_session_ended_never_gets_what_was_typed(
    sign_in, alice, bob, jean, live_server, axe_check
):
    page = sign_in(alice)
    page.goto(f"{live_server.url}/people/{jean.pk}/conversations/new/")
    page.get_by_label(WHAT_MATTERS).fill("Alice typed this about Jean")
    kept_in_browser(page, "Alice typed this about Jean")

    # Alice's session ends while she is away; Bob signs in at the same computer.
    Session.objects.all().delete()
    page.context.clear_cookies()
    sign_in(bob)
    # Any page Bob opens removes the copies of anyone else, once its script
    # has run (which may be just after the heading shows, on a slow machine).
    page.wait_for_function(
        "() => !Object.keys(localStorage).some((key) => key.startsWith('deal:kept:'))",
        timeout=10_000,
    )
    assert copies(page) == []
    page.goto(f"{live_server.url}/people/{jean.pk}/conversations/new/")
    expect(page).to_have_url(record_page_url(live_server, jean))
    expect(page.get_by_label(WHAT_MATTERS)).to_have_value("")
    expect(page.get_by_text("We have put back what you typed before")).to_have_count(0)
    axe_check(page)


def test_what_was_typed_comes_back_for_the_same_person_who_typed_it(
    sign_in, alice, jean, live_server
):
    page = sign_in(alice)
    page.goto(f"{live_server.url}/people/{jean.pk}/conversations/new/")
    page.get_by_label(WHAT_MATTERS).fill("Back to the allotment")
    kept_in_browser(page, "Back to the allotment")
    Session.objects.all().delete()
    page.context.clear_cookies()
    sign_in(alice)
    page.goto(f"{live_server.url}/people/{jean.pk}/conversations/new/")
    expect(page.get_by_label(WHAT_MATTERS)).to_have_value("Back to the allotment")


@pytest.mark.parametrize(
    "copy",
    [
        # Kept before copies had an owner (by address only).
        "{key: '', values: {what_matters: ['Old copy']}, lines: 0, at: Date.now()}",
        # Older than a session can last.
        "{key: '', values: {what_matters: ['Old copy']}, lines: 0, "
        "at: Date.now() - 11 * 3600 * 1000, for: document.body.dataset.keptFor}",
    ],
)
def test_a_copy_with_no_owner_or_older_than_a_session_is_never_put_back(
    sign_in, alice, jean, live_server, copy
):
    page = sign_in(alice)
    path = f"/people/{jean.pk}/conversations/new/"
    page.evaluate(
        f"""() => {{
            const copy = {copy}
            const owner = copy.for ? copy.for + ':' : ''
            localStorage.setItem('deal:kept:' + owner + '{path}', JSON.stringify(copy))
        }}"""
    )
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_label(WHAT_MATTERS)).to_have_value("")
    assert copies(page) == []
