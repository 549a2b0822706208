"""Recording a conversation and following up what was agreed, in a real
browser, with axe-core run on every page visited: on a phone, without
JavaScript, as a draft, after the session ended under the worker's feet, and
with the warning that comes before it ends."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from conversations.models import (
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationKind,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    Owner,
    Place,
)
from people.models import EntryKind, ProfileEntry, WhatMatters
from tests.browser.phone import PHONE, assert_no_sideways_scrolling
from tests.conftest import PASSWORD
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    ProfileEntryFactory,
)

pytestmark = pytest.mark.browser

KEPT_NOTE = "We have put back what you typed before"
# The address at which the no-JavaScript page is shown again for axe.
SNAPSHOT_PATH = "/__browser-tests__/without-javascript/"


# --- Finding things on the page ---------------------------------------------------


def success_banner(page: Page) -> Locator:
    return page.get_by_role("alert", name="Success")


def action_fieldset(page: Page, number: int) -> Locator:
    """A new action's fieldset. The server calls it "Action 1"; MOJ Frontend's
    add-another renames it "action 1 of 3" (and "… (added)" while new)."""
    return page.get_by_role("group", name=re.compile(rf"^action {number}(?!\d)", re.IGNORECASE))


def fill_date(group: Locator, day: dt.date) -> None:
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(option: Locator) -> None:
    """Tick a radio or checkbox. A line just added in the browser can still be
    moving into view as the click lands (on a busy machine, while the page
    scrolls to it), and the click then misses; once more, after a frame, and
    the box must be ticked. A script that unticked it would still fail."""
    try:
        option.check()
    except PlaywrightError as error:
        if "did not change its state" not in str(error):
            raise
        option.page.evaluate("() => new Promise(requestAnimationFrame)")
        option.check()
    expect(option).to_be_checked()


def fill_action(
    fieldset: Locator,
    *,
    what: str,
    who: str,
    due: dt.date,
    staff: str | None = None,
    name: str | None = None,
) -> None:
    fieldset.get_by_label("What will happen").fill(what)
    choose(fieldset.get_by_role("group", name="Who will do it").get_by_label(who, exact=True))
    if staff is not None:
        fieldset.get_by_role("combobox", name="Member of staff who will do it").select_option(
            label=staff
        )
    if name is not None:
        fieldset.get_by_label("Their name").fill(name)
    # The date boxes, beside the quick choices ("In a week", "In a month").
    fill_date(fieldset.get_by_role("group", name="Date it is due by"), due)


def fill_when_and_where(page: Page, *, day: dt.date, time: str = "10:15") -> None:
    fill_date(page.get_by_role("group", name="Date of the conversation"), day)
    page.get_by_label("Time", exact=True).fill(time)
    page.get_by_role("group", name="Where").get_by_label("At their home").check()
    page.get_by_role("group", name="Kind of conversation").get_by_label(
        "First conversation"
    ).check()


def action_row(page: Page, what: str) -> Locator:
    return page.get_by_role("table", name="Agreed actions").get_by_role("row").filter(has_text=what)


def summary_value(page: Page, key: str) -> Locator:
    """The value beside `key` in a GOV.UK summary list."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_role("term").filter(has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.get_by_role("definition")


def record_page_url(live_server, person) -> re.Pattern:
    """The record page's address, which carries the new conversation's key."""
    return re.compile(
        rf"^{re.escape(live_server.url)}/people/{person.pk}/conversations/new/[0-9a-f-]{{36}}/"
        r"(#id_actions-\d+-what)?$"
    )


def kept_in_browser(page: Page, text: str) -> None:
    """Wait until static/js/keep-typed.mjs has kept `text` in localStorage (it
    writes 400 ms after the last keystroke)."""
    page.wait_for_function(
        """(text) => Object.keys(localStorage).some(
            (key) => key.startsWith('deal:kept:') && localStorage.getItem(key).includes(text))""",
        arg=text,
    )


# --- Fixtures -----------------------------------------------------------------------


@pytest.fixture
def jean(alice, wigan):
    jean = PersonFactory(
        given_name="Jean", family_name="Smith", preferred_name="", team=wigan, created_by=alice
    )
    ProfileEntryFactory(person=jean, kind=EntryKind.STRENGTH, text="Great at fixing bikes")
    return jean


@pytest.fixture
def record_url(live_server, jean) -> str:
    return f"{live_server.url}/people/{jean.pk}/conversations/new/"


@pytest.fixture
def record_page(live_server, jean) -> re.Pattern:
    """Where "Record a conversation" lands: its address carries the key."""
    return record_page_url(live_server, jean)


@pytest.fixture
def axe_check_without_js(
    browser: Browser, live_server, axe_check: Callable[[Page], list[dict]]
) -> Callable[[Page], list[dict]]:
    """axe-core for a page in a context with JavaScript switched off.

    There axe cannot run (its timers never fire), so the page as the server
    sent it, its scripts taken out, is shown again at the same origin in a
    context with JavaScript on, and checked there: the same markup and the same
    styles (GOV.UK Frontend's no-JavaScript look, as no `js-enabled` class is
    set) as the user without JavaScript sees.
    """
    context = browser.new_context()
    snapshot = context.new_page()
    html: dict[str, str] = {}
    context.route(
        f"**{SNAPSHOT_PATH}",
        lambda route: route.fulfill(body=html["page"], content_type="text/html; charset=utf-8"),
    )

    def check(page: Page) -> list[dict]:
        page.wait_for_load_state("load")
        html["page"] = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.DOTALL)
        snapshot.goto(f"{live_server.url}{SNAPSHOT_PATH}")
        return axe_check(snapshot)

    yield check
    context.close()


@pytest.fixture
def alice_page_without_js(page: Page, live_server, alice, axe_check_without_js) -> Page:
    """Alice signed in, in a context without JavaScript (set by the test's
    browser_context_args)."""
    page.goto(f"{live_server.url}/accounts/login/")
    # The page's own scripts did not run: the inline one would have set this.
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    axe_check_without_js(page)
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    return page


# --- The journeys -------------------------------------------------------------------


@pytest.mark.browser_context_args(**PHONE)
def test_record_a_conversation_with_three_actions_on_a_phone_then_follow_one_up(
    alice_page: Page, live_server, alice, bob, jean, axe_check
):
    page = alice_page
    assert page.viewport_size == {"width": 390, "height": 844}
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)

    page.goto(f"{live_server.url}{jean.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jean Smith")
    axe_check(page)

    page.get_by_role("button", name="Record a conversation").click()
    expect(page).to_have_url(record_page_url(live_server, jean))
    expect(page.get_by_role("heading", level=1, name="Record a conversation")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)

    page.get_by_label("What matters to them, in their own words").fill(
        "Getting back on my bike and riding to the allotment."
    )
    page.get_by_role("group", name="Strengths and interests you noticed").get_by_label(
        "Great at fixing bikes (strength)"
    ).check()
    page.get_by_label("New strengths").fill("Knows every cycle path in Wigan")
    fill_when_and_where(page, day=yesterday)
    page.get_by_label("Notes", exact=True).fill("Jean's knee is much better since the summer.")

    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    total_forms = page.locator('input[name="actions-TOTAL_FORMS"]')
    expect(total_forms).to_have_value("1")
    fill_action(
        action_fieldset(page, 1),
        what="Pump up the tyres and ride to the allotment",
        who="The person themself",
        due=today + dt.timedelta(days=7),
    )
    page.get_by_role("button", name="Add another action").click()
    # Added in the browser: no round trip, and Django is told of the new line.
    expect(page).to_have_url(record_page_url(live_server, jean))
    expect(action_fieldset(page, 2)).to_be_visible()
    expect(total_forms).to_have_value("2")
    expect(action_fieldset(page, 2).get_by_label("What will happen")).to_have_value("")
    fill_action(
        action_fieldset(page, 2),
        what="Ask about a place on the Bike Library scheme",
        who="A partner organisation",
        name="Wigan Bike Library",
        due=today + dt.timedelta(days=14),
    )
    page.get_by_role("button", name="Add another action").click()
    expect(action_fieldset(page, 3)).to_be_visible()
    expect(total_forms).to_have_value("3")
    fill_action(
        action_fieldset(page, 3),
        what="Ring Jean to see how the first ride went",
        who="A member of staff",
        staff="Alice Worker",
        due=today + dt.timedelta(days=21),
    )
    # What was typed in the first action is still there.
    expect(action_fieldset(page, 1).get_by_label("What will happen")).to_have_value(
        "Pump up the tyres and ride to the allotment"
    )
    assert_no_sideways_scrolling(page)
    axe_check(page)
    assert posts == [], "the action lines were added by a round trip to the server"

    page.get_by_role("button", name="Save as complete").click()

    expect(page).to_have_url(re.compile(r"/conversations/\d+/$"))  # saved by now
    conversation = Conversation.objects.get(person=jean)
    expect(page).to_have_url(f"{live_server.url}/conversations/{conversation.pk}/")
    expect(success_banner(page)).to_contain_text("The conversation has been recorded")
    expect(page.get_by_role("table", name="Agreed actions").get_by_role("row")).to_have_count(4)
    expect(
        action_row(page, "Pump up the tyres and ride to the allotment").get_by_role("cell").nth(1)
    ).to_have_text("Jean Smith (themself)")
    expect(
        action_row(page, "Ask about a place on the Bike Library scheme").get_by_role("cell").nth(1)
    ).to_have_text("Wigan Bike Library (partner organisation)")
    expect(
        action_row(page, "Ring Jean to see how the first ride went").get_by_role("cell").nth(1)
    ).to_have_text("Alice Worker")
    axe_check(page)

    assert conversation.status == ConversationStatus.COMPLETE
    assert conversation.recorded_by == alice
    assert conversation.place == Place.HOME
    assert conversation.kind == ConversationKind.FIRST
    assert timezone.localtime(conversation.happened_at).date() == yesterday
    assert timezone.localtime(conversation.happened_at).time() == dt.time(10, 15)
    assert conversation.what_matters == "Getting back on my bike and riding to the allotment."
    assert sorted(e.text for e in conversation.profile_entries.all()) == [
        "Great at fixing bikes",
        "Knows every cycle path in Wigan",
    ]
    new_strength = ProfileEntry.objects.get(text="Knows every cycle path in Wigan")
    assert (new_strength.person, new_strength.kind) == (jean, EntryKind.STRENGTH)
    actions = {a.what: a for a in conversation.actions.all()}
    assert len(actions) == 3
    themselves = actions["Pump up the tyres and ride to the allotment"]
    partner = actions["Ask about a place on the Bike Library scheme"]
    worker = actions["Ring Jean to see how the first ride went"]
    assert (themselves.owner_type, themselves.owner_user, themselves.owner_name) == (
        Owner.PERSON,
        None,
        "",
    )
    assert (partner.owner_type, partner.owner_name) == (Owner.PARTNER, "Wigan Bike Library")
    assert (worker.owner_type, worker.owner_user) == (Owner.STAFF, alice)
    assert [a.due for a in (themselves, partner, worker)] == [
        today + dt.timedelta(days=7),
        today + dt.timedelta(days=14),
        today + dt.timedelta(days=21),
    ]

    # Follow Alice's own action up to done.
    page.get_by_role("link", name="Ring Jean to see how the first ride went").click()
    expect(page).to_have_url(f"{live_server.url}/actions/{worker.pk}/")
    expect(
        page.get_by_role("heading", level=1, name="Ring Jean to see how the first ride went")
    ).to_be_visible()
    expect(summary_value(page, "Status")).to_have_text("Open")
    expect(page.get_by_text("Nothing yet.")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)

    page.get_by_role("group", name="Status").get_by_label("Done", exact=True).check()
    page.get_by_label("Follow-up note").fill("She rode there and back without stopping.")
    page.get_by_role("button", name="Save follow-up").click()

    # Still on the action, and still offered the way back to the conversation.
    expect(page).to_have_url(
        f"{live_server.url}/actions/{worker.pk}/?back=%2Fconversations%2F{conversation.pk}%2F"
    )
    expect(page.get_by_role("link", name="Back to the conversation")).to_be_visible()
    expect(success_banner(page)).to_contain_text(
        "Follow-up saved: it is now marked done, your note has been added"
    )
    expect(summary_value(page, "Status")).to_have_text("Done")
    expect(
        page.get_by_role("heading", level=3, name="Status changed from open to done")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Note")).to_be_visible()
    expect(page.get_by_text("She rode there and back without stopping.")).to_be_visible()
    expect(page.get_by_text("by Alice Worker")).to_have_count(2)
    assert_no_sideways_scrolling(page)
    axe_check(page)

    statuses = dict(AgreedAction.objects.values_list("what", "status"))
    assert statuses == {
        "Pump up the tyres and ride to the allotment": ActionStatus.OPEN,
        "Ask about a place on the Bike Library scheme": ActionStatus.OPEN,
        "Ring Jean to see how the first ride went": ActionStatus.DONE,
    }
    worker.refresh_from_db()
    assert worker.closed_at is not None
    trail = list(
        FollowUp.objects.order_by("id").values_list("action", "kind", "to_status", "note", "by")
    )
    assert trail == [
        (worker.pk, FollowUpKind.STATUS, ActionStatus.DONE, "", alice.pk),
        (worker.pk, FollowUpKind.NOTE, "", "She rode there and back without stopping.", alice.pk),
    ]


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_add_another_action_without_javascript_keeps_what_was_typed(
    alice_page_without_js: Page,
    live_server,
    alice,
    jean,
    record_url,
    record_page,
    axe_check_without_js,
):
    page = alice_page_without_js
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)

    page.goto(record_url)
    expect(page.get_by_role("heading", level=1, name="Record a conversation")).to_be_visible()
    axe_check_without_js(page)

    page.get_by_label("What matters to them, in their own words").fill("Seeing my sister again.")
    page.get_by_role("group", name="Strengths and interests you noticed").get_by_label(
        "Great at fixing bikes (strength)"
    ).check()
    page.get_by_label("New strengths").fill("Writes good letters")
    fill_when_and_where(page, day=yesterday, time="2.30pm")
    page.get_by_label("Notes", exact=True).fill("Her sister lives in Leigh.")
    fill_action(
        action_fieldset(page, 1),
        what="Write to her sister",
        who="The person themself",
        due=today + dt.timedelta(days=10),
    )

    with page.expect_request(lambda r: r.method == "POST" and record_page.match(r.url)) as sent:
        page.get_by_role("button", name="Add another action").click()
    assert "add_action=1" in (sent.value.post_data or "")

    # The server drew the page again, with a second line and everything kept.
    expect(page).to_have_url(record_page)
    expect(page.get_by_role("heading", level=1, name="Record a conversation")).to_be_visible()
    expect(page).not_to_have_title(re.compile(r"\(error\)"))
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("group", name=re.compile(r"^action \d", re.IGNORECASE))).to_have_count(
        2
    )
    expect(page.get_by_label("What matters to them, in their own words")).to_have_value(
        "Seeing my sister again."
    )
    expect(page.get_by_label("Great at fixing bikes (strength)")).to_be_checked()
    expect(page.get_by_label("New strengths")).to_have_value("Writes good letters")
    when = page.get_by_role("group", name="Date of the conversation")
    expect(when.get_by_label("Day")).to_have_value(str(yesterday.day))
    expect(when.get_by_label("Month")).to_have_value(str(yesterday.month))
    expect(when.get_by_label("Year")).to_have_value(str(yesterday.year))
    expect(page.get_by_label("Time", exact=True)).to_have_value("2.30pm")
    expect(page.get_by_label("At their home")).to_be_checked()
    expect(page.get_by_label("First conversation")).to_be_checked()
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Her sister lives in Leigh.")
    first = action_fieldset(page, 1)
    expect(first.get_by_label("What will happen")).to_have_value("Write to her sister")
    expect(first.get_by_label("The person themself", exact=True)).to_be_checked()
    due = first.get_by_role("group", name="Due by")
    expect(due.get_by_label("Day")).to_have_value(str((today + dt.timedelta(days=10)).day))
    second = action_fieldset(page, 2)
    expect(second.get_by_label("What will happen")).to_have_value("")
    # Back at the new line, not at the top of a long page.
    expect(second.get_by_label("What will happen")).to_be_focused()
    assert page.url.endswith("#id_actions-1-what")
    assert page.evaluate("window.scrollY") > 500
    expect(page.get_by_role("button", name="Remove action 2")).to_be_visible()
    axe_check_without_js(page)

    fill_action(
        second,
        what="Find out the bus times to Leigh",
        who="A member of staff",
        staff="Alice Worker",
        due=today + dt.timedelta(days=5),
    )
    page.get_by_role("button", name="Save as complete").click()

    expect(page).to_have_url(re.compile(r"/conversations/\d+/$"))  # saved by now
    conversation = Conversation.objects.get(person=jean)
    expect(page).to_have_url(f"{live_server.url}/conversations/{conversation.pk}/")
    expect(success_banner(page)).to_contain_text("The conversation has been recorded")
    expect(action_row(page, "Write to her sister").get_by_role("cell").nth(1)).to_have_text(
        "Jean Smith (themself)"
    )
    expect(
        action_row(page, "Find out the bus times to Leigh").get_by_role("cell").nth(1)
    ).to_have_text("Alice Worker")
    axe_check_without_js(page)

    assert conversation.status == ConversationStatus.COMPLETE
    assert timezone.localtime(conversation.happened_at).time() == dt.time(14, 30)
    assert conversation.notes == "Her sister lives in Leigh."
    assert sorted(conversation.actions.values_list("what", "owner_type")) == [
        ("Find out the bus times to Leigh", Owner.STAFF),
        ("Write to her sister", Owner.PERSON),
    ]
    assert sorted(e.text for e in conversation.profile_entries.all()) == [
        "Great at fixing bikes",
        "Writes good letters",
    ]


def test_save_a_draft_then_finish_it_from_my_work(
    alice_page: Page, live_server, alice, jean, record_url, axe_check
):
    page = alice_page
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)

    page.goto(record_url)
    axe_check(page)
    page.get_by_label("What matters to them, in their own words").fill("A warm flat this winter.")
    fill_date(page.get_by_role("group", name="Date of the conversation"), yesterday)
    page.get_by_label("Time", exact=True).fill("11:00")
    fill_action(
        action_fieldset(page, 1),
        what="Apply for the warm home discount",
        who="The person themself",
        due=today + dt.timedelta(days=7),
    )
    # Where and what kind may wait for a draft.
    page.get_by_role("button", name="Save as a draft").click()

    expect(page).to_have_url(re.compile(r"/conversations/\d+/$"))  # saved by now
    draft = Conversation.objects.get(person=jean)
    assert draft.status == ConversationStatus.DRAFT
    assert (draft.place, draft.kind) == ("", "")
    expect(page).to_have_url(f"{live_server.url}/conversations/{draft.pk}/")
    expect(success_banner(page)).to_contain_text(
        "Your draft has been saved. You can finish it from My work."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft")
    axe_check(page)

    page.get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Drafts to finish")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Finish the conversation with Jean Smith")).click()

    expect(page).to_have_url(f"{live_server.url}/conversations/{draft.pk}/edit/")
    expect(page.get_by_role("heading", level=1, name="Finish the conversation")).to_be_visible()
    expect(page.get_by_label("What matters to them, in their own words")).to_have_value(
        "A warm flat this winter."
    )
    saved_action = page.get_by_role("group", name="Agreed action 1")
    expect(saved_action.get_by_label("What will happen")).to_have_value(
        "Apply for the warm home discount"
    )
    axe_check(page)

    # Completing without where and what kind is explained.
    page.get_by_role("button", name="Save as complete").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Select where the conversation happened", "Select the kind of conversation"]
    )
    axe_check(page)

    page.get_by_role("group", name="Where").get_by_label("Phone call").check()
    page.get_by_role("group", name="Kind of conversation").get_by_label("Follow-up").check()
    page.get_by_role("button", name="Save as complete").click()

    expect(page).to_have_url(f"{live_server.url}/conversations/{draft.pk}/")
    expect(success_banner(page)).to_contain_text("The conversation has been recorded")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Draft")
    expect(action_row(page, "Apply for the warm home discount")).to_be_visible()
    axe_check(page)

    draft.refresh_from_db()
    assert draft.status == ConversationStatus.COMPLETE
    assert draft.completed_at is not None
    assert (draft.place, draft.kind) == (Place.PHONE, ConversationKind.FOLLOW_UP)
    assert Conversation.objects.count() == 1
    assert list(draft.actions.values_list("what", flat=True)) == [
        "Apply for the warm home discount"
    ]

    page.get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=2, name="Drafts to finish")).to_have_count(0)


def test_add_actions_with_javascript_while_finishing_a_draft_that_has_one(
    alice_page: Page, live_server, alice, jean, axe_check
):
    """The finishing page shows the saved action and a spare line, which MOJ
    Frontend's add-another copies to add more."""
    page = alice_page
    today = timezone.localdate()
    draft = ConversationFactory(
        person=jean, recorded_by=alice, status=ConversationStatus.DRAFT, completed_at=None
    )
    AgreedActionFactory(conversation=draft, what="Apply for the warm home discount")

    page.goto(f"{live_server.url}/conversations/{draft.pk}/edit/")
    expect(page.get_by_role("heading", level=1, name="Finish the conversation")).to_be_visible()
    expect(page.get_by_role("group", name="Agreed action 1")).to_be_visible()
    total_forms = page.locator('input[name="actions-TOTAL_FORMS"]')
    expect(total_forms).to_have_value("1")
    axe_check(page)

    fill_action(
        page.get_by_role("group", name=re.compile(r"^(new )?action 1(?!\d)", re.IGNORECASE)),
        what="Ring the energy company",
        who="A member of staff",
        staff="Alice Worker",
        due=today + dt.timedelta(days=3),
    )
    page.get_by_role("button", name="Add another action").click()
    expect(action_fieldset(page, 2)).to_be_visible()
    expect(total_forms).to_have_value("2")
    fill_action(
        action_fieldset(page, 2),
        what="Go to the warm space at the library on Tuesday",
        who="The person themself",
        due=today + dt.timedelta(days=6),
    )
    page.get_by_role("group", name="Where").get_by_label("Phone call").check()
    page.get_by_role("group", name="Kind of conversation").get_by_label("Follow-up").check()
    axe_check(page)
    page.get_by_role("button", name="Save as complete").click()

    expect(page).to_have_url(f"{live_server.url}/conversations/{draft.pk}/")
    expect(success_banner(page)).to_contain_text("The conversation has been recorded")
    expect(page.get_by_role("table", name="Agreed actions").get_by_role("row")).to_have_count(4)
    expect(
        action_row(page, "Go to the warm space at the library on Tuesday")
        .get_by_role("cell")
        .nth(1)
    ).to_have_text("Jean Smith (themself)")
    axe_check(page)
    assert sorted(draft.actions.values_list("what", "owner_type")) == [
        ("Apply for the warm home discount", Owner.STAFF),
        ("Go to the warm space at the library on Tuesday", Owner.PERSON),
        ("Ring the energy company", Owner.STAFF),
    ]


def test_what_was_typed_comes_back_after_the_session_ended(
    alice_page: Page, live_server, alice, jean, record_url, record_page, axe_check
):
    page = alice_page
    what_matters = "Getting my allotment back in shape by the spring."
    notes = "Jean brought photos of the allotment from last year."

    page.goto(record_url)
    axe_check(page)
    page.get_by_label("What matters to them, in their own words").fill(what_matters)
    page.get_by_role("group", name="Where").get_by_label("At their home").check()
    page.get_by_role("group", name="Kind of conversation").get_by_label(
        "First conversation"
    ).check()
    page.get_by_label("Notes", exact=True).fill(notes)
    kept_in_browser(page, notes)

    # The session ends on the server (an idle timeout, a restart that lost it).
    Session.objects.all().delete()
    page.get_by_role("button", name="Save as complete").click()

    expect(page).to_have_url(
        re.compile(rf"/accounts/login/\?next=/people/{jean.pk}/conversations/new/[0-9a-f-]{{36}}/$")
    )
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert Conversation.objects.count() == 0
    axe_check(page)
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(record_page)
    expect(page.get_by_role("heading", level=1, name="Record a conversation")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=KEPT_NOTE)).to_be_visible()
    expect(page.get_by_label("What matters to them, in their own words")).to_have_value(
        what_matters
    )
    expect(page.get_by_label("Notes", exact=True)).to_have_value(notes)
    expect(page.get_by_label("At their home")).to_be_checked()
    expect(page.get_by_label("First conversation")).to_be_checked()
    axe_check(page)

    page.get_by_role("button", name="Save as complete").click()

    expect(page).to_have_url(re.compile(r"/conversations/\d+/$"))  # saved by now
    conversation = Conversation.objects.get()
    expect(page).to_have_url(f"{live_server.url}/conversations/{conversation.pk}/")
    expect(success_banner(page)).to_contain_text("The conversation has been recorded")
    axe_check(page)
    assert (conversation.what_matters, conversation.notes) == (what_matters, notes)
    assert conversation.status == ConversationStatus.COMPLETE
    assert WhatMatters.objects.filter(person=jean, text=what_matters).count() == 1

    # Saved, so the copy kept in the browser has gone: a new form is empty.
    page.goto(f"{live_server.url}{jean.get_absolute_url()}")
    page.get_by_role("button", name="Record a conversation").click()
    expect(page.get_by_role("heading", level=1, name="Record a conversation")).to_be_visible()
    # What matters now is shown, and left as it is unless she says it changed.
    expect(page.get_by_text(what_matters)).to_be_visible()
    expect(
        page.get_by_role("group", name="Has what matters to them changed?").get_by_label(
            "No, it is the same"
        )
    ).to_be_checked()
    expect(page.get_by_label("What matters to them now, in their own words")).to_be_hidden()
    expect(page.get_by_label("Notes", exact=True)).to_have_value("")
    expect(page.get_by_text(KEPT_NOTE)).to_have_count(0)
    assert not page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('deal:kept:'))"
    )
    axe_check(page)
    assert Conversation.objects.count() == 1


def test_warned_before_the_session_ends_and_stay_signed_in(
    alice_page: Page, live_server, jean, record_url, axe_check
):
    page = alice_page
    # Warned 5 minutes before an idle session ends (by default after an hour).
    warn_after = (settings.SESSION_COOKIE_AGE - 5 * 60) * 1000
    assert warn_after > 60_000
    page.clock.install()
    page.goto(record_url)
    page.get_by_label("Notes", exact=True).fill("Half-written notes")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward(warn_after + 1000)

    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("We will sign you out in 5 minutes")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog.get_by_role("link", name="Sign in again")).to_be_visible()
    axe_check(page)

    session_ends = Session.objects.get().expire_date
    with page.expect_response(re.compile(r"/accounts/keep-alive/$")) as answer:
        stay.click()
    assert answer.value.request.method == "POST"
    assert answer.value.status == 200
    expect(dialog).to_be_hidden()
    assert Session.objects.get().expire_date > session_ends
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Half-written notes")

    # The clock started again: no warning until as long again.
    page.clock.fast_forward(warn_after - 60_000)
    expect(dialog).to_be_hidden()
    page.clock.fast_forward(61_000)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("We will sign you out in 5 minutes")

    # Doing nothing for the last 5 minutes: signed out, and no offer to stay.
    page.clock.fast_forward(5 * 60 * 1000)
    expect(dialog).to_contain_text("You have been signed out. Sign in again to carry on.")
    expect(stay).to_be_hidden()
    expect(dialog.get_by_role("link", name="Sign in again")).to_be_visible()
    axe_check(page)


# --- Safe on a phone: Enter, Back, drafts ------------------------------------------


@pytest.mark.browser_context_args(**PHONE)
def test_enter_in_the_time_field_does_not_complete_the_conversation(
    alice_page: Page, record_url, jean, axe_check
):
    page = alice_page
    page.goto(record_url)
    fill_when_and_where(page, day=timezone.localdate() - dt.timedelta(days=1))
    page.get_by_label("Time", exact=True).press("Enter")
    page.wait_for_load_state("load")
    assert not Conversation.objects.filter(status=ConversationStatus.COMPLETE).exists()
    # At most it saved a draft, and says so.
    expect(success_banner(page)).to_contain_text("Your draft has been saved")
    assert Conversation.objects.get(person=jean).is_draft
    assert_no_sideways_scrolling(page)
    axe_check(page)


@pytest.mark.browser_context_args(**PHONE)
def test_back_then_save_again_makes_one_conversation(
    alice_page: Page, live_server, record_url, jean, axe_check
):
    page = alice_page
    page.goto(record_url)
    expect(page).to_have_url(record_page_url(live_server, jean))
    fill_when_and_where(page, day=timezone.localdate() - dt.timedelta(days=1))
    fill_action(
        action_fieldset(page, 1),
        what="Ring the bike shop",
        who="The person themself",
        due=timezone.localdate() + dt.timedelta(days=7),
    )
    page.get_by_role("button", name="Save as complete").click()
    expect(success_banner(page)).to_contain_text("The conversation has been recorded")
    conversation = Conversation.objects.get(person=jean)

    page.go_back()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("This conversation is already saved")
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.get_by_role("link", name="See the conversation").click()
    expect(page).to_have_url(f"{live_server.url}{conversation.get_absolute_url()}")
    assert Conversation.objects.count() == 1
    assert AgreedAction.objects.count() == 1


@pytest.mark.browser_context_args(**PHONE)
def test_back_to_a_saved_draft_then_save_again_adds_its_new_action_once(
    alice_page: Page, live_server, alice, jean
):
    """Going Back to a page the browser once filled in must not put the new
    action typed there into the spare line again, next to its saved copy."""
    page = alice_page
    draft = ConversationFactory(
        person=jean, recorded_by=alice, status=ConversationStatus.DRAFT, completed_at=None
    )
    AgreedActionFactory(conversation=draft, what="Apply for the warm home discount")
    page.goto(f"{live_server.url}/conversations/{draft.pk}/edit/")
    action_fieldset(page, 1).get_by_label("What will happen").fill("Ask about the lunch club")
    page.get_by_role("button", name="Save as a draft").click()
    expect(success_banner(page)).to_contain_text("Your draft has been saved")

    page.go_back()
    page.wait_for_load_state("load")
    expect(page.get_by_role("group", name="Agreed action 2")).to_be_visible()
    expect(action_fieldset(page, 1).get_by_label("What will happen")).to_have_value("")
    page.get_by_role("button", name="Save as a draft").click()
    expect(success_banner(page)).to_be_visible()
    assert draft.actions.filter(what="Ask about the lunch club").count() == 1


@pytest.mark.browser_context_args(**PHONE)
def test_a_draft_with_an_unfinished_action_saves_stays_out_of_lists_and_is_discarded(
    alice_page: Page, live_server, record_url, jean, axe_check
):
    page = alice_page
    page.goto(record_url)
    action_fieldset(page, 1).get_by_label("What will happen").fill("Find out about the choir")
    page.get_by_role("button", name="Save as a draft").click()
    expect(success_banner(page)).to_contain_text("Your draft has been saved")
    draft = Conversation.objects.get(person=jean)
    assert draft.is_draft

    page.goto(f"{live_server.url}/actions/?status=any&owner=anyone")
    expect(page.get_by_text("Find out about the choir")).to_have_count(0)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    expect(page.get_by_role("link", name=re.compile("Summary for"))).to_have_count(0)
    page.get_by_role("link", name="Discard this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discard this draft?")
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.get_by_role("button", name="Discard the draft").click()
    expect(success_banner(page)).to_contain_text("The draft has been discarded")
    expect(page).to_have_url(f"{live_server.url}{jean.get_absolute_url()}")
    draft.refresh_from_db()
    assert draft.status == ConversationStatus.DISCARDED
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Find out about the choir")).to_have_count(0)


@pytest.mark.browser_context_args(**PHONE)
def test_quick_due_dates_and_only_the_box_that_fits_who_will_do_it(
    alice_page: Page, record_url, jean, axe_check
):
    page = alice_page
    page.goto(record_url)
    # Today at midnight: any later time of day is in the future for a run before it.
    fill_when_and_where(page, day=timezone.localdate(), time="00:00")
    first = action_fieldset(page, 1)
    first.get_by_label("What will happen").fill("Ask the choir about Thursdays")
    who = first.get_by_role("group", name="Who will do it")
    staff_list = first.get_by_role("combobox", name="Member of staff who will do it")
    name_box = first.get_by_label("Their name")
    who.get_by_label("A community group", exact=True).check()
    expect(staff_list).to_be_hidden()
    expect(name_box).to_be_visible()
    name_box.fill("St Paul's choir")
    who.get_by_label("A member of staff", exact=True).check()
    expect(staff_list).to_be_visible()
    expect(name_box).to_be_hidden()
    who.get_by_label("A community group", exact=True).check()
    dates = first.get_by_role("group", name="Date it is due by")
    expect(dates).to_be_visible()
    first.get_by_label("In two weeks").check()
    expect(dates).to_be_hidden()
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.get_by_role("button", name="Save as complete").click()
    expect(success_banner(page)).to_contain_text("The conversation has been recorded")
    action = AgreedAction.objects.get()
    assert action.due == timezone.localdate() + dt.timedelta(days=14)
    assert (action.owner_type, action.owner_name) == (Owner.COMMUNITY, "St Paul's choir")


def test_a_short_summary_prints_on_one_a4_page(alice_page: Page, live_server, alice, jean, wigan):
    wigan.contact_phone = "01942 404 404"
    wigan.save()
    conversation = ConversationFactory(
        person=jean,
        recorded_by=alice,
        what_matters="Getting back on my bike and riding to the allotment with my grandson.",
    )
    for what in (
        "Pump up the tyres and ride to the allotment",
        "Ask the Bike Library about a place on their scheme",
        "Ring Jean to see how the first ride went",
    ):
        AgreedActionFactory(conversation=conversation, what=what)
    page = alice_page
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/summary/")
    expect(page.get_by_text("Phone the team: 01942 404 404")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the summary printed on {pages} pages"


@pytest.mark.browser_context_args(**PHONE)
def test_on_a_phone_the_actions_list_comes_first_and_the_filter_opens_on_request(
    alice_page: Page, live_server, alice, jean, axe_check
):
    conversation = ConversationFactory(person=jean, recorded_by=alice)
    AgreedActionFactory(conversation=conversation, what="Ring the bike shop")
    page = alice_page
    page.goto(f"{live_server.url}/actions/")
    expect(page.get_by_role("link", name="Ring the bike shop")).to_be_visible()
    apply = page.get_by_role("button", name="Apply filters")
    expect(apply).to_be_hidden()
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.get_by_role("button", name="Show filter").click()
    expect(apply).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(apply).to_be_hidden()
    expect(page.get_by_role("link", name="Ring the bike shop")).to_be_visible()
