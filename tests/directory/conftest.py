import pytest

from deal.models import Role
from directory.factories import CategoryFactory, OrganisationFactory, ServiceFactory
from tests.factories import UserFactory

SHARED = __import__("pathlib").Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def walking(db):
    return CategoryFactory(name="Walking")


@pytest.fixture
def walking_group(walking):
    return ServiceFactory(
        name="Thursday walking group",
        description="A gentle walk round Haigh Woodland Park, then tea.",
        organisation=OrganisationFactory(name="Haigh Hall Friends"),
        areas=["Wigan", "Aspull"],
        categories=[walking],
        fees="Free",
        email="walks@example.org",
        minimum_age=18,
    )


@pytest.fixture
def lunch_club(db):
    return ServiceFactory(
        name="Leigh lunch club", description="A hot lunch and company.", areas=["Leigh"]
    )


@pytest.fixture
def dora(leigh):
    """A manager of another team."""
    return UserFactory(
        email="dora@example.org", full_name="Dora Othermanager", role=Role.MANAGER, teams=[leigh]
    )
