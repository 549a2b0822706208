"""`make run` serves the service as its users see it: DEMO_MODE, not DEBUG."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
READ_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "STATICFILES": settings.STORAGES["staticfiles"]["BACKEND"],
    "WHITENOISE_USE_FINDERS": settings.WHITENOISE_USE_FINDERS,
    "ALLOW_DEMO_DATA": settings.ALLOW_DEMO_DATA,
}))
"""


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "DEMO_MODE", "ALLOWED_HOSTS"}
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "deal.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_mode_is_production_pages_with_what_a_laptop_needs():
    result = run_with({"DEMO_MODE": "1"}, "-c", READ_SETTINGS)
    assert result.returncode == 0, result.stderr
    demo = json.loads(result.stdout)
    assert demo["DEBUG"] is False  # so a missing or refused record gets the service's 404
    assert demo["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert demo["SECURE_SSL_REDIRECT"] is False
    assert demo["SESSION_COOKIE_SECURE"] is False
    assert demo["SECURE_HSTS_SECONDS"] == 0
    assert demo["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert demo["STATICFILES"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert demo["WHITENOISE_USE_FINDERS"] is True
    assert demo["ALLOW_DEMO_DATA"] is True


def test_without_demo_mode_or_debug_a_secret_key_is_still_required():
    result = run_with({}, "-c", READ_SETTINGS)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_deployment_check_refuses_demo_mode():
    result = run_with(
        {"DEMO_MODE": "1", "SECRET_KEY": "x" * 60},
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
    )
    assert result.returncode != 0
    assert "deal.E001" in result.stderr


def test_make_run_uses_demo_mode_not_debug():
    run_target = (BASE_DIR / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    assert "DEMO_MODE=1 $(BIN)/python manage.py runserver" in run_target
    assert "DEBUG=1" not in run_target


def test_a_missing_record_shows_the_services_own_page_not_found(alice_client):
    response = alice_client.get("/people/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "govuk-header" in html or "govuk-service-navigation" in html
    assert "URLconf" not in html
