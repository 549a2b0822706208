"""The manager's team view in a real browser at phone size: landing on it,
the staff pulse, handing on a worker's work and commenting on a
conversation, with axe-core on every page and nothing wider than the phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conversations.models import AgreedAction, ConversationStatus
from deal import pulse
from deal.models import PulseAnswer
from tests.browser.phone import assert_no_sideways_scrolling
from tests.factories import AgreedActionFactory, ConversationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def team_work(alice, wigan, person, conversation):
    long_name = UserFactory(full_name="W" * 150, teams=[wigan])
    erin = UserFactory(full_name="Erin Colleague", teams=[wigan])
    for n in range(3):
        AgreedActionFactory(
            conversation=conversation, due=timezone.localdate() + dt.timedelta(days=n - 1)
        )
    other = PersonFactory(team=wigan, created_by=long_name, named_worker=alice)
    draft = ConversationFactory(
        person=other, recorded_by=long_name, status=ConversationStatus.DRAFT
    )
    draft.created_at = timezone.now() - dt.timedelta(days=9)
    draft.save()
    last_month = pulse.recent_months(2)[0]
    PulseAnswer.objects.bulk_create(
        [
            PulseAnswer(team=wigan, month=last_month, can_act=4, backed=5, right_job=3)
            for _ in range(6)
        ]
    )
    return erin


def test_a_manager_uses_the_team_view_on_a_phone(
    sign_in,
    phone_page,
    live_server,
    bob,
    alice,
    conversation,
    team_work,
    axe_check,
):
    erin = team_work
    page = phone_page()
    sign_in(bob, page=page)
    expect(page.get_by_role("heading", level=1, name="Your team")).to_be_visible()
    expect(page.get_by_text("Three quick questions")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)
    expect(page.get_by_role("cell", name="100%").first).to_be_visible()

    # The pulse: two answers, then sent.
    page.get_by_role("group", name="I can act on what people tell me").get_by_label(
        "Agree", exact=True
    ).check()
    page.get_by_role("group", name="My manager backs me").get_by_label("Strongly agree").check()
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_text("Your answers are kept without your name")).to_be_visible()
    expect(page.get_by_text("Three quick questions")).to_have_count(0)
    assert PulseAnswer.objects.count() == 7

    # A figure opens the list behind it.
    page.get_by_role("link", name="overdue action: Alice Worker").click()
    expect(page.get_by_role("heading", name="1 action")).to_be_visible()
    page.go_back()

    # Handing on Alice's work.
    page.get_by_role("link", name="Hand on Alice Worker’s work").click()
    axe_check(page)
    assert_no_sideways_scrolling(page)
    page.get_by_label("Erin Colleague").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before handing on")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)
    page.get_by_role("button", name="Hand on the work").click()
    expect(page.get_by_text("Alice Worker’s work is handed on")).to_be_visible()
    assert AgreedAction.objects.open().filter(responsible=erin).count() == 3
    axe_check(page)

    # A comment on Alice's conversation, and marking it reviewed.
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    axe_check(page)
    page.get_by_label("Comment for Alice Worker").fill("Good conversation. " + "x" * 300)
    page.get_by_label("Mark this conversation as reviewed").check()
    page.get_by_role("button", name="Save comment").click()
    expect(page.get_by_text("Your comment is saved")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)

    # The drafts list behind a figure.
    page.goto(f"{live_server.url}/team/")
    page.get_by_role("link", name="older than a week:").first.click()
    expect(page.get_by_role("heading", name="Drafts older than a week")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)


def test_a_manager_reviews_what_waits_for_review_on_a_phone(
    sign_in, phone_page, live_server, bob, alice, wigan, axe_check
):
    long_name = PersonFactory(
        team=wigan, created_by=alice, given_name="M" * 100, family_name="Hughes"
    )
    for n in range(3):
        at = timezone.now() - dt.timedelta(days=n + 1)
        ConversationFactory(person=long_name, recorded_by=alice, happened_at=at, completed_at=at)
    page = phone_page()
    sign_in(bob, page=page)
    page.get_by_role(
        "link", name="conversations from the last 90 days waiting for your review: Alice Worker"
    ).click()
    expect(
        page.get_by_role("heading", level=1, name="Conversations waiting for review")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="3 conversations")).to_be_visible()
    axe_check(page)
    assert_no_sideways_scrolling(page)

    page.get_by_role("link", name="First conversation with").first.click()
    page.get_by_label("Mark this conversation as reviewed").check()
    page.get_by_role("button", name="Save comment").click()
    expect(page.get_by_text("Your comment is saved")).to_be_visible()
    # Back on the team view, the figure and its list have one fewer.
    page.goto(f"{live_server.url}/team/")
    page.get_by_role(
        "link", name="conversations from the last 90 days waiting for your review: Alice Worker"
    ).click()
    expect(page.get_by_role("heading", name="2 conversations")).to_be_visible()
    axe_check(page)
