import pytest

from deal.models import Role
from tests.factories import UserFactory


@pytest.fixture
def ig(db):
    """Jo, the information governance officer: no team."""
    return UserFactory(email="jo@example.org", full_name="Jo Governance", role=Role.IG)


@pytest.fixture
def ig_app(app_for, ig):
    return app_for(ig)
