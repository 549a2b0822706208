"""Serving GOV.UK Frontend's and MOJ Frontend's fonts and images."""

from django.conf import settings
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
