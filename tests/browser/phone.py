"""Checks every phone-size browser test makes."""

from __future__ import annotations

from playwright.sync_api import Page

# A phone's screen, as the browser tests use it: 390 CSS pixels wide.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def assert_no_sideways_scrolling(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"
