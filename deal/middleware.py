"""Serving GOV.UK Frontend's and MOJ Frontend's fonts and images; headers for
every response."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers
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
