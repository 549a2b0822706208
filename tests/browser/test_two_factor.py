"""Two-factor sign-in in a real browser, at phone size: setting up an
authenticator app, and giving a code after the password."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.browser.phone import PHONE, assert_no_sideways_scrolling
from tests.conftest import PASSWORD


def app_code(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def sign_in_with_password(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser_context_args(**PHONE)
def test_a_manager_sets_up_an_app_on_a_phone(page: Page, live_server, bob, settings, axe_check):
    settings.REQUIRE_TWO_FACTOR = True
    sign_in_with_password(page, live_server, "bob@example.org")

    expect(page.get_by_role("heading", level=1, name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    device = TOTPDevice.objects.get(user=bob)
    key = page.locator("#secret-key")
    expect(key).to_be_visible()
    assert key.inner_text().replace(" ", "") == key.get_attribute("data-key")
    assert_no_sideways_scrolling(page)
    axe_check(page)

    # A mistyped code is explained, and the link leads to the box.
    page.get_by_label("Code").fill("12")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("The code is not correct")).click()
    expect(page.get_by_label("Code")).to_be_focused()
    assert_no_sideways_scrolling(page)
    axe_check(page)

    page.get_by_label("Code").fill(app_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Two-factor sign-in is on")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert_no_sideways_scrolling(page)
    axe_check(page)

    page.get_by_role("link", name="I have kept my recovery codes").click()
    # On to where signing in was going: a manager's team view.
    expect(page.get_by_role("heading", level=1, name="Your team")).to_be_visible()

    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1, name="Two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("You have 10 recovery codes left.")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)


@pytest.mark.browser_context_args(**PHONE)
def test_a_code_is_asked_after_the_password_on_a_phone(page: Page, live_server, alice, axe_check):
    device = TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    sign_in_with_password(page, live_server, "alice@example.org")

    heading = page.get_by_role(
        "heading", level=1, name="Enter the code from your authenticator app"
    )
    expect(heading).to_be_visible()
    code = page.get_by_label("Code")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    page.get_by_text("I cannot use my authenticator app").click()
    expect(page.get_by_text("Enter one of the recovery codes")).to_be_visible()
    assert_no_sideways_scrolling(page)
    axe_check(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the code")
    axe_check(page)

    page.get_by_label("Code").fill(app_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    axe_check(page)


@pytest.mark.browser_context_args(**PHONE)
def test_too_many_password_resets_from_one_place_on_a_phone(
    page: Page, live_server, alice, settings, axe_check, browser_problems
):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 1
    for _ in range(2):
        page.goto(f"{live_server.url}/accounts/password-reset/")
        page.get_by_label("Email address").fill("alice@example.org")
        page.get_by_role("button", name="Send the link").click()
    heading = "Too many requests to set a new password"
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    # Chromium reports the page's own status, 429, as a console error: expected.
    browser_problems.messages[:] = [
        message for message in browser_problems.messages if "status of 429" not in message
    ]
    assert_no_sideways_scrolling(page)
    axe_check(page)
