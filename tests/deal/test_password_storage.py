"""Staff passwords are stored with Argon2id at OWASP's settings, and a
password stored before (PBKDF2) still signs in and is stored anew."""

import pytest
from django.contrib.auth.hashers import make_password

from deal.settings import PASSWORD_HASHERS as PRODUCTION_HASHERS
from tests.conftest import PASSWORD


@pytest.fixture
def real_hashing(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def sign_in(django_app, email):
    page = django_app.get("/accounts/login/")
    form = page.forms[1] if len(page.forms) > 1 else page.forms[0]
    form["username"] = email
    form["password"] = PASSWORD
    return form.submit()


def test_a_new_password_is_stored_with_argon2id_at_owasp_cost(real_hashing, alice):
    alice.set_password(PASSWORD)
    alice.save()
    algorithm, variety, version, params, *_ = alice.password.split("$")
    assert (algorithm, variety) == ("argon2", "argon2id")
    assert params == "m=12288,t=3,p=1"


def test_a_password_stored_with_pbkdf2_still_signs_in_and_is_upgraded(
    real_hashing, django_app, alice
):
    alice.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    alice.save()
    response = sign_in(django_app, alice.email)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$argon2id$")
