"""Settings for the benchmark only: the product's settings, plus a count of
database round trips in a response header, and a URLconf that adds a Django
admin over the case records so the benchmark can compare with it. Never used by
the service itself."""

from deal.settings import *  # noqa: F403
from deal.settings import MIDDLEWARE

ROOT_URLCONF = "tests.load.bench_urls"
# Outermost, so the session save at the end of a request is counted too.
MIDDLEWARE = ["tests.load.bench_support.CountQueries", *MIDDLEWARE]
