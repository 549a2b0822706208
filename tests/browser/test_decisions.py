"""Positive-risk decisions in a real browser at phone size: a worker proposes
one with a person, a manager backs it, the worker records how it went and it
shows on the learning page; axe-core passes at every step and no page is
wider than the phone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conversations.models import DecisionStatus, RiskDecision
from tests.browser.phone import PHONE, assert_no_sideways_scrolling
from tests.factories import RiskDecisionFactory, ThemeFactory

pytestmark = pytest.mark.browser

LONG_WORD = "https://example.org/" + "a" * 280  # a pasted web address: 300 characters


def checked(page: Page, axe_check) -> None:
    assert_no_sideways_scrolling(page)
    axe_check(page)


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.mark.browser_context_args(**PHONE)
def test_propose_back_record_the_outcome_and_learn_from_it_on_a_phone(
    sign_in,
    phone_page,
    page: Page,
    live_server,
    alice,
    bob,
    person,
    axe_check,
    settings,
):
    settings.REQUIRE_TWO_FACTOR = False
    today = timezone.localdate()
    # The themes a migration adds are gone once a live-server test has
    # emptied the database: this one is made here.
    ThemeFactory(name="Loneliness")

    # Alice proposes it from Peggy's profile.
    sign_in(alice)
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Positive-risk decisions")).to_be_visible()
    checked(page, axe_check)
    page.get_by_role("button", name=re.compile("Propose a positive-risk decision")).click()
    expect(
        page.get_by_role("heading", level=1, name="Propose a positive-risk decision")
    ).to_be_visible()
    checked(page, axe_check)

    # Sent too soon: each mistake is named, and what was typed is kept.
    page.get_by_label("What do they want to do?").fill("Go to the match on her own by bus")
    page.get_by_role("button", name="Send to be backed").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter the review date")).to_be_visible()
    expect(page.get_by_label("What do they want to do?")).to_have_value(
        "Go to the match on her own by bus"
    )
    checked(page, axe_check)

    page.get_by_label("Why does it matter to them?").fill("Football was her husband's thing.")
    page.get_by_label("What good could come of it?").fill("Getting out; old friends.")
    page.get_by_label("What could go wrong?").fill("A fall in the crowd.")
    page.get_by_label("What is the risk of not doing it?").fill("Lonely Saturdays at home.")
    page.get_by_label("What will help it go well?").fill("Her son's number on her phone.")
    page.get_by_label("What do they say about it?").fill("I have been going since 1962.")
    fill_date(page, "Review date", today)
    page.get_by_label("Loneliness").check()
    page.get_by_role("button", name="Send to be backed").click()
    expect(page.get_by_text("Your proposal has been sent to your manager to back")).to_be_visible()
    expect(page.get_by_text("Waiting for backing").first).to_be_visible()
    checked(page, axe_check)
    decision = RiskDecision.objects.get()

    # Bob, her manager, sees it waiting on My work and backs it.
    manager = phone_page()
    sign_in(bob, page=manager)
    manager.goto(f"{live_server.url}/")
    expect(manager.get_by_role("heading", name="Waiting for you to back")).to_be_visible()
    checked(manager, axe_check)
    manager.get_by_role("link", name="Go to the match on her own by bus").click()
    expect(manager.get_by_role("heading", name="Back this decision")).to_be_visible()
    checked(manager, axe_check)
    manager.get_by_label("Yes, we will back you").check()
    manager.get_by_label("Comment").fill("Enjoy the match, Peggy.")
    manager.get_by_role("button", name="Send your answer").click()
    expect(manager.get_by_text("You have backed this decision")).to_be_visible()
    expect(manager.get_by_text("We will back you", exact=True)).to_be_visible()
    checked(manager, axe_check)

    # Alice, at the review date, records how it went.
    page.goto(f"{live_server.url}{decision.get_absolute_url()}")
    expect(page.get_by_text("Enjoy the match, Peggy.").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Change the proposal"))).to_have_count(0)
    checked(page, axe_check)
    page.get_by_label("Partly went well").check()
    page.get_by_label("What was learned?").fill(
        "The bus was fine; the crowd was too much. Next time a seat in the stand."
    )
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The outcome has been recorded")).to_be_visible()
    checked(page, axe_check)

    # It shows on the team's learning page, filtered by outcome and theme.
    page.goto(f"{live_server.url}/risks/learning/")
    expect(page.get_by_text("Next time a seat in the stand.")).to_be_visible()
    checked(page, axe_check)
    page.goto(f"{live_server.url}/risks/learning/?outcome=went_well")
    expect(page.get_by_text("Next time a seat in the stand.")).to_have_count(0)
    page.goto(f"{live_server.url}/risks/learning/?outcome=partly")
    expect(page.get_by_text("Next time a seat in the stand.")).to_be_visible()
    checked(page, axe_check)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OUTCOME_RECORDED


@pytest.mark.browser_context_args(**PHONE)
def test_a_300_character_word_does_not_widen_the_decision_pages_on_a_phone(
    sign_in,
    page: Page,
    live_server,
    alice,
    bob,
    person,
    axe_check,
):
    words = dict.fromkeys(
        (
            "why_it_matters",
            "benefits",
            "what_could_go_wrong",
            "risk_of_not_doing",
            "what_will_help",
            "their_view",
        ),
        LONG_WORD,
    )
    waiting = RiskDecisionFactory(person=person, proposed_by=alice, what=LONG_WORD, **words)
    learned = RiskDecisionFactory(
        person=person,
        proposed_by=alice,
        what=LONG_WORD,
        with_outcome=True,
        backed_by=bob,
        backing_comment=LONG_WORD,
        learning=LONG_WORD,
        **words,
    )
    learned.steps.create(kind="note", note=LONG_WORD, by=alice)
    sign_in(alice)
    checked(page, axe_check)  # My work, with the waiting proposal
    for path in (
        waiting.get_absolute_url(),
        learned.get_absolute_url(),
        "/risks/?show=recent",
        "/risks/learning/",
        person.get_absolute_url(),
        f"{waiting.get_absolute_url()}change/",
    ):
        page.goto(f"{live_server.url}{path}")
        checked(page, axe_check)
