import datetime as dt

import pytest
from django.utils import timezone

from deal.models import Role
from tests.factories import UserFactory


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def lee(leigh):
    """The manager of the other team."""
    return UserFactory(
        email="lee@example.org", full_name="Lee Manager", role=Role.MANAGER, teams=[leigh]
    )


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def bob_app(app_for, bob):
    return app_for(bob)


@pytest.fixture
def web(django_app):
    """django-webtest over HTTPS, as in live use (CSRF checks the referrer)."""
    django_app.extra_environ.update(
        {"HTTP_HOST": "testserver", "HTTP_REFERER": "https://testserver/"}
    )
    return django_app
