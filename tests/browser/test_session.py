"""The warning before a session reaches its absolute limit, in a browser."""

from __future__ import annotations

import time

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from deal.session import SIGNED_IN_AT


def test_warned_before_the_absolute_limit_with_no_offer_to_stay(
    alice_page: Page, live_server, axe_check
):
    page = alice_page
    # Signed in 10 hours less 8 minutes ago: the limit comes before the idle end.
    session = SessionStore(session_key=Session.objects.get().session_key)
    session[SIGNED_IN_AT] = int(time.time()) - (10 * 60 * 60 - 8 * 60)
    session.save()
    page.clock.install()
    page.goto(f"{live_server.url}/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward(3 * 60 * 1000 + 2000)

    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("because you signed in a long time ago")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    expect(dialog.get_by_role("link", name="Sign in again")).to_be_visible()
    axe_check(page)
