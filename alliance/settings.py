"""Settings, read from the environment with safe defaults.

Development (`make run`) sets DEBUG=true. Anything else is treated as production: it
refuses to start without a real SECRET_KEY and ALLOWED_HOSTS, and turns on the HTTPS,
cookie and HSTS settings that `manage.py check --deploy` looks for.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from alliance.env import env_bool, env_int, env_list, env_str, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET = "dev-only-secret-key-not-for-production-0123456789abcdefghijklmnop"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random SECRET_KEY; "
            "for local development run `make run`, which sets DEBUG=true."
        )
    SECRET_KEY = _DEV_SECRET
elif not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Give the host names this service answers to, "
        "separated by commas."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

#: The national practice figures the demo imports, if the folder is there (beside the
#: repository, as ../shared/data/practice); empty for none.
DEMO_PRACTICE_DATA = env_str(
    "DEMO_PRACTICE_DATA", str(BASE_DIR.parent / "shared" / "data" / "practice")
)

INSTALLED_APPS = [
    "alliance.apps.AllianceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "huey.contrib.djhuey",
    "accounts",
    "audit",
    "directory",
    "collectives",
    "surveys",
    "decisions",
    "notifications",
    "golden_thread",
    "relationships",
    "sustainability",
    "shared_services",
    "system",
    "home",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alliance.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "collectives.middleware.CollectiveChangesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

TEMPLATES = [
    {
        # Jinja2 first: the service's pages and its versions of the allauth pages.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "alliance.jinja2.environment",
            "context_processors": ["home.context.shell"],
        },
    },
    {
        # Django templates stay for the admin and for allauth's e-mails.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'alliance.sqlite3'}"),
        # Each worker keeps its connection (checked before reuse) rather than opening one
        # per request: on the demo data that is a third of a small page's time.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:index"

# django-allauth: e-mail is the username; accounts come from invitations.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
# allauth's own failed-sign-in counter stays per client address only: a per-account key
# would let anyone lock anyone out. It also limits wrong two-factor codes.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/15m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Alliance"
MFA_TOTP_TOLERANCE = 1  # accept the code of the previous or next 30-second step

# Sign-in lockout (accounts.selectors.sign_in_lock; the numbers are explained in
# docs/operations.md). Failures count per e-mail address *from one client address*, so a
# stranger elsewhere cannot lock a colleague out of their own browser; and per client
# address across all e-mail addresses, so one machine cannot try many accounts.
LOGIN_LOCKOUT_ATTEMPTS = env_int("LOGIN_LOCKOUT_ATTEMPTS", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_ADDRESS_LOCKOUT_ATTEMPTS = env_int("LOGIN_ADDRESS_LOCKOUT_ATTEMPTS", 30, minimum=1)
LOGIN_ADDRESS_LOCKOUT_MINUTES = env_int("LOGIN_ADDRESS_LOCKOUT_MINUTES", 60, minimum=1)
# The one-time sign-in link e-mailed to someone whose e-mail address was locked.
SIGN_IN_LINK_MINUTES = 15

# The client's address, for the lockout and allauth's rate limits alike: allauth's
# get_client_ip is the one source. Directly on the internet it is the connection's address.
# Behind proxies it is read from X-Forwarded-For, counting TRUSTED_PROXY_COUNT entries from
# the right (each proxy must append the address it saw), or from the one header named by
# TRUSTED_CLIENT_IP_HEADER that a trusted proxy overwrites. IPv6 addresses count per /64.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
ALLAUTH_RATE_LIMIT_IPV6_PREFIX = 64
if BEHIND_TLS_PROXY and not (ALLAUTH_TRUSTED_PROXY_COUNT or ALLAUTH_TRUSTED_CLIENT_IP_HEADER):
    raise ImproperlyConfigured(
        "BEHIND_TLS_PROXY is set, so requests arrive from the proxy's address. Set "
        "TRUSTED_PROXY_COUNT (how many proxies append to X-Forwarded-For, usually 1) or "
        "TRUSTED_CLIENT_IP_HEADER (a header your proxy sets to the client's address), or "
        "sign-in lockout would count every visitor as one."
    )

# Sessions and cookies.
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
_secure = env_bool("SECURE_COOKIES_AND_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
# The redirect to HTTPS can be turned off on its own, for a service reached over plain HTTP
# on purpose on the machine itself, as the production check in the tests does on
# http://127.0.0.1 (alliance/tests/test_production.py). Its cookies stay secure: browsers
# treat 127.0.0.1 and localhost as secure origins. `check --deploy` warns when it is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_secure)
# Health probes from a load balancer come over plain HTTP to the process (alliance/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict Content Security Policy: scripts and styles only from our own static files.
# Fonts may come from assets.nhs.uk, where NHS.UK frontend's stylesheet looks for them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail through Django's mail API; EMAIL_URL picks the backend
# (smtp://user:pass@host:25, submission://user:pass@host:587, console:// for the terminal).
_email = parse_email_url(env_str("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Alliance <no-reply@alliance.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs: Huey on a SQLite file by default (no server), Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
HUEY: dict[str, object] = {
    "name": "alliance",
    "immediate": env_bool("HUEY_IMMEDIATE", default=False),
    "results": False,
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.PriorityRedisHuey", "url": REDIS_URL})
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A cache the web and the job consumer share (progress of long jobs), with no server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    }
    HUEY.update(
        {
            "huey_class": "huey.SqliteHuey",
            "filename": env_str("HUEY_SQLITE_PATH", str(BASE_DIR / "alliance-jobs.sqlite3")),
        }
    )

# The API. Tokens are django-rest-knox tokens kept as SHA-512 digests, in our own model
# (accounts.ApiToken, with a name and a last-used time; ADR 0008), sent as
# `Authorization: Token <key>`. Throttle state lives in the cache above.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and asking with only the operation's own query parameters (alliance.query).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "alliance.query.KnownQueryParameters",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bodies are JSON (415 for anything else), refused when too large or too deep
    # (alliance.parsers); the calendar import alone reads a multipart upload.
    "DEFAULT_PARSER_CLASSES": ["alliance.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "alliance.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.AnonRateThrottle",
        "accounts.throttling.UserRateThrottle",
    ],
    # failed_token: wrong tokens from one client address (accounts.throttling.FailedTokenThrottle).
    "DEFAULT_THROTTLE_RATES": {
        "user": "600/minute",
        "anon": "60/minute",
        "failed_token": "20/minute",
    },
    # The client's address for the per-address limits is the sign-in lockout's: see
    # TRUSTED_PROXY_COUNT and TRUSTED_CLIENT_IP_HEADER above (accounts.throttling.ClientAddress).
}
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own AuthToken is swapped for accounts.ApiToken, so its migrations would only make
# an empty, unused table.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DAYS = 90  # a new token's lifetime unless its owner chooses another
API_TOKEN_MAX_DAYS = 365
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=API_TOKEN_DAYS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance API",
    "DESCRIPTION": "Read and write a collective's data. Authenticate with "
    "`Authorization: Token <key>`: make a token on your API tokens page (/account/api-tokens/), "
    "or an operator mints one with `manage.py mint_token EMAIL`. A token lasts 90 days unless "
    "its owner chose another lifetime (at most 365 days), and stops working when it is revoked "
    "or its owner's password changes. Each person may make 600 requests a minute, anonymous "
    "callers 60 a minute per address, and 20 wrong tokens a minute from one address are "
    "allowed; beyond that the API answers 429 with a Retry-After header (seconds).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # `<id:...>` (alliance/converters.py): an id within the database's range.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "CollectiveRoleEnum": "collectives.models.Role",
        "PersonRoleEnum": "directory.models.PersonRole",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Every refusal an operation can answer, documented (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_refusals",
        "api.schema.link_objects_to_their_operations",
    ],
}

# The NHS logo is reserved for NHS organisations and services (NHS identity rules).
NHS_LOGO = env_bool("NHS_LOGO", default=False)
SERVICE_NAME = env_str("SERVICE_NAME", "Alliance")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}},
}

# Uploaded ODS files wait here for the background import (deleted once it has run).
IMPORT_UPLOAD_DIR = env_str("IMPORT_UPLOAD_DIR", str(BASE_DIR / "var" / "imports"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The address people reach the service at, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
