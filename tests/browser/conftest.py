"""Real-browser tests: Playwright drives the Debian Chromium against the live server.

Every test under tests/browser is marked `browser`. Without /usr/bin/chromium
they are skipped, unless REQUIRE_BROWSER=1 (as in CI), when a missing browser
fails them, and a run in which no browser test ran, or one was skipped, fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from deal.models import User
from tests.browser.phone import PHONE
from tests.browser.required import CHROMIUM, browser_required, missing_browser_reason
from tests.conftest import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
AXE_URL_PATH = "/__browser-tests__/axe-core/axe.min.js"
AXE_ROUTE = f"**{AXE_URL_PATH}"

BROWSER_DIR = Path(__file__).resolve().parent


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


# --- Marking and skipping (tests/browser/required.py: never passing silently in CI)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the mark is added before `-m` deselects by it.
    skip = pytest.mark.skip(reason=missing_browser_reason())
    for item in items:
        if not _is_browser_test(item):
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists() and not browser_required():
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    if CHROMIUM.exists():
        return
    if browser_required():
        pytest.fail(f"REQUIRE_BROWSER=1: {missing_browser_reason()}", pytrace=False)
    pytest.skip(missing_browser_reason())


# --- Playwright and the live server -------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _live_server_over_http(request: pytest.FixtureRequest, django_db_setup) -> None:
    """Start the live server without the redirect to HTTPS: it speaks plain HTTP.

    SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server thread
    builds its handler, so the setting is changed only while the server starts
    (autouse and session-scoped: before any test asks for `live_server`) and no
    other test sees it changed. It starts after django_db_setup, the order
    pytest-django itself uses, so the server uses the test database. Secure
    cookies are kept: Chromium accepts them from http://localhost, a
    potentially trustworthy origin.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        request.getfixturevalue("live_server")


class BrowserProblems:
    """Script errors and Content Security Policy refusals seen on a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.messages.append(f"Script error: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.messages.append(f"Console error on {message.location.get('url')}: {message.text}")


@pytest.fixture
def browser_problems(page: Page) -> BrowserProblems:
    problems = BrowserProblems()
    problems.watch(page)
    return problems


def _format_violations(page: Page, violations: list[dict]) -> str:
    lines = [f"Accessibility violations on {page.url} ({page.title()!r}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    target {node['target']}: {node['html'][:200]}")
    return "\n".join(lines)


def _add_axe(page: Page) -> None:
    """Put axe-core into the page without loosening its Content Security Policy.

    add_script_tag(path=...) would write axe inline, which the policy
    (script-src 'self' + nonce) rightly refuses, and bypass_csp would hide any
    policy problem of the app's own. So axe is served, straight from
    node_modules, at a same-origin address that only this browser context knows.
    """
    context = page.context
    if not getattr(context, "_axe_routed", False):
        context.route(
            AXE_ROUTE,
            lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript"),
        )
        context._axe_routed = True
    origin = re.match(r"^https?://[^/]+", page.url).group(0)
    page.add_script_tag(url=f"{origin}{AXE_URL_PATH}")


@pytest.fixture
def axe_check(browser_problems: BrowserProblems) -> Callable[[Page], list[dict]]:
    """Run axe-core on the page as it is now; fail on serious or critical
    violations (and on any script error or console error seen so far).
    Returns every violation found, whatever its impact."""

    def check(page: Page) -> list[dict]:
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            _add_axe(page)
        results = page.evaluate(
            """async (tags) => await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            })""",
            AXE_TAGS,
        )
        violations = results["violations"]
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        if failing:
            pytest.fail(_format_violations(page, failing))
        if browser_problems.messages:
            pytest.fail(
                "\n".join([f"Problems in the browser on {page.url}:", *browser_problems.messages])
            )
        return violations

    return check


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Opens a page in a browser of its own at phone size (390 px), as a
    second person's phone: it shares no cookies with `page` or another one.
    Each is closed at the end of the test."""
    contexts: list[BrowserContext] = []

    def _phone_page() -> Page:
        contexts.append(browser.new_context(**PHONE))
        return contexts[-1].new_page()

    yield _phone_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(live_server, page: Page, axe_check) -> Callable[..., Page]:
    """Sign someone in through the real sign-in form (checked with
    axe-core): a user or an email address, in `page` unless another page
    is given (one from `phone_page`, for a second person). Returns the page,
    on the page they land on (a manager's team view, a worker's My work, an
    admin's or IG officer's own home)."""

    def _sign_in(who: User | str, *, page: Page = page, password: str = PASSWORD) -> Page:
        email = who if isinstance(who, str) else who.email
        page.goto(f"{live_server.url}/accounts/login/")
        axe_check(page)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        # Away from the sign-in page (which says who is signed in, when
        # someone already is), on a page for the one signed in.
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_text("You are signed in as")).to_be_visible()
        return page

    return _sign_in


@pytest.fixture
def alice_page(sign_in, alice) -> Page:
    """A page in which Alice (frontline, Wigan Central) has signed in."""
    return sign_in(alice)
