"""Signing in: how django-axes counts failures, and what a session records
about its sign-in.

Failures are counted per email address *and* address together, so that
someone who knows a colleague's email cannot lock them out from elsewhere;
a wider limit per address stops one place trying many accounts. Both counts
live in the database, so every app server sees the same numbers.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from deal.models import normalise_email


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
