"""Several app servers: the database being away is a friendly 503, and
REDIS_URL puts the cache and sessions in Redis, shared by every server."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError

ROOT = Path(__file__).resolve().parents[2]


def settings_with(**env) -> dict:
    """Some settings as a fresh process reads them from the environment."""
    code = (
        "import json, deal.settings as s;"
        "print(json.dumps({'cache': s.CACHES['default']['BACKEND'] if hasattr(s, 'CACHES') "
        "else 'default', 'sessions': getattr(s, 'SESSION_ENGINE', 'default')}))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment.update(env, SECRET_KEY="x" * 50)
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, check=True
    )
    return json.loads(out.stdout)


def test_without_redis_url_sessions_stay_in_the_database():
    assert settings_with() == {"cache": "default", "sessions": "default"}


def test_with_redis_url_the_cache_is_redis_and_sessions_are_cached_in_it():
    assert settings_with(REDIS_URL="redis://127.0.0.1:6379/0") == {
        "cache": "django_redis.cache.RedisCache",
        "sessions": "django.contrib.sessions.backends.cached_db",
    }


@pytest.mark.parametrize("error", [OperationalError("server closed the connection")])
def test_a_page_says_the_service_is_unavailable_while_the_database_is_away(
    client, alice, person, error
):
    client.force_login(alice)
    client.raise_request_exception = False
    with mock.patch("people.views.sections_for", side_effect=error):
        response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "has not been saved" in page
    assert "closed the connection" not in page and "Traceback" not in page


def test_other_errors_keep_the_problem_page(client, alice, person):
    client.force_login(alice)
    client.raise_request_exception = False
    with mock.patch("people.views.sections_for", side_effect=ValueError("bug")):
        response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
