"""/reports/ on a phone, in a real browser, with axe-core: the charts are
described images, each beside its table, and a long team name fits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conversations.models import ActionStatus
from conversations.reports import add_months
from deal.models import PulseAnswer
from tests.browser.phone import PHONE, assert_no_sideways_scrolling
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    ThemeFactory,
)

LONGEST_THEME = "W" * 60  # as long as a theme's name may be
LONGEST_TEAM = "T" * 120


@pytest.mark.browser_context_args(**PHONE)
def test_reports_on_a_phone(sign_in, bob, live_server, alice, wigan, axe_check, tmp_path):
    wigan.name = LONGEST_TEAM
    wigan.save()
    # Team reports are a manager's.
    page: Page = sign_in(bob)
    money, long_theme = ThemeFactory(name="Money"), ThemeFactory(name=LONGEST_THEME)
    now = timezone.now()
    for n in range(8):
        person = PersonFactory(team=wigan, created_by=alice)
        first = ConversationFactory(
            person=person,
            recorded_by=alice,
            happened_at=now - dt.timedelta(days=40 * n),
            life_satisfaction=n % 11,
        )
        first.themes.add(money if n % 3 else long_theme)
        ConversationFactory(person=person, recorded_by=alice, life_satisfaction=(n + 3) % 11)
        AgreedActionFactory(
            conversation=first,
            status=ActionStatus.DONE,
            due=timezone.localdate(),
            closed_at=now - dt.timedelta(days=1),
        )

    last_month = add_months(timezone.localdate().replace(day=1), -1)
    PulseAnswer.objects.bulk_create(
        [
            PulseAnswer(team=wigan, month=last_month, can_act=4, backed=n, right_job=2)
            for n in range(1, 6)
        ]
    )

    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    # On a phone only the narrow drawing of each chart is shown, as an image
    # named by its title.
    chart = page.get_by_role("img", name="Conversations each month")
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    expect(page.locator(".app-chart-fit--wide").first).to_be_hidden()
    expect(
        page.get_by_role("table", name="Conversations and people reached: the figures")
    ).to_be_visible()
    themes = page.get_by_role("table", name="Most common themes: the figures")
    expect(themes).to_contain_text(LONGEST_THEME)
    for heading in (
        "Conversations and people reached",
        "Actions agreed and done by their due date",
        "People who came back within 12 months",
        "Most common themes",
        "Change in wellbeing",
        "Staff pulse",
    ):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    # The staff pulse: a chart for each question, and its table.
    pulse_chart = page.get_by_role(
        "img",
        name="“My manager backs me when I take a sensible risk”: the share who agree each month",
    )
    expect(pulse_chart).to_be_visible()
    pulse = page.get_by_role("table", name="Staff pulse: the figures")
    expect(pulse.get_by_role("row").last).to_contain_text("Not over yet")
    expect(pulse.get_by_role("row").nth(-2)).to_contain_text("40%")
    assert_no_sideways_scrolling(page)
    axe_check(page)
    page.screenshot(path=str(tmp_path / "reports.png"), full_page=True)

    # Choosing the months through the form.
    this_month = timezone.localdate().replace(day=1)
    page.get_by_label("From", exact=True).select_option(f"{this_month:%Y-%m}")
    page.get_by_role("button", name="Show figures").click()
    table = page.get_by_role("table", name="Conversations and people reached: the figures")
    expect(table.get_by_role("row")).to_have_count(3)  # headings, the month, all months
    assert_no_sideways_scrolling(page)
    axe_check(page)

    # A month to before the month from is explained, and the link leads to it.
    page.get_by_label("To", exact=True).select_option(
        f"{this_month.replace(year=this_month.year - 1):%Y-%m}"
    )
    page.get_by_role("button", name="Show figures").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role(
        "link", name="The month to must be the same as or after the month from"
    ).click()
    expect(page.get_by_label("To", exact=True)).to_be_focused()
    axe_check(page)
