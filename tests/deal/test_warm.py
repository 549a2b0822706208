"""A new app server process compiles every template before it takes requests
(deal/warm.py, called from gunicorn's post_worker_init), so the first staff
to reach it do not wait for that."""

import gc
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

GUNICORN_CONF = Path(settings.BASE_DIR) / "deal" / "gunicorn.conf.py"


@pytest.fixture(autouse=True)
def unfrozen():
    """The hook freezes what this test process holds; thaw it after."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def cached_templates() -> dict:
    loader = engines["django"].engine.template_loaders[0]
    return loader.get_template_cache


def test_a_new_worker_has_every_template_compiled_before_its_first_request():
    engines["django"].engine.template_loaders[0].reset()
    assert "people/detail.html" not in cached_templates()
    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    hook(worker=None)
    ours = sorted(
        str(path.relative_to(Path(settings.BASE_DIR) / "templates"))
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    )
    missing = [name for name in ours if name not in cached_templates()]
    assert not missing
    # The forms' template pack too: every page with a form draws from it.
    assert "gds/layout/field_errors.html" in cached_templates()


def test_a_worker_that_cannot_warm_up_says_so_and_serves_on(monkeypatch):
    """gunicorn stops the whole server when this hook raises: a template
    that will not compile should break its own page, not every page."""
    import deal.warm

    def broken():
        raise RuntimeError("a template that will not compile")

    monkeypatch.setattr(deal.warm, "warm_up", broken)
    logged = []

    class Log:
        def exception(self, message):
            logged.append(message)

    class Worker:
        log = Log()

    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    hook(worker=Worker())
    assert logged == ["Warming up the worker failed; it serves without it"]


def test_what_a_worker_loaded_at_start_is_left_out_of_full_collections():
    """The objects that last a worker's life are frozen, so a full garbage
    collection no longer walks them all every few dozen requests."""
    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    hook(worker=None)
    assert gc.get_freeze_count() > 10_000
