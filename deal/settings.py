"""Settings for Deal Conversations, read from environment variables.

Production is the default: DEBUG is off, SECRET_KEY must be given, cookies are
secure. Development is opted into with DEBUG=1; a trial on one computer with
DEMO_MODE=1 (`make run` does this). See README.md for every variable.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from deal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# A trial on one computer (`make run`): the service as its users see it (its
# own error pages, no debug detail), with what a laptop needs: plain HTTP on
# localhost, static files served without collectstatic, email printed to the
# console, demo data allowed. Never on a live service.
DEMO_MODE = env_bool("DEMO_MODE", False)
# Settings that differ on a developer's or trier's own computer.
LOCAL = DEBUG or DEMO_MODE

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for a developer's machine: sessions do not survive a restart.
    SECRET_KEY = "insecure-development-key-" + "x" * 40  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if LOCAL else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "deal",
    "people",
    "conversations",
    "deal.admin_site.DealAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "simple_history",
    # On top of people and conversations: nothing below imports it.
    "directory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "deal.middleware.HeadersMiddleware",
    "deal.middleware.FrontendAssetsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sees every response below it, so every refusal, whoever asked, is audited.
    "deal.middleware.RefusalAuditMiddleware",
    # request.user.is_verified(): has this session given a code from an app?
    # (django-otp's OTPMiddleware, without a query of its own on each page.)
    "deal.two_factor.AppDeviceOTPMiddleware",
    "deal.middleware.SignedInUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "deal.session.SessionLimitMiddleware",
    # Until the code is given (or an app set up), only those pages open.
    "deal.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A restricted person's record asks for a reason ("break glass") rather
    # than opening (people.services.check_restriction raises, this draws it).
    "people.middleware.RestrictedRecordMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "deal.urls"
WSGI_APPLICATION = "deal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "deal.context_processors.navigation",
            ],
            # Dates and times written one way everywhere (govuk_date, govuk_time,
            # govuk_datetime), the error summary and pagination helpers.
            "builtins": ["deal.templatetags.govuk"],
        },
    },
]

# --- Database -----------------------------------------------------------------
# PostgreSQL in production (DATABASE_URL=postgres://...); a SQLite file in the
# repository for a one-laptop trial.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The owner role, which owns the tables: `migrate`, `flush` and
# `apply_retention` connect as it (same database, its user and password). Set
# it, and DATABASE_URL names the app's least-privileged role, which is given
# its privileges after each migrate (deal.database_roles).
MIGRATION_DATABASE_URL = env_str("MIGRATION_DATABASE_URL")
# Read once here: the connection's own settings change while it is the owner.
DATABASE_APP_ROLE = DATABASES["default"].get("USER", "") if MIGRATION_DATABASE_URL else ""
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Years after a person's record is closed before `manage.py apply_retention`
# removes what identifies them.
RETENTION_YEARS = env_int("RETENTION_YEARS", 6)

# --- Staff accounts and sign-in ------------------------------------------------
AUTH_USER_MODEL = "deal.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before the
    # password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's teams with the user.
    "deal.backends.StaffBackend",
]
# Argon2id first (see deal/hashers.py for why and at what cost); PBKDF2 after
# it so passwords stored before still work, and are upgraded at sign-in.
PASSWORD_HASHERS = [
    "deal.hashers.StaffArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# A manager lands on their team view instead (deal.signin.SignInView).
LOGIN_REDIRECT_URL = "home"
# How often each member of staff with a team is asked the staff pulse
# (deal.pulse), in days: monthly unless said.
PULSE_EVERY_DAYS = env_int("PULSE_EVERY_DAYS", 30)
# Fewer answers than this from a team in a month are shown as "too few
# answers", so nobody's answers can be picked out.
PULSE_MIN_ANSWERS = 5
# Whether each run of a prepared query (deal.prepared) is checked against the
# SQL the ORM compiles for its values: on in the test suite, off in use, where
# it would undo what preparing saves.
PREPARED_QUERIES_CHECK = env_bool("PREPARED_QUERIES_CHECK", False)
# How long a built report is kept and shown again (conversations.reports.
# cached_report); 0 builds it on every request.
REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 300)
# PostgreSQL's parallel workers for a report's queries, 0 by default: on a
# database that also serves the pages staff are working in, a report taking
# every core for itself stalls everyone else's (a load test on two cores saw
# pages wait seconds while managers opened reports). With reports read from a
# replica of their own (README, "Growing past one machine"), raise it.
REPORT_PARALLEL_WORKERS = env_int("REPORT_PARALLEL_WORKERS", 0)
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
# Password reset requests allowed per address, and emails per account, in a
# window; counted in Django's cache (deal.signin.PasswordResetView).
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)
PASSWORD_RESET_ACCOUNT_LIMIT = env_int("PASSWORD_RESET_ACCOUNT_LIMIT", 3)
PASSWORD_RESET_WINDOW_MINUTES = 60

# Two-factor sign-in (deal/two_factor.py): admins and managers must use an
# authenticator app when this is on; anyone may choose to.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = "Deal Conversations"
# Nobody, not even a superuser in the Django admin, reads another's secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one
# account from one address, that account is paused there for the cool-off time
# (from elsewhere its owner can still sign in, so nobody can lock staff out);
# after AXES_ADDRESS_FAILURE_LIMIT failures from one address, whatever the
# accounts, the address is paused (deal.signin.SignInThrottle).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "deal.signin.SignInThrottle"
# Count the email address as sign-in reads it, not as typed.
AXES_USERNAME_CALLABLE = "deal.signin.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "deal.audit.client_ip"
AXES_VERBOSE = False
# What a failed attempt keeps of the form and query, as the Django admin shows
# it: `next` can hold a search for a resident, and `code` a recovery code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "next", "code"]
# How many reverse proxies (load balancers) stand in front of the app and append
# to X-Forwarded-For. 0 means trust only the socket address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Shared cache and sessions ---------------------------------------------------
# With REDIS_URL set (redis://127.0.0.1:6379/0), the cache is Redis, shared by
# every app server, and sessions are read from it and written through to the
# database (cached_db), so a Redis restart signs nobody out. Without it,
# sessions live in the database and the cache is each process's own memory.
# Sign-in throttling (django-axes) is kept in the database either way: shared
# by every app server and surviving restarts.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "deal",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                # A Redis outage slows pages to the database's pace rather
                # than breaking them: cached_db sessions fall back to it.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Sessions live in the database so several app servers can share them. An idle
# session ends after SESSION_IDLE_MINUTES; every session ends when the browser
# closes, and SESSION_ABSOLUTE_HOURS after signing in (deal/session.py).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
# Renewed at most once a minute, not saved on every request (deal/session.py).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers ------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not LOCAL)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not LOCAL)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if LOCAL else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list binds the whole domain for years: a
# decision for whoever owns the council's domain, not a default of this app.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Covering indexes (INCLUDE) are PostgreSQL's; the one-command trial's SQLite
# builds them as plain indexes, which is all it needs.
SILENCED_SYSTEM_CHECKS.append("models.W040")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every response (deal.middleware.HeadersMiddleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Set only behind a proxy that strips and sets X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is asked by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy (django-csp): only our own scripts and styles, plus the
# one inline script GOV.UK Frontend needs, allowed by a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Email -----------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Deal Conversations <no-reply@localhost>")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if LOCAL
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# The service's address, for the links in emails sent with no request to take
# it from (manage.py send_reminders).
SERVICE_URL = env_str("SERVICE_URL", "http://127.0.0.1:8000" if LOCAL else "").rstrip("/")

# --- Language, time ----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# The service is written in English and has no translations. With Django's
# translation machinery off, every date, number and message drawn skips a
# look-up of the active language: 7% of the instructions My work runs.
USE_I18N = False
USE_TZ = True

# --- Static files (WhiteNoise) ------------------------------------------------------
# GOV.UK Frontend and MOJ Frontend come from npm (package.json); their compiled
# CSS and JS are served as static files, and the fonts and images their CSS asks
# for at /assets/ by deal.middleware.FrontendAssetsMiddleware.
NODE_MODULES = BASE_DIR / "node_modules"
FRONTEND_ASSET_DIRS = [
    NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets",
    NODE_MODULES / "@ministryofjustice" / "frontend" / "moj" / "assets",
]
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not LOCAL
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Locally, WhiteNoise serves straight from the source folders (no
# collectstatic), and picks up changes.
WHITENOISE_USE_FINDERS = LOCAL
# Refreshing, WhiteNoise looks a file up when it is asked for rather than
# listing every collected file when the app starts. The tests turn it on
# (pyproject.toml): each test's client starts the app afresh, and listing
# the 2,800 collected files each time grew a whole run to gigabytes.
WHITENOISE_AUTOREFRESH = LOCAL or env_bool("WHITENOISE_AUTOREFRESH", False)

# --- Forms ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds styles text, email and password inputs but not a web
# address or a number box, which it leaves with their bare widget name as the
# class: unstyled, and not the GOV.UK input. Named here, every such box in
# every form is the GOV.UK input.
CRISPY_CLASS_CONVERTERS = {
    "urlinput": "govuk-input",
    "numberinput": "govuk-input",
    "searchinput": "govuk-input",
    "telinput": "govuk-input",
}

# --- Demo data ------------------------------------------------------------------------
# seed_demo refuses to run with DEBUG off unless this is set (or --force is given).
ALLOW_DEMO_DATA = env_bool("ALLOW_DEMO_DATA", DEMO_MODE)

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs failed sign-ins at WARNING; its INFO is bookkeeping.
        "axes": {"level": "WARNING"},
    },
}
