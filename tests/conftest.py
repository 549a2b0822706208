"""Fixtures shared by every test: the people of a small council.

Alice is a frontline worker and Bob her manager, both in the Wigan team;
Carol works in the Leigh team; Dave is an admin, in no team.
"""

import pytest

from deal.models import Role
from tests.browser.required import (  # noqa: F401 - hooks, found here by name
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"


# --- The app's least-privileged database role (deal.database_roles) -----------------
# With MIGRATION_DATABASE_URL set (as in CI), the test database is made and
# migrated by the owner role, the tests run as DATABASE_URL's app role, and the
# owner empties the database between transactional tests and drops it at the
# end: as in live use, the app never owns a table.
_APP_ROLE: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    from deal.database_roles import owner_credentials, use_credentials

    if owner_credentials():
        _APP_ROLE.update(use_credentials(owner_credentials()))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from deal.database_roles import owner_credentials, use_credentials

    if _APP_ROLE:
        use_credentials(_APP_ROLE)
    yield
    if _APP_ROLE:
        use_credentials(owner_credentials())


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage of production needs collectstatic first; tests do
    # not run it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is slow by design; tests sign in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_template_listeners_left_behind():
    """django-webtest listens for each request's templates and never stops
    listening (its listener lives on while anything holds the request's
    frame). Left behind, each kept a copy of every page's context drawn in
    every later test, and a whole run grew to gigabytes and slowed as it went.
    The listeners of a test end with it."""
    from django.test.signals import template_rendered

    before = list(template_rendered.receivers)
    yield
    with template_rendered.lock:
        template_rendered.receivers = before
        template_rendered.sender_receivers_cache.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits count in Django's cache; each test starts with none counted.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wigan(db):
    return TeamFactory(name="Wigan Central")


@pytest.fixture
def leigh(db):
    return TeamFactory(name="Leigh")


@pytest.fixture
def alice(wigan):
    return UserFactory(
        email="alice@example.org", full_name="Alice Worker", role=Role.FRONTLINE, teams=[wigan]
    )


@pytest.fixture
def bob(wigan):
    return UserFactory(
        email="bob@example.org", full_name="Bob Manager", role=Role.MANAGER, teams=[wigan]
    )


@pytest.fixture
def carol(leigh):
    return UserFactory(
        email="carol@example.org", full_name="Carol Otherteam", role=Role.FRONTLINE, teams=[leigh]
    )


@pytest.fixture
def dave(db):
    return UserFactory(email="dave@example.org", full_name="Dave Admin", role=Role.ADMIN)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client


@pytest.fixture
def erin(wigan):
    """Another worker of the Wigan team (not named on a restriction)."""
    return UserFactory(
        email="erin@example.org", full_name="Erin Colleague", role=Role.FRONTLINE, teams=[wigan]
    )


@pytest.fixture
def restricted(person, alice, bob):
    """Peggy's record, restricted by Bob (the manager) to Alice."""
    from deal.audit import Actor
    from people import services

    services.person_restrict(
        actor=Actor(user=bob), person=person, named=[alice], reason="Her daughter works in the team"
    )
    person.refresh_from_db()
    return person


@pytest.fixture
def person(alice, wigan):
    """Margaret "Peggy" Hughes, a resident known to the Wigan team."""
    return PersonFactory(
        given_name="Margaret",
        family_name="Hughes",
        preferred_name="Peggy",
        team=wigan,
        created_by=alice,
    )


@pytest.fixture
def conversation(person, alice):
    return ConversationFactory(person=person, recorded_by=alice)


@pytest.fixture
def make_action(conversation):
    """An action agreed in Alice's conversation with Peggy; Alice's unless said."""

    def make(**fields):
        return AgreedActionFactory(conversation=conversation, **fields)

    return make


@pytest.fixture
def django_app(django_app_factory):
    """Forms through the page as rendered (django-webtest), over HTTPS as in
    live use: the cookies are secure-only."""
    return django_app_factory(csrf_checks=True, extra_environ={"wsgi.url_scheme": "https"})


@pytest.fixture
def alice_app(django_app, alice):
    """A browser-like client (django-webtest) in which Alice has signed in:
    forms are filled and sent as the page renders them."""
    django_app.set_user(alice)
    return django_app


@pytest.fixture
def app_for(django_app_factory):
    """A browser-like client of its own for each user, as for two people at two
    computers: `app_for(alice)`."""

    def make(user):
        app = django_app_factory(extra_environ={"wsgi.url_scheme": "https"})
        app.set_user(user)
        return app

    return make
