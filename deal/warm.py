"""Ready a new app server process before it answers anyone.

Django does some of its work on the first request that needs it: importing
every app's views (when the URLs are first resolved) and compiling each
template (kept afterwards by the cached loader). A process that has just
started, or replaced a worker that reached gunicorn's max_requests, would
make the first staff to reach it wait for that: 150 to 250 ms more on each
page, and seconds of queueing when fifty people sign in at once. gunicorn
calls warm_up() in each worker before it takes requests
(deal/gunicorn.conf.py, post_worker_init), then settle().
"""

from __future__ import annotations

import gc
import importlib
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver

# The template packs the project's own pages draw their forms with.
FORM_TEMPLATE_PACKS = ("crispy_forms_gds",)


def template_names() -> list[str]:
    """The project's templates and the form pack's, by the names pages
    load them by."""
    names = []
    roots = [Path(settings.BASE_DIR) / "templates"]
    for package in FORM_TEMPLATE_PACKS:
        module = importlib.import_module(package)
        roots.append(Path(module.__file__).parent / "templates")
    for root in roots:
        names += sorted(str(path.relative_to(root)) for path in root.rglob("*.html"))
    return names


def warm_up() -> list[str]:
    """Import every view and compile every template this process will draw.
    Returns the templates compiled."""
    get_resolver().url_patterns  # noqa: B018 - importing every app's views is the point
    engine = engines["django"]
    compiled = []
    for name in template_names():
        engine.get_template(name)
        compiled.append(name)
    return compiled


def settle() -> None:
    """Take what the process has loaded so far (Django, the apps, the
    compiled templates: over a hundred thousand objects that last its whole
    life) out of Python's full garbage collections. Each of those walked
    them all, about every 30 requests, for 60 to 100 ms: a request that
    met one was the slowest of its kind. Requests' own objects are
    collected as before."""
    gc.collect()
    gc.freeze()
