"""Connecting a person to a group from the conversation form, on a phone, in a
real browser, with axe-core on every page: find the group in the directory,
pick it as the action's name as you type, and see the connection on the
profile and on the group's page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conversations.models import AgreedAction
from directory.factories import CategoryFactory, ServiceFactory
from directory.models import Connection
from tests.browser.phone import PHONE, assert_no_sideways_scrolling
from tests.browser.test_conversations import (
    action_fieldset,
    fill_date,
    fill_when_and_where,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.browser

LONG_WORD = "W" * 300


@pytest.fixture
def jean(alice, wigan):
    return PersonFactory(
        given_name="Jean", family_name="Smith", preferred_name="", team=wigan, created_by=alice
    )


@pytest.fixture
def walking_group(db):
    ServiceFactory(name="Leigh lunch club", description="A hot lunch", areas=["Leigh"])
    return ServiceFactory(
        name="Thursday walking group",
        description=f"A gentle walk round Haigh Woodland Park, then tea. {LONG_WORD}",
        fees=f"Free {LONG_WORD}",
        areas=["Wigan", LONG_WORD],
        categories=[CategoryFactory(name="Walking")],
    )


@pytest.mark.browser_context_args(**PHONE)
def test_connect_a_person_to_a_group_from_the_conversation_form_on_a_phone(
    alice_page: Page, live_server, jean, walking_group, axe_check
):
    page = alice_page
    today = timezone.localdate()

    # Find the group in the directory.
    page.goto(f"{live_server.url}/directory/")
    expect(page.get_by_role("heading", level=1, name="Community directory")).to_be_visible()
    page.get_by_label("Name or what they offer").fill("walk")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 group found")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.get_by_role("link", name="Thursday walking group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thursday walking group")
    expect(page.get_by_text("Every Thursday, 10am to 11:30am")).to_be_visible()
    expect(page.get_by_text("0 people connected by your team")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)

    # Record a conversation with Jean; the group is offered as the name is typed.
    page.goto(f"{live_server.url}{jean.get_absolute_url()}")
    page.get_by_role("button", name="Record a conversation").click()
    expect(page.get_by_role("heading", level=1, name="Record a conversation")).to_be_visible()
    fill_when_and_where(page, day=today - dt.timedelta(days=1))
    action = action_fieldset(page, 1)
    action.get_by_label("What will happen").fill("Go along with Jean on Thursday")
    action.get_by_role("group", name="Who will do it").get_by_label(
        "A community group", exact=True
    ).check()
    name = action.get_by_label("Their name")
    expect(name).to_have_attribute("list", "owner-names")
    offered = page.locator("datalist#owner-names option")
    expect(offered).to_have_count(2)
    expect(
        page.locator('datalist#owner-names option[value="Thursday walking group"]')
    ).to_have_count(1)
    # Typing a few letters, then the browser's suggestion fills the box: the
    # list's own value, as picking it does.
    name.press_sequentially("Thurs")
    name.fill(page.locator("datalist#owner-names option").nth(1).get_attribute("value"))
    fill_date(action.get_by_role("group", name="Date it is due by"), today + dt.timedelta(days=7))
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.get_by_role("button", name="Save as complete").click()
    expect(page).to_have_url(re.compile(r"/conversations/\d+/$"))
    axe_check(page)

    saved = AgreedAction.objects.get(person=jean)
    assert saved.owner_name == "Thursday walking group"
    assert Connection.objects.get(action=saved).service == walking_group

    # The profile lists the group; the group's page lists Jean.
    page.goto(f"{live_server.url}{jean.get_absolute_url()}")
    groups = page.get_by_role("region", name="Groups they are connected to")
    expect(groups.get_by_role("link", name="Thursday walking group")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)
    groups.get_by_role("link", name="Thursday walking group").click()
    expect(page.get_by_text("1 person connected by your team")).to_be_visible()
    expect(page.get_by_role("link", name="Jean Smith")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)


@pytest.mark.browser_context_args(**PHONE)
def test_a_manager_adds_a_group_on_a_phone(sign_in, bob, live_server, axe_check):
    page = sign_in(bob)
    page.goto(f"{live_server.url}/directory/new/")
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.get_by_role("button", name="Add the group").click()
    expect(page.get_by_role("alert").get_by_text("Enter name")).to_be_visible()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("Golborne coffee and chat")
    page.get_by_role("group", name="Days it meets").get_by_label("Monday").check()
    page.get_by_label("Starts at").fill("10am")
    page.get_by_role("button", name="Add the group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Golborne coffee and chat")
    expect(page.get_by_text("Every Monday, from 10am")).to_be_visible()
    axe_check(page)


@pytest.mark.browser_context_args(**PHONE)
def test_the_directory_pages_through_many_groups_on_a_phone(
    alice_page: Page, live_server, axe_check
):
    page = alice_page
    ServiceFactory.create_batch(30, description=f"Tea and {LONG_WORD}", areas=["Wigan"])
    page.goto(f"{live_server.url}/directory/?area=wigan")
    expect(page.get_by_role("heading", name="30 groups found")).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages of groups")
    expect(pages.locator("[aria-current=page]")).to_have_text("1")
    assert_no_sideways_scrolling(page)
    axe_check(page)
    pages.get_by_role("link", name="Next").click()
    expect(
        page.get_by_role("navigation", name="Pages of groups").locator("[aria-current=page]")
    ).to_have_text("2")
    expect(page.get_by_label("Area or town")).to_have_value("wigan")
    assert_no_sideways_scrolling(page)
    axe_check(page)


@pytest.mark.browser_context_args(**PHONE)
def test_the_website_and_age_boxes_look_like_every_other_box_on_a_phone(
    sign_in, bob, live_server, axe_check, walking_group
):
    page = sign_in(bob)
    page.goto(f"{live_server.url}{walking_group.get_absolute_url()}edit/")
    assert_no_sideways_scrolling(page)
    axe_check(page)

    def look(label: str) -> list[str]:
        return page.get_by_label(label, exact=True).evaluate(
            "box => {const s = getComputedStyle(box);"
            " return [s.borderTopColor, s.borderTopWidth, s.fontFamily, s.height]}"
        )

    # The GOV.UK input's black 2px border, typeface and height; the browser's
    # own box is grey, in its own font.
    for label in ("Website", "Youngest age", "Oldest age"):
        assert look(label) == look("Name"), label
    page.get_by_label("Website", exact=True).fill("not a web address")
    page.get_by_label("Youngest age", exact=True).fill("200")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)
