"""Checks every phone-size browser test makes."""

from __future__ import annotations

from playwright.sync_api import Page


def assert_no_sideways_scrolling(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"
