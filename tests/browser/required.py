"""A run that must drive a real browser (REQUIRE_BROWSER=1, as in CI) fails
when no browser test ran or one was skipped, rather than passing silently.

The hooks below are taken up by tests/conftest.py, not by the browser
tests' own conftest: with pytest-xdist the controller, which alone sees the
whole run, loads only the top conftest. Workers run the tests and the
controller hears of each, so the tally is kept from the reports (which both
see) and judged only on the controller, or in a run without workers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# CHROMIUM_PATH lets a developer point at another Chromium build.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
BROWSER_NODEID_PREFIX = "tests/browser/"

_RUN: dict = {"ran": 0, "skipped": []}


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip() == "1"


def missing_browser_reason() -> str:
    return f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run these"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.nodeid.startswith(BROWSER_NODEID_PREFIX):
        return
    if report.when == "call":
        _RUN["ran"] += 1
    if report.skipped and not hasattr(report, "wasxfail"):
        _RUN["skipped"].append(report.nodeid)


def problems(config: pytest.Config) -> list[str]:
    is_xdist_worker = hasattr(config, "workerinput")
    if not browser_required() or config.option.collectonly or is_xdist_worker:
        return []
    found = []
    if not _RUN["ran"]:
        found.append("REQUIRE_BROWSER=1 but no browser test ran")
    for nodeid in _RUN["skipped"]:
        found.append(f"REQUIRE_BROWSER=1 but a browser test was skipped: {nodeid}")
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if problems(session.config) and exitstatus in (
        pytest.ExitCode.OK,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    found = problems(config)
    if found:
        terminalreporter.section("browser tests required", sep="=", red=True, bold=True)
        for problem in found:
            terminalreporter.write_line(problem, red=True)
