"""Two-factor sign-in with an authenticator app (django-otp's TOTP device),
with single-use recovery codes (its static device).

After the password, a user with an authenticator app gives a code before the
session is verified. Admins and managers must have one when
REQUIRE_TWO_FACTOR is on (the default outside DEBUG); until they set it up,
every page sends them to set it up. Wrong codes are counted by django-axes as
failed sign-ins (under a name of their own, so a correct password does not
clear them); django-otp also slows down guesses at each device.
"""

from __future__ import annotations

import re
from base64 import b32encode
from urllib.parse import quote

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from deal.forms import GovukFormMixin
from deal.models import Role

# What the session needs before its pages open: "off" (nothing), "verify" (a
# code from the user's app) or "set_up" (an app, first). Set at sign-in.
STATE = "two_factor"
RECOVERY_CODES = "two_factor_new_codes"
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"


def must_have_two_factor(user) -> bool:
    return settings.REQUIRE_TWO_FACTOR and (
        user.role in (Role.ADMIN, Role.MANAGER, Role.IG) or user.is_superuser
    )


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state_for(user) -> str:
    if has_two_factor(user):
        return "verify"
    if must_have_two_factor(user):
        return "set_up"
    return "off"


def record_sign_in(sender, request, user, **kwargs) -> None:
    """On user_logged_in: what this session needs before its pages open."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE] = state_for(user)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class TwoFactorMiddleware:
    """Until the session is verified, a user who has (or must have) two-factor
    sign-in reaches only the pages that verify or set it up, and signing out.

    Installed after django-otp's OTPMiddleware and deal.session's limit.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            state = request.session.get(STATE)
            if state is None:  # a session from before two-factor sign-in
                state = request.session[STATE] = state_for(user)
            elif state == "off" and must_have_two_factor(user):
                # Made a manager or an admin part way through the session.
                state = request.session[STATE] = "set_up"
            if state == "verify" and not user.is_verified() and not has_two_factor(user):
                # Their app was removed (turn_off_two_factor): there is no
                # code to ask for, so as at sign-in, set one up if their
                # role needs it, or carry on without.
                state = request.session[STATE] = state_for(user)
            if state != "off" and not user.is_verified() and not self._open(request.path):
                target = "two_factor_verify" if state == "verify" else "two_factor_set_up"
                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path in {
            reverse("two_factor_verify"),
            reverse("two_factor_set_up"),
            reverse("logout"),
            reverse("keep_alive"),
            reverse("healthz"),
        }


# --- Forms ------------------------------------------------------------------------


def _clean_code(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").lower()


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args, hint: str = "", numeric: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = hint
        field.error_messages["required"] = "Enter the code"
        if numeric:
            field.widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])


WRONG_CODE = "The code is not correct. Check your authenticator app and enter the newest code"


class AppDeviceOTPMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware, without its query for the device on each
    page of a session verified with an authenticator app.

    django-otp reads the session's device and checks that it is the user's
    and confirmed. deal.backends.StaffBackend reads, with the user, the id
    of their confirmed app: when the session was verified with that app,
    both checks hold, and the device itself is read only if a page asks
    more of it than that it is there. Any other session (a recovery code, an
    app since removed or replaced, no user read by StaffBackend) goes
    through django-otp's own checks."""

    def _verify_user_sync(self, request, user):
        verified_with = request.session.get(DEVICE_ID_SESSION_KEY)
        app_id = getattr(user, "confirmed_app_id", None) if verified_with else None
        if app_id is None or verified_with != f"{TOTPDevice.model_label()}/{app_id}":
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        user.otp_device = SimpleLazyObject(lambda: TOTPDevice.objects.get(pk=app_id))
        return user


# --- Views ------------------------------------------------------------------------


def _throttle_credentials(user) -> dict:
    # Counted apart from the password, so signing in again does not clear it.
    return {settings.AXES_USERNAME_FORM_FIELD: f"two-factor:{user.email}"}


def _verified(request: HttpRequest, device) -> None:
    # A new session key for the newly trusted session.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[STATE] = "verify"


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the code from your authenticator app (or a recovery code)."""
    user = request.user
    next_url = _safe_next(request, reverse("home"))
    if user.is_verified():
        return redirect(next_url)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two_factor_set_up')}?next={quote(next_url)}")
    hint = (
        "Open the authenticator app on your phone and enter the 6-digit code it shows "
        "for Deal Conversations. If you cannot use the app, enter one of your recovery codes."
    )
    credentials = _throttle_credentials(user)
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, None, credentials)
        form = CodeForm(request.POST, hint=hint)
        if form.is_valid():
            try:
                matched = _match_code(user, device, form.cleaned_data["code"])
            except TooSoon as wait:
                form.add_error("code", _too_soon(wait.seconds))
                matched = False
            if matched:
                axes_reset(username=credentials[settings.AXES_USERNAME_FORM_FIELD])
                _verified(request, matched)
                return redirect(next_url)
            if matched is None:
                form.add_error("code", WRONG_CODE)
                # django-axes counts it; at the limit its middleware answers
                # with the lock-out page instead of this one.
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    else:
        form = CodeForm(hint=hint)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


class TooSoon(Exception):
    """django-otp refuses to check a code this soon after a wrong one."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _check(device, code: str) -> bool:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        locked_until = (data or {}).get("locked_until")
        seconds = 1
        if locked_until is not None:
            seconds = max(int((locked_until - timezone.now()).total_seconds()) + 1, 1)
        raise TooSoon(seconds)
    return device.verify_token(code)


def _match_code(user, device: TOTPDevice, code: str):
    """The device that accepts the code: the app for 6 digits, otherwise the
    recovery codes (each works once). Raises TooSoon while django-otp is
    slowing down guesses."""
    if re.fullmatch(r"\d{6}", code):
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            return device if _check(device, code) else None
    with transaction.atomic():
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if _check(static, code):
                return static
    return None


def _too_soon(seconds: int) -> str:
    return (
        f"You entered a wrong code a moment ago. Wait {seconds} second"
        f"{'' if seconds == 1 else 's'}, then enter the newest code"
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then
    confirm with a code from the app."""
    user = request.user
    next_url = _safe_next(request, reverse("home"))
    if has_two_factor(user) and not user.is_verified():
        # Replacing an app needs the old one first.
        return redirect(f"{reverse('two_factor_verify')}?next={quote(next_url)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    hint = "The 6-digit code your authenticator app shows for Deal Conversations"
    if request.method == "POST":
        form = CodeForm(request.POST, hint=hint, numeric=True)
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                right = bool(re.fullmatch(r"\d{6}", code)) and _check(device, code)
            except TooSoon as wait:
                form.add_error("code", _too_soon(wait.seconds))
            else:
                if right:
                    codes = _confirm(user, device)
                    _verified(request, device)
                    request.session[RECOVERY_CODES] = codes
                    return redirect(
                        f"{reverse('two_factor_recovery_codes')}?next={quote(next_url)}"
                    )
                form.add_error("code", WRONG_CODE)
    else:
        form = CodeForm(hint=hint, numeric=True)
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_set_up.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            "required": must_have_two_factor(user),
        },
    )


def _new_recovery_codes(user) -> list[str]:
    """Ten new codes in place of the old ones, on the same device: a session
    verified with a recovery code (someone who lost their phone) stays
    verified, and sees its new codes."""
    static = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if static is None:
        static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=static.pk).delete()
    static.token_set.all().delete()
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def _confirm(user, device: TOTPDevice) -> list[str]:
    """The new app replaces any other; new recovery codes replace the old."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _new_recovery_codes(user)


@login_required
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once."""
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes:
        return redirect("two_factor")
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": _safe_next(request, reverse("home"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in for this account: on or off; new recovery codes."""
    user = request.user
    if request.method == "POST" and "new_codes" in request.POST and has_two_factor(user):
        with transaction.atomic():
            request.session[RECOVERY_CODES] = _new_recovery_codes(user)
        return redirect("two_factor_recovery_codes")
    on = has_two_factor(user)
    left = (
        StaticToken.objects.filter(device__user=user, device__confirmed=True).count() if on else 0
    )
    return render(
        request,
        "registration/two_factor.html",
        {"on": on, "codes_left": left, "required": must_have_two_factor(user)},
    )
