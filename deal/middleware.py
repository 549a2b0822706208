"""Serving GOV.UK Frontend's and MOJ Frontend's fonts and images; headers for
every response."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.functional import LazyObject, empty
from whitenoise.middleware import WhiteNoiseMiddleware


class FrontendAssetsMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, plus the asset folders of the npm packages at /assets/.

    The precompiled CSS of both packages asks for /assets/fonts/... and
    /assets/images/... at the site root, and WHITENOISE_ROOT can name only one
    folder, so each package's assets folder is added here.
    """

    def __init__(self, get_response=None) -> None:
        super().__init__(get_response)
        for folder in settings.FRONTEND_ASSET_DIRS:
            if folder.is_dir():
                self.add_files(str(folder), prefix="assets/")


class HeadersMiddleware:
    """Headers for every response, set before WhiteNoise so static files get
    them too.

    Permissions-Policy: the service never needs the camera, microphone or
    location, so no page (or anything injected into one) may ask for them.
    Cache-Control: no-store on every page for a signed-in user, so that a
    browser keeps no copy of a person's details on disk after sign-out.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class RefusalAuditMiddleware:
    """Every refused request goes in the audit log, whoever sent it: a 403 for
    any role (an admin at a case page, a worker at /manage/, a failed CSRF
    check) and a page that sent someone not signed in to sign in. (A record
    outside the user's teams is a 404, audited where it is refused:
    deal.permissions.get_for_team.)"""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A refusal audited where it was made (with the person it is about,
        # as a restricted record's is) is not written twice.
        if response.status_code == 403 and not getattr(response, "refusal_audited", False):
            self._audit(request, f"Refused ({response.status_code})")
        elif self._sent_to_sign_in(request, response):
            self._audit(request, "Refused: not signed in")
        return response

    @staticmethod
    def _sent_to_sign_in(request, response) -> bool:
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated or response.status_code != 302:
            return False
        login = resolve_url(settings.LOGIN_URL)
        return response.get("Location", "").startswith(login + "?")

    @staticmethod
    def _audit(request, detail: str) -> None:
        from deal.audit import Actor, audit_record
        from deal.models import AuditAction

        audit_record(actor=Actor.from_request(request), action=AuditAction.DENIED, detail=detail)


class SignedInUserMiddleware:
    """request.user as the member of staff themself, not the lazy stand-ins
    Django's AuthenticationMiddleware and django-otp's OTPMiddleware put
    there (one inside the other). Every page but the floor reads the user,
    so waiting buys nothing, and each of the hundreds of reads a page makes
    of the user (its role, its teams, in every permission check and menu
    item) went through both stand-ins. Goes straight after OTPMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        while isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            user = user._wrapped
        if user is not None:
            request.user = user
        return self.get_response(request)
