"""Helpers for tests that use pages as a user sees them (django-webtest)."""

from __future__ import annotations


def error_summary_links(response) -> list[tuple[str, str]]:
    """(target id, message) of each link in the page's error summary."""
    summary = response.html.select_one(".govuk-error-summary")
    assert summary is not None, "no error summary on the page"
    return [
        (link["href"].removeprefix("#"), link.get_text(strip=True))
        for link in summary.select("a[href^='#']")
    ]


def error_messages(response) -> list[str]:
    return [message for _, message in error_summary_links(response)]


def assert_error_summary_links_resolve(response) -> list[tuple[str, str]]:
    """Every link of the error summary leads to an element of the page: for a
    field, an input, select or textarea inside one of the page's forms. And
    every error shown beside a field is also in the summary."""
    html = response.html
    links = error_summary_links(response)
    assert links, "an error summary with no links"
    form_controls = {
        element["id"]
        for form in html.select("form")
        for element in form.select("input[id], select[id], textarea[id]")
    }
    for target, message in links:
        element = html.find(id=target)
        assert element is not None, f"the error {message!r} links to #{target}, not in the page"
        if target != "main-content":
            assert target in form_controls, (
                f"the error {message!r} links to #{target}, which is not a field of a form"
            )
    inline = html.select(".govuk-error-message")
    assert len(inline) <= len(links), "an error beside a field is missing from the summary"
    return links
