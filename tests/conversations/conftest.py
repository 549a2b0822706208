import pytest


@pytest.fixture
def app(django_app, alice, settings):
    """Alice's browser, as django-webtest: pages filled in as rendered.

    It speaks plain HTTP to the test server, so cookies are not marked
    secure here (they are in production)."""
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    django_app.set_user(alice)
    return django_app
