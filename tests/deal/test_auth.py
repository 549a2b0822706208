"""Signing in and out, throttling, and password reset."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_anonymous_user_is_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_sign_in_page_shows_the_form(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b"Email address" in response.content
    assert b"Password" in response.content


def test_worker_signs_in_with_email_in_any_case(client, alice):
    response = sign_in(client, "  ALICE@Example.org ")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_error_summary_and_keeps_email(client, alice):
    response = sign_in(client, "alice@example.org", "not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert 'value="alice@example.org"' in html


def test_empty_sign_in_names_each_field(client, db):
    html = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_deactivated_account_cannot_sign_in(client, alice):
    alice.is_active = False
    alice.save()
    response = sign_in(client, "alice@example.org")
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_sign_out_is_a_post(alice_client):
    assert alice_client.get("/accounts/logout/").status_code == 405
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert alice_client.get("/").status_code == 302


def test_account_is_throttled_after_repeated_failures(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice@example.org", "wrong")
    # Even the right password is refused now, with a clear message.
    response = sign_in(client, "alice@example.org")
    assert response.status_code == 429
    assert b"Too many attempts to sign in" in response.content
    assert b"Wait 15 minutes" in response.content


def test_password_reset_by_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in response.content
    form_url = response.redirect_chain[-1][0]
    new_password = "a new long pass phrase"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert sign_in(client, "alice@example.org", new_password).status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "stranger@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_with_a_bad_token_says_the_link_expired(client, alice):
    response = client.get("/accounts/password-reset/MQ/bad-token/", follow=True)
    assert b"This link has expired" in response.content


@pytest.mark.parametrize("path", ["/", "/people/", "/people/new/"])
def test_expired_session_goes_to_sign_in_and_back(client, alice, path):
    client.force_login(alice)
    client.cookies.clear()  # the session cookie is gone, as after a timeout
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
