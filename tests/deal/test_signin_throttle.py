"""Sign-in throttling: what counts as one account, and who can be locked out
from where. Each test signs in through the form as the page renders it."""

import pytest

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def attempt(app, email, password=PASSWORD, address="10.0.0.1"):
    environ = {
        "REMOTE_ADDR": address,
        # Cookies are secure-only, as in production: speak HTTPS.
        "wsgi.url_scheme": "https",
        "HTTP_HOST": "testserver",
        "HTTP_REFERER": f"https://testserver{LOGIN}",
    }
    page = app.get(LOGIN, extra_environ=environ)
    form = page.forms[0]
    form["username"] = email
    form["password"] = password
    return form.submit(extra_environ=environ, expect_errors=True)


def signed_in(response) -> bool:
    # A manager lands on their team view, everyone else on My work.
    return response.status_code == 302 and response["Location"] in ("/", "/team/")


def locked_out(response) -> bool:
    return response.status_code == 429 and "Too many attempts to sign in" in response.text


@pytest.fixture
def lock4(db):
    from tests.factories import UserFactory

    return UserFactory(email="lock4@example.org", full_name="Lock Four")


def test_case_variants_of_an_email_count_as_one_account(django_app, lock4, settings):
    variants = [
        "Lock4@example.org",
        "LOCK4@EXAMPLE.ORG",
        "lock4@EXAMPLE.ORG",
        " Lock4@Example.Org ",
    ]
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(django_app, variants[n % len(variants)], "wrong")
        assert not signed_in(response)
    # The right password, in yet another case, is refused now.
    assert locked_out(attempt(django_app, "lOcK4@example.org"))


def test_wrong_passwords_from_one_place_do_not_lock_the_owner_out_elsewhere(
    django_app, alice, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(django_app, "alice@example.org", "wrong", address="203.0.113.9")
    assert locked_out(attempt(django_app, "alice@example.org", address="203.0.113.9"))
    django_app.reset()
    # Alice, at her own desk, signs in as usual.
    assert signed_in(attempt(django_app, "alice@example.org", address="10.1.1.1"))


def test_an_address_trying_many_accounts_is_paused_at_the_wider_limit(
    django_app, alice, bob, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        response = attempt(django_app, f"nobody{n}@example.org", "wrong", address="203.0.113.7")
        assert not locked_out(response), n
    attempt(django_app, "one-more@example.org", "wrong", address="203.0.113.7")
    # Every account is paused from that address, even with the right password.
    assert locked_out(attempt(django_app, "bob@example.org", address="203.0.113.7"))
    # Bob from elsewhere is fine.
    assert signed_in(attempt(django_app, "bob@example.org", address="10.0.0.10"))


def test_below_the_wider_limit_other_accounts_sign_in_from_that_address(
    django_app, alice, bob, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        attempt(django_app, f"nobody{n}@example.org", "wrong", address="203.0.113.7")
    assert signed_in(attempt(django_app, "bob@example.org", address="203.0.113.7"))
