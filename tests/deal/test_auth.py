"""Signing in and out, throttling, and password reset."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.pages import assert_error_summary_links_resolve, error_messages

LOGIN = "/accounts/login/"


def form_with(page, field: str):
    """The page's form that has this field (the page may have others)."""
    return next(form for form in page.forms.values() if field in form.fields)


def sign_in(app, email, password=PASSWORD):
    """Sign in through the sign-in page, as a person would."""
    form = form_with(app.get(LOGIN), "password")
    form["username"] = email
    form["password"] = password
    return form.submit(expect_errors=True)


def test_anonymous_user_is_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_sign_in_page_shows_the_form(django_app, db):
    form = form_with(django_app.get(LOGIN), "password")
    assert form["username"].attrs["type"] == "email"
    assert form["password"].attrs["type"] == "password"


def test_worker_signs_in_with_email_in_any_case(django_app, alice):
    page = sign_in(django_app, "  ALICE@Example.org ")
    assert page.status_code == 302
    assert page["Location"] == "/"
    assert django_app.get("/").status_code == 200


def test_wrong_password_shows_error_summary_and_keeps_email(django_app, alice):
    page = sign_in(django_app, "alice@example.org", "not the password")
    assert page.status_code == 200
    assert error_messages(page) == ["Enter a correct email address and password"]
    assert_error_summary_links_resolve(page)
    assert form_with(page, "password")["username"].value == "alice@example.org"


def test_empty_sign_in_names_each_field(django_app, db):
    page = sign_in(django_app, "", "")
    assert assert_error_summary_links_resolve(page) == [
        ("id_username", "Enter your email address"),
        ("id_password", "Enter your password"),
    ]


def test_deactivated_account_cannot_sign_in(django_app, alice):
    alice.is_active = False
    alice.save()
    page = sign_in(django_app, "alice@example.org")
    assert page.status_code == 200
    assert django_app.get("/").status_code == 302


def test_sign_out_is_a_post(alice_client, alice_app):
    assert alice_client.get("/accounts/logout/").status_code == 405
    page = alice_app.get("/")
    alice_app.set_user(None)
    page = form_with_action(page, "/accounts/logout/").submit()
    assert page.status_code == 302
    assert alice_app.get("/").status_code == 302


def form_with_action(page, action: str):
    return next(form for form in page.forms.values() if form.action == action)


def test_account_is_throttled_after_repeated_failures(django_app, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(django_app, "alice@example.org", "wrong")
    # Even the right password is refused now, with a clear message.
    page = sign_in(django_app, "alice@example.org")
    assert page.status_code == 429
    assert "Too many attempts to sign in" in page
    assert "Wait 15 minutes" in page


def test_password_reset_by_email(django_app, alice):
    form = form_with(django_app.get(reverse("password_reset")), "email")
    form["email"] = "alice@example.org"
    assert form.submit().status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page = django_app.get(link.group(1)).maybe_follow()
    assert "Choose a new password" in page
    form = form_with(page, "new_password1")
    new_password = "a new long pass phrase"
    form["new_password1"] = new_password
    form["new_password2"] = new_password
    assert form.submit().status_code == 302
    assert sign_in(django_app, "alice@example.org", new_password).status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(django_app, db):
    form = form_with(django_app.get(reverse("password_reset")), "email")
    form["email"] = "stranger@example.org"
    assert form.submit().status_code == 302
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


def test_each_request_reads_the_user_with_their_teams(client, alice, wigan, leigh):
    """deal.backends.StaffBackend: the user's teams come with the user (one
    round trip on PostgreSQL), read afresh on every request, so a team left
    or joined counts at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from deal.models import Membership
    from tests.factories import PersonFactory

    in_wigan = PersonFactory(team=wigan, created_by=alice)
    in_leigh = PersonFactory(team=leigh, created_by=alice)
    client.force_login(alice)
    Membership.objects.create(user=alice, team=leigh)  # asked to join, not confirmed
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")
    assert "You are waiting to join Leigh" in " ".join(page.content.decode().split())
    memberships_alone = [q for q in queries if q["sql"].startswith('SELECT "deal_membership"')]
    assert len(memberships_alone) == (0 if connection.vendor == "postgresql" else 1)
    assert client.get(f"/people/{in_wigan.pk}/").status_code == 200
    assert client.get(f"/people/{in_leigh.pk}/").status_code == 404

    Membership.objects.filter(user=alice, team=wigan).delete()
    Membership.objects.filter(user=alice, team=leigh).update(confirmed_at=timezone.now())
    assert "You are waiting to join" not in client.get("/").content.decode()
    assert client.get(f"/people/{in_wigan.pk}/").status_code == 404
    assert client.get(f"/people/{in_leigh.pk}/").status_code == 200
