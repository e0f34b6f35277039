"""Settings for development and the demo. Every value can be overridden from the environment."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")  # noqa: S105
# Off unless asked for (DJANGO_DEBUG=true): the demo shows the product's own error pages, never
# Django's debug page with every URL pattern and setting.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "core",
    "journeys",
    "owners",
    "improvements",
    "accounts",
    "webhooks",
    "notifications",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.LoginRequiredExceptApiMiddleware",
    "core.middleware.RefuseNullCharactersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.roles",
                "config.navigation.navigation",
                "accounts.context_processors.sso",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# The embedded default is one SQLite file shared by web, worker and beat. WAL lets readers and a
# writer work at once; IMMEDIATE transactions take the write lock up front so two writers queue on
# the busy timeout instead of failing with "database is locked" half-way through.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'throughline.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's default cache (per process unless CACHE_URL points at a shared server, redis://..., e.g.
# the broker's Redis). API list pages are not cached: every page is built (benchmarks/README.md, stream).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://throughline")}
# Failed-login and token-request counts must be seen by every web process (gunicorn runs several):
# CACHE_URL's shared server when one is set, else a file cache under var/ that all processes share.
CACHES["limits"] = env.cache(
    "LIMITS_CACHE_URL", default=env("CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache' / 'limits'}")
)
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed when
# counting failed logins per client address. Empty: the connecting address is the client, always.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Failed logins allowed per client address and per username within the window, then refused (429).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
# With debug off, whitenoise serves the static files; here it finds them where they live (the
# project's static/ and each app's), so `make run` needs no collectstatic. Production collects them
# into STATIC_ROOT with hashed, compressed names instead (config.settings.production).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Throughline <throughline@localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Outbound webhooks (docs/webhooks.md): one attempt plus retries after 30 s, 1, 2, 4 and 8 min; turned
# off after this many deliveries in a row fail. Private and loopback targets only when allowed.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=6)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=3600)
WEBHOOKS_DISABLE_AFTER = env.int("WEBHOOKS_DISABLE_AFTER", default=5)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
# Notifications (docs/notifications.md): Slack/Teams webhook timeout, attempts and backoff of each delivery.
NOTIFICATIONS_WEBHOOK_TIMEOUT = env.float("NOTIFICATIONS_WEBHOOK_TIMEOUT", default=5.0)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600)

# Celery. The default broker is kombu's filesystem transport under var/, so a real worker and
# beat run without any server; production points CELERY_BROKER_URL at Redis or RabbitMQ.
CELERY_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    for sub in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # JSON, e.g. '{"visibility_timeout": 3600}' for Redis: how long an unacknowledged message (its
    # worker died) waits before another worker gets it. kombu's defaults apply when unset.
    CELERY_BROKER_TRANSPORT_OPTIONS = env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={})
# Results are not needed by the app (tasks write their outcome to the database); set a backend
# such as redis://... to inspect task results from outside.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Retention (docs/retention.md): a nightly job removes journey instances, with their interactions,
# that started more than this many days ago (never within a journey's health window); snapshots,
# history and issues stay. 0 (the default) keeps everything. RETENTION_BATCH_SIZE instances per transaction.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=0)
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=5000)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Filter drop-downs of the HTML lists say "Any" rather than a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = "Any"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request is answered 401 with `WWW-Authenticate: Token`.
        "core.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON made by orjson (core.renderers: the two deliberate differences are written there).
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.DjangoFilterBackend",
        "core.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.ThroughlineAutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env("THROTTLE_AUTH_RATE", default="30/minute")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# A found API token is remembered by each web process this long (core.authentication): a revoked
# token stops working in every process within this bound (at once in the process that revoked it).
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=5)
# The web process moves what it keeps for its life to the garbage collector's permanent generation once
# it has loaded (config/wsgi.py): full collections then walk only what requests made.
GC_FREEZE_AT_STARTUP = env.bool("GC_FREEZE_AT_STARTUP", default=True)
# Unfiltered API lists of tables at least this big report PostgreSQL's row estimate as their count
# (core.pagination.EstimatedCountPagination): an exact COUNT(*) reads the whole table on every page
# (about 1 ms for 10,000 rows on a small server, 5 ms for 45,000).
API_ESTIMATED_COUNT_FROM = env.int("API_ESTIMATED_COUNT_FROM", default=10_000)

SPECTACULAR_SETTINGS = {
    "TITLE": "Throughline API",
    "DESCRIPTION": "Customer journeys end to end: maps, data ingest, health, owners, incentives and improvements.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" field with different choices: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "JourneyStatusEnum": "journeys.choices.JourneyStatus",
        "HealthStatusEnum": "journeys.choices.HealthStatus",
        "ImportStatusEnum": "journeys.choices.ImportStatus",
        "IssueStatusEnum": "improvements.choices.IssueStatus",
        "InitiativeStatusEnum": "improvements.choices.InitiativeStatus",
    },
}

# Security headers on every response (production adds HSTS and secure cookies).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # style attributes of the inline SVG charts; no inline <style> or <script> is needed
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Uploads: CSV imports are streamed from disk; anything above this is refused with 413.
# Default deadline of a new root-cause issue by severity, in days from the day it is logged
# (improvements.deadlines); a severity left out gets no default deadline.
ISSUE_DUE_DAYS = env("ISSUE_DUE_DAYS", default="critical=7,high=30,medium=90")

IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A refused request (403) is logged in one line, without a traceback.
    "filters": {"omit_forbidden_traceback": {"()": "core.logging.OmitForbiddenTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["omit_forbidden_traceback"]},
    },
}

# Single sign-on with the organisation's OpenID Connect provider (accounts.oidc, mozilla-django-oidc).
# Off by default; when on, the login page offers "Log in with <OIDC_PROVIDER_NAME>" beside the password form.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="your organisation")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# First login of an e-mail address nobody has a login for: create the login (and the person).
OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=True)
# The claim and value that make a manager; at each login the Managers group follows it. Empty claim:
# the provider does not decide, managers are named in Throughline.
OIDC_MANAGER_CLAIM = env("OIDC_MANAGER_CLAIM", default="groups")
OIDC_MANAGER_VALUE = env("OIDC_MANAGER_VALUE", default="throughline-managers")
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.OrganisationOIDCBackend")
# Invitation and password-reset links stop working after this many seconds (and once used).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
