"""How long a session lasts, keeping it alive, and signing out.

A session ends when the browser closes (the cookie has no expiry), after
SESSION_IDLE_MINUTES without a request (the session's own expiry, renewed by
saving the session), and in any case SESSION_ABSOLUTE_HOURS after signing in,
when staff sign in again: "Stay signed in" cannot extend it past that.

Saving the session on every request would cost every page a database write;
it is renewed at most once every RENEW_AFTER_SECONDS instead, and the time
left that pages are told of counts from the last renewal.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

# When the user signed in (seconds since the epoch), kept in the session.
SIGNED_IN_AT = "signed_in_at"
# When the idle clock was last renewed (seconds since the epoch).
RENEWED_AT = "renewed_at"
RENEW_AFTER_SECONDS = 60


def renew(request: HttpRequest, *, now: int | None = None, force: bool = False) -> None:
    """Restart the idle clock, if it has not been restarted in the last
    minute: changing the session saves it, with a new expiry."""
    now = int(time.time()) if now is None else now
    if force or now - int(request.session.get(RENEWED_AT, 0)) >= RENEW_AFTER_SECONDS:
        request.session[RENEWED_AT] = now


def record_sign_in(sender, request, user, **kwargs) -> None:
    """On user_logged_in: start the absolute limit's clock."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


def absolute_limit_seconds() -> int:
    return settings.SESSION_ABSOLUTE_HOURS * 60 * 60


def session_end(request: HttpRequest) -> tuple[int, str]:
    """Seconds until this session ends, and why: "idle" (renewed by any
    request) or "limit" (the absolute limit, which nothing renews)."""
    now = int(time.time())
    renewed = int(request.session.get(RENEWED_AT, now))
    idle = max(settings.SESSION_COOKIE_AGE - (now - renewed), 0)
    started = request.session.get(SIGNED_IN_AT)
    if started is None:
        return idle, "idle"
    left = int(started) + absolute_limit_seconds() - now
    if left < idle:
        return max(left, 0), "limit"
    return idle, "idle"


class SessionLimitMiddleware:
    """Sign out a session that has reached the absolute limit.

    Installed after AuthenticationMiddleware and MessageMiddleware. The request
    then goes on as anonymous, so a page that needs sign-in sends the user to
    sign in again, and comes back afterwards.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            renew(request)
            started = request.session.get(SIGNED_IN_AT)
            if started is None:
                # A session from before the limit existed: its clock starts now.
                request.session[SIGNED_IN_AT] = int(time.time())
            elif time.time() - int(started) >= absolute_limit_seconds():
                logout(request)
                hours = settings.SESSION_ABSOLUTE_HOURS
                messages.info(
                    request,
                    f"You have been signed out because you signed in more than {hours} "
                    "hours ago. Sign in again to carry on.",
                )
        return self.get_response(request)


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": renews the idle clock now (other requests renew it
    at most once a minute). Says how long is left,
    which may be less than the idle time if the absolute limit is near. A
    session that has already ended gets 401, not a redirect to sign in, so
    the page's script can tell."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    renew(request, force=True)
    seconds, reason = session_end(request)
    return JsonResponse({"signed_in": True, "seconds": seconds, "ends": reason})


class SignOutView(LogoutView):
    """Sign out (a POST), and ask the browser to forget what it kept: cached
    pages, and the copies of typed text in local storage."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        add_never_cache_headers(response)
        return response
