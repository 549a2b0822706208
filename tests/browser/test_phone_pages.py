"""Every paged list, and pages holding long unbroken text, on a phone (390 px):
axe-core finds nothing serious, and no page is wider than the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.phone import PHONE
from tests.factories import AgreedActionFactory, ConversationFactory, PersonFactory

pytestmark = pytest.mark.browser


def assert_fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if width > viewport:
        widest = page.evaluate(
            """(viewport) => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > viewport)
                .slice(-3).map(e => e.outerHTML.slice(0, 200))""",
            viewport,
        )
        pytest.fail(f"{page.url} is {width}px wide on a {viewport}px screen: {widest}")


def check_page(page: Page, axe_check) -> None:
    assert_fits_the_screen(page)
    axe_check(page)


@pytest.mark.browser_context_args(**PHONE)
def test_find_a_person_pages_through_many_results_on_a_phone(
    alice_page: Page, live_server, alice, wigan, axe_check
):
    page = alice_page
    PersonFactory.create_batch(30, family_name="Ashworth", team=wigan, created_by=alice)
    page.goto(f"{live_server.url}/people/?q=ashworth")
    expect(page.get_by_role("heading", name="30 people found")).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages of results")
    expect(pages.locator("[aria-current=page]")).to_have_text("1")
    check_page(page, axe_check)
    pages.get_by_role("link", name="Next").click()
    expect(
        page.get_by_role("navigation", name="Pages of results").locator("[aria-current=page]")
    ).to_have_text("2")
    expect(page.get_by_label("Name, date of birth, postcode or NHS number")).to_have_value(
        "ashworth"
    )
    check_page(page, axe_check)


@pytest.mark.browser_context_args(**PHONE)
def test_actions_list_pages_through_many_actions_on_a_phone(
    alice_page: Page, live_server, alice, person, axe_check
):
    page = alice_page
    conversation = ConversationFactory(person=person, recorded_by=alice)
    AgreedActionFactory.create_batch(30, conversation=conversation)
    page.goto(f"{live_server.url}/actions/")
    pages = page.get_by_role("navigation", name="Pages of results")
    expect(pages.locator("[aria-current=page]")).to_have_text("1")
    check_page(page, axe_check)
    expect(pages.get_by_role("link", name="Page 2 of 2")).to_have_attribute("href", "?page=2")
    # Opened by its address: on a phone the filters panel is another page's
    # business (its show and hide button).
    page.goto(f"{live_server.url}/actions/?page=2")
    expect(
        page.get_by_role("navigation", name="Pages of results").locator("[aria-current=page]")
    ).to_have_text("2")
    check_page(page, axe_check)


@pytest.mark.browser_context_args(**PHONE)
def test_profile_timeline_pages_through_many_events_on_a_phone(
    alice_page: Page, live_server, alice, person, axe_check
):
    page = alice_page
    for days in range(25):
        ConversationFactory(
            person=person,
            recorded_by=alice,
            happened_at=timezone.now() - dt.timedelta(days=days + 1),
        )
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    timeline = page.locator("#timeline").locator("xpath=..")
    pages = page.get_by_role("navigation", name="Timeline pages")
    expect(pages.get_by_role("link", name="Newer events on the timeline")).to_have_count(0)
    expect(timeline.locator(".moj-timeline__item")).to_have_count(20)
    check_page(page, axe_check)
    pages.get_by_role("link", name="Older events on the timeline").click()
    expect(page).to_have_url(re.compile(r"\?timeline_before=[0-9T]+_1_[0-9]+#timeline$"))
    expect(timeline.locator(".moj-timeline__item")).to_have_count(5)
    check_page(page, axe_check)
    page.get_by_role("navigation", name="Timeline pages").get_by_role(
        "link", name="Newer events on the timeline"
    ).click()
    expect(timeline.locator(".moj-timeline__item")).to_have_count(20)


LONG_WORD = "https://example.org/" + "a" * 280  # a pasted web address: 300 characters


@pytest.mark.browser_context_args(**PHONE)
def test_long_unbroken_text_wraps_on_every_page_of_the_journey(
    alice_page: Page, live_server, alice, wigan, axe_check
):
    from tests.factories import (
        FollowUpFactory,
        PersonInLifeFactory,
        ProfileEntryFactory,
        WhatMattersFactory,
    )

    page = alice_page
    person = PersonFactory(
        given_name="Zed",
        family_name="W" + "x" * 99,
        preferred_name="",
        pronouns="x" * 50,
        address_line_1=LONG_WORD[:200],
        town="T" * 100,
        email=f"{'e' * 60}@example.org",
        communication_needs=LONG_WORD,
        consent_notes=LONG_WORD,
        team=wigan,
        created_by=alice,
        named_worker=alice,
    )
    WhatMattersFactory(person=person, text=LONG_WORD, recorded_by=alice)
    WhatMattersFactory(person=person, text=f"Now: {LONG_WORD}", recorded_by=alice)
    for kind in ("strength", "interest", "need"):
        ProfileEntryFactory(person=person, kind=kind, text=LONG_WORD[:200], recorded_by=alice)
    PersonInLifeFactory(
        person=person,
        name="N" * 100,
        relationship="r" * 50,
        how_they_help=LONG_WORD,
        contact=LONG_WORD[:100],
    )
    conversation = ConversationFactory(
        person=person, recorded_by=alice, what_matters=LONG_WORD, notes=LONG_WORD
    )
    action = AgreedActionFactory(
        conversation=conversation,
        what=LONG_WORD,
        due=timezone.localdate() - dt.timedelta(days=1),
    )
    FollowUpFactory(action=action, note=LONG_WORD, by=alice)

    for url in [
        "/",
        f"/people/?q={person.family_name}",
        person.get_absolute_url(),
        f"{person.get_absolute_url()}edit/",
        f"{person.get_absolute_url()}what-matters/",
        f"{person.get_absolute_url()}strengths/new/",
        f"{person.get_absolute_url()}people-in-their-life/new/",
        conversation.get_absolute_url(),
        f"/conversations/{conversation.pk}/summary/",
        f"/conversations/{conversation.pk}/edit/",
        "/actions/",
        action.get_absolute_url(),
    ]:
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("h1")).to_be_visible()
        check_page(page, axe_check)


@pytest.mark.browser_context_args(**PHONE)
def test_an_action_with_a_long_what_and_a_long_owner_name_fits_every_list_on_a_phone(
    alice_page: Page, live_server, alice, wigan, axe_check
):
    page = alice_page
    person = PersonFactory(team=wigan, created_by=alice, named_worker=alice)
    conversation = ConversationFactory(person=person, recorded_by=alice)
    action = AgreedActionFactory(
        conversation=conversation,
        what=LONG_WORD,
        owner_type="partner",
        owner_user=None,
        owner_name="P" * 200,
        responsible=alice,
    )
    for url in [
        conversation.get_absolute_url(),
        person.get_absolute_url(),
        "/",
        "/actions/",
        action.get_absolute_url(),
    ]:
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("h1")).to_be_visible()
        check_page(page, axe_check)


@pytest.mark.browser_context_args(**PHONE)
def test_profile_on_a_phone_names_them_once_and_keeps_words_whole(
    alice_page: Page, live_server, alice, wigan, axe_check
):
    page = alice_page
    person = PersonFactory(
        given_name="Jean",
        family_name="Smith",
        preferred_name="",
        date_of_birth=dt.date(1951, 3, 27),
        nhs_number="9434765919",
        communication_needs="Large print",
        team=wigan,
        created_by=alice,
    )
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    bar = page.get_by_label("The person whose record this is")
    expect(bar).to_contain_text("Born 27 March 1951")
    expect(bar).not_to_contain_text("Jean Smith")  # the heading says it, just below
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jean Smith")
    # The spaces between the words are not stretched, and no fact is broken
    # across lines.
    assert bar.locator(".app-identity").evaluate("e => getComputedStyle(e).textAlign") in (
        "left",
        "start",
    )
    for fact in bar.locator(".app-identity__item").all():
        lines = fact.evaluate("e => e.getClientRects().length")
        assert lines == 1, fact.inner_text()
    # "Communication needs" is on one line, its answer under it.
    key = page.locator(".app-details dt", has_text="Communication needs")
    height = key.evaluate("e => e.getBoundingClientRect().height")
    line = key.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert height < line * 1.5, "Communication needs is broken across lines"
    check_page(page, axe_check)

    # On every other page of their record the bar names them.
    page.goto(f"{live_server.url}{person.get_absolute_url()}edit/")
    expect(page.get_by_label("The person whose record this is")).to_contain_text("Jean Smith")
    check_page(page, axe_check)


@pytest.mark.browser_context_args(**PHONE)
def test_wellbeing_chart_and_table_are_readable_on_a_phone(
    alice_page: Page, live_server, alice, person, axe_check
):
    page = alice_page
    start = timezone.now() - dt.timedelta(days=400)
    for n in range(40):
        ConversationFactory(
            person=person,
            recorded_by=alice,
            # Closer together lately: the gaps on the chart should show it.
            happened_at=start + dt.timedelta(days=n * 10 if n < 30 else 300 + (n - 30)),
            life_satisfaction=n % 11,
            worthwhile=(n + 3) % 11,
            happiness=(n + 5) % 11,
            anxiety=(n + 7) % 11,
        )
    page.goto(f"{live_server.url}{person.get_absolute_url()}#how-they-are-doing")
    section = page.get_by_role("region", name="How they are doing")
    chart = section.get_by_role("img")
    expect(chart).to_have_count(1)  # the drawing for this width; the other is hidden
    sizes = chart.evaluate(
        """svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll("text")].map(
                t => parseFloat(getComputedStyle(t).fontSize) * scale);
        }"""
    )
    assert sizes and min(sizes) >= 12, f"chart labels are {min(sizes):.1f}px on a phone"
    # The date labels stay inside the drawing.
    inside = chart.evaluate(
        """svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll("text")].every(t => {
                const r = t.getBoundingClientRect();
                return r.left >= box.left - 1 && r.right <= box.right + 1;
            });
        }"""
    )
    assert inside, "a chart label is cut off"
    # Every column of the table fits on the screen.
    table_box = section.get_by_role("region", name="Wellbeing scores, oldest first")
    assert table_box.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table is cut off"
    last_header = table_box.locator("thead th").last
    expect(last_header).to_contain_text("Anxiety")
    last_header.scroll_into_view_if_needed()
    expect(last_header).to_be_in_viewport()
    check_page(page, axe_check)


@pytest.mark.browser_context_args(**PHONE)
def test_who_is_signed_in_and_whose_record_it_is_sit_in_landmarks(
    alice_page: Page, live_server, alice, person, axe_check
):
    """A screen reader moving by landmark reaches the line saying who is
    signed in and the bar naming the person: axe's "region" rule finds
    neither outside a landmark (the GOV.UK back link alone stays before
    <main>, where the skip link passes it)."""
    page = alice_page
    conversation = ConversationFactory(person=person, recorded_by=alice)
    page.goto(f"{live_server.url}{conversation.get_absolute_url()}")
    expect(page.get_by_role("banner")).to_contain_text("You are signed in as Alice Worker")
    expect(page.get_by_role("region", name="The person whose record this is")).to_contain_text(
        "Peggy"
    )
    outside = [
        node["html"]
        for violation in axe_check(page)
        if violation["id"] == "region"
        for node in violation["nodes"]
    ]
    assert not [html for html in outside if "govuk-back-link" not in html], outside


@pytest.mark.browser_context_args(**PHONE)
def test_on_a_phone_each_action_shows_when_it_is_due_without_scrolling_sideways(
    alice_page: Page, live_server, alice, person, axe_check
):
    """Six columns do not fit a phone: the table had scrolled sideways inside
    the page, with the due date and the Overdue tag out of sight and nothing
    to say they were there. Each action is now a block of labelled lines."""
    page = alice_page
    conversation = ConversationFactory(person=person, recorded_by=alice)
    AgreedActionFactory(
        conversation=conversation,
        what="Ring the GP about the hearing test",
        due=timezone.localdate() - dt.timedelta(days=3),
    )
    page.goto(f"{live_server.url}/actions/")
    row = page.get_by_role("row").filter(has_text="Ring the GP about the hearing test")
    lines = [row.locator(f'[data-label="{label}"]') for label in ("Due by", "Status")]
    for line in [*lines, row.get_by_text("Overdue")]:
        expect(line).to_be_visible()
        box = line.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # Each line says which column it is (a heading drawn before it).
    label = lines[0].evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Due by: "'
    table = page.get_by_role("table", name=re.compile(r"^\d+ actions?$"))
    assert table.bounding_box()["width"] <= 390
    check_page(page, axe_check)


@pytest.mark.browser_context_args(viewport={"width": 1280, "height": 900})
def test_a_button_naming_someone_with_a_long_name_fits_a_desktop_screen(
    alice_page: Page, live_server, alice, person, axe_check
):
    """ "Take … off their list" names the person in their life: a 150-letter
    name wraps inside the button instead of making the page 2,000 px wide."""
    from tests.factories import PersonInLifeFactory

    connection = PersonInLifeFactory(person=person, name="B" * 150, recorded_by=alice)
    alice_page.goto(
        f"{live_server.url}{person.get_absolute_url()}people-in-their-life/{connection.pk}/"
    )
    expect(alice_page.get_by_role("button", name=re.compile("off their list"))).to_be_visible()
    check_page(alice_page, axe_check)
