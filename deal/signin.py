"""Signing in: how django-axes counts failures, and password reset.

Failures are counted per email address *and* address together, so that
someone who knows a colleague's email cannot lock them out from elsewhere;
a wider limit per address stops one place trying many accounts. Both counts
live in the database, so every app server sees the same numbers.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import partial

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from deal.audit import client_ip
from deal.forms import PasswordResetForm, SetPasswordForm
from deal.models import normalise_email
from deal.permissions import Capability, user_can

logger = logging.getLogger(__name__)


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The email address as sign-in reads it (trimmed, lower case), so that
    `Alice@…` and `ALICE@…` are counted as the same account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    if raw is None:
        return None
    return normalise_email(str(raw))


class SignInThrottle(AxesDatabaseHandler):
    """django-axes' database handler plus a wider limit per address.

    AXES_LOCKOUT_PARAMETERS counts email and address together; here an
    address that has failed AXES_ADDRESS_FAILURE_LIMIT times, whatever the
    accounts, is treated as having reached the limit too.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        wide_limit = settings.AXES_ADDRESS_FAILURE_LIMIT
        if failures < limit and self.address_failures(request) >= wide_limit:
            return limit
        return failures

    def address_failures(self, request) -> int:
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


# --- Password reset ------------------------------------------------------------


def after_response(response: HttpResponse, task: Callable[[], object]) -> None:
    """Run `task` once the response has been sent: the WSGI server closes a
    response after writing it, and closing runs these. A failing task is
    logged; the person has already had their answer."""

    def run() -> None:
        try:
            task()
        except Exception:
            logger.exception("A task after the response failed")

    response._resource_closers.append(run)


def _count(key: str, window: int) -> int:
    """How many times `key` has been counted in its window, this one included,
    in Django's cache (shared by every app server when the cache is)."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"deal:password-reset:{kind}:{digest}"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited and answering the same either way.

    - From one address, at most PASSWORD_RESET_ADDRESS_LIMIT requests an hour;
      then a page says to wait. This says nothing about any account.
    - For one email address, at most PASSWORD_RESET_ACCOUNT_LIMIT emails an
      hour; further requests get the usual answer and no email, so nobody's
      inbox can be flooded and the answer does not tell whether it exists.
    - The account is looked up and the email sent after the response, so an
      existing account is not answered more slowly than an unknown one.
    """

    form_class = PasswordResetForm
    limited_template_name = "registration/password_reset_limited.html"

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
        address = client_ip(self.request) or "unknown"
        if _count(_key("address", address), window) > settings.PASSWORD_RESET_ADDRESS_LIMIT:
            return TemplateResponse(
                self.request,
                self.limited_template_name,
                {"minutes": settings.PASSWORD_RESET_WINDOW_MINUTES},
                status=429,
            )
        response = HttpResponseRedirect(self.get_success_url())
        email = normalise_email(form.cleaned_data["email"])
        if _count(_key("account", email), window) > settings.PASSWORD_RESET_ACCOUNT_LIMIT:
            return response
        opts = {
            "use_https": self.request.is_secure(),
            "token_generator": self.token_generator,
            "from_email": self.from_email,
            "email_template_name": self.email_template_name,
            "subject_template_name": self.subject_template_name,
            "request": self.request,
            "html_email_template_name": self.html_email_template_name,
            "extra_email_context": self.extra_email_context,
        }
        after_response(response, partial(form.save, **opts))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page that sets the new password, for active staff only: a link
    asked for before someone was deactivated stops working with their account."""

    form_class = SetPasswordForm

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class SignInView(auth_views.LoginView):
    """Signing in lands on My work; a manager's home page is their team view
    (/team/), where what their team holds is, with My work one click away."""

    def get_default_redirect_url(self) -> str:
        if user_can(self.request.user, Capability.MANAGE_TEAM):
            return reverse("team:overview")
        return super().get_default_redirect_url()
