"""How long a session lasts, signing out, and the headers that keep a
signed-in page private."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore

from deal.session import SIGNED_IN_AT

HOUR = 60 * 60


def session_of(web) -> SessionStore:
    return SessionStore(session_key=web.cookies["sessionid"])


def signed_in_ago(web, seconds: int) -> None:
    """Pretend the sign-in happened this long ago."""
    session = session_of(web)
    session[SIGNED_IN_AT] = int(time.time()) - seconds
    session.save()


def test_the_session_cookie_ends_when_the_browser_closes(sign_in_through_the_page, alice):
    response = sign_in_through_the_page("alice@example.org")
    assert response.status_code == 302
    cookie = next(
        value
        for name, value in response.headerlist
        if name == "Set-Cookie" and value.strip().startswith("sessionid=")
    )
    assert "max-age" not in cookie.lower()
    assert "expires" not in cookie.lower()
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_staff_sign_in_again_after_the_absolute_limit(sign_in_through_the_page, web, alice):
    sign_in_through_the_page("alice@example.org")
    assert web.get("/").status_code == 200
    signed_in_ago(web, 10 * HOUR - 60)
    assert web.get("/").status_code == 200

    signed_in_ago(web, 10 * HOUR + 1)
    response = web.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/people/"
    page = response.follow()
    assert "You have been signed out because you signed in more than 10 hours ago" in page.text
    # Signed out for good, not just for one request.
    assert web.get("/").status_code == 302


def test_the_absolute_limit_is_a_setting(sign_in_through_the_page, web, alice, settings):
    settings.SESSION_ABSOLUTE_HOURS = 2
    sign_in_through_the_page("alice@example.org")
    signed_in_ago(web, 2 * HOUR + 1)
    assert web.get("/").status_code == 302


def test_stay_signed_in_cannot_go_past_the_absolute_limit(sign_in_through_the_page, web, alice):
    sign_in_through_the_page("alice@example.org")
    csrf = web.cookies["csrftoken"]
    answer = web.post("/accounts/keep-alive/", headers={"X-CSRFToken": csrf})
    assert answer.json == {"signed_in": True, "seconds": 60 * 60, "ends": "idle"}

    signed_in_ago(web, 10 * HOUR - 100)
    answer = web.post("/accounts/keep-alive/", headers={"X-CSRFToken": csrf})
    assert answer.json["ends"] == "limit"
    assert 0 < answer.json["seconds"] <= 100

    signed_in_ago(web, 10 * HOUR + 1)
    answer = web.post("/accounts/keep-alive/", headers={"X-CSRFToken": csrf}, expect_errors=True)
    assert answer.status_code == 401
    assert web.get("/").status_code == 302


def test_the_timeout_warning_shows_the_earlier_end(sign_in_through_the_page, web, alice):
    sign_in_through_the_page("alice@example.org")
    page = web.get("/")
    # An hour idle, less the moments since signing in (a busy machine takes
    # a second or two between the two requests).
    assert 3590 <= int(page.html.body["data-session-seconds"]) <= 3600
    assert page.html.body["data-session-ends"] == "idle"
    signed_in_ago(web, 10 * HOUR - 20 * 60)
    body = web.get("/").html.body
    assert 19 * 60 <= int(body["data-session-seconds"]) <= 20 * 60
    assert body["data-session-ends"] == "limit"


def test_signing_out_clears_what_the_browser_kept(sign_in_through_the_page, web, alice):
    sign_in_through_the_page("alice@example.org")
    page = web.get("/")
    sign_out = next(form for form in page.forms.values() if form.action == "/accounts/logout/")
    response = sign_out.submit()
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "no-store" in response["Cache-Control"]
    assert web.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/assets/images/favicon.svg"])
def test_every_response_turns_off_camera_microphone_and_location(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_signed_in_pages_are_not_stored_by_the_browser(alice_client, person):
    for path in ("/", f"/people/{person.pk}/", "/actions/"):
        response = alice_client.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], path
        assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_pages_renew_the_idle_clock_at_most_once_a_minute(sign_in_through_the_page, web, alice):
    """A database write on every page would be the dearest part of a page;
    the idle clock is renewed once a minute at most, and the time left that a
    page tells its warning counts from that renewal."""
    from django.contrib.sessions.models import Session

    from deal.session import RENEWED_AT

    def expiry():
        return Session.objects.get(pk=web.cookies["sessionid"]).expire_date

    sign_in_through_the_page("alice@example.org")
    web.get("/")
    first = expiry()
    web.get("/")
    assert expiry() == first  # not saved again

    session = session_of(web)
    session[RENEWED_AT] = int(time.time()) - 61
    session.save()
    before = expiry()
    page = web.get("/")
    assert expiry() > before  # renewed
    # A full hour from the renewal (a second may tick over on a busy machine
    # between renewing and drawing the page).
    seconds = int(page.text.split('data-session-seconds="')[1].split('"')[0])
    assert 3598 <= seconds <= 3600

    # Renewed 50 seconds ago: this page does not renew, and says so.
    session = session_of(web)
    session[RENEWED_AT] = int(time.time()) - 50
    session.save()
    page = web.get("/")
    seconds = int(page.text.split('data-session-seconds="')[1].split('"')[0])
    # (A few seconds more may pass on a busy machine.)
    assert 3600 - 60 <= seconds <= 3600 - 50
    # Stay signed in renews at once.
    csrf = web.cookies["csrftoken"]
    answer = web.post("/accounts/keep-alive/", headers={"X-CSRFToken": csrf})
    assert answer.json["seconds"] == 60 * 60


def test_a_page_is_given_the_signed_in_member_of_staff_themself(
    sign_in_through_the_page, web, alice, settings
):
    """Not Django's lazy stand-ins for them (deal.middleware.
    SignedInUserMiddleware): each of the hundreds of reads a page makes of
    the user went through two. django-otp's is_verified comes with them."""
    settings.REQUIRE_TWO_FACTOR = False
    sign_in_through_the_page("alice@example.org")
    request = web.get("/").context["request"]
    assert type(request.user) is type(alice)
    assert request.user == alice
    assert request.user.is_verified() is False
