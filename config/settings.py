"""Settings, read from the environment (docs/deployment.md).

Development defaults are safe only with ``DJANGO_DEBUG`` on; with it off, no secret has a
default and the secure transport settings are on without further variables.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's checkout may keep its variables in .env (``make run`` writes DJANGO_DEBUG=1 there);
# variables already in the environment win, so production and CI are never changed by the file.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g. "127.0.0.1"):
# the client's address then replaces theirs (config.middleware.TrustedProxyMiddleware).
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    # viewflow must come before django.contrib.admin (docs/architecture.md): it overrides admin templates.
    "viewflow",
    "viewflow.workflow",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "core",
    "directory",
    "aid_cases",
    "assignments",
    "waivers",
    "quality",
    "consultations",
    "documents",
    "workflows",
    "site_ui",
    "api",
    "demo",
]

MIDDLEWARE = [
    # first: every later reader of REMOTE_ADDR (throttles, axes) sees the client, not the proxy
    "config.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # 413 before anything reads an oversized body; Retry-After on every 429
    "config.middleware.BodySizeLimitMiddleware",
    "config.middleware.RetryAfterMiddleware",
    # last, as django-axes asks
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "site_ui.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}


SQLITE_ENGINE = "core.backends.sqlite3"


def _tune_sqlite(db: dict) -> None:
    """WAL and IMMEDIATE transactions for every SQLite database (docs/architecture.md, transactions).

    IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy timeout instead of
    one failing with "database is locked" when it upgrades a read transaction. Django's backend is
    replaced by ours, which queues the writers on a file lock rather than on SQLite's coarse sleeps
    (core/backends/sqlite3/base.py).
    """
    if db["ENGINE"] not in ("django.db.backends.sqlite3", SQLITE_ENGINE):
        return
    db["ENGINE"] = SQLITE_ENGINE
    options = db.setdefault("OPTIONS", {})
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("timeout", 20)
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")


for _db in DATABASES.values():
    _tune_sqlite(_db)

# --- database connections: kept open across requests ---------------------------------------
# A new connection per request costs a TCP connect, authentication and session set-up on
# PostgreSQL (the PRAGMAs of _tune_sqlite on SQLite); `make bench` measures the difference.
# Gunicorn's sync workers serve one request at a time per process, so a persistent connection
# is never shared between threads. The development server starts a thread per connection and
# closes its database connections when it ends, so persistence buys nothing there: off with DEBUG.
# DATABASE_URL wins when it carries them: django-environ's db_url() turns the query parameters
# `conn_max_age` and `conn_health_checks` into CONN_MAX_AGE and CONN_HEALTH_CHECKS (every other
# parameter lands in OPTIONS), cast with ast.literal_eval, so write `conn_max_age=None` for no
# limit and `conn_health_checks=False` (a lower-case `false` stays a string, which is true).
# Health checks cost PostgreSQL one `SELECT 1` per request that reuses a connection; they spare
# the first request after a server restart or an idle timeout an error.
# No psycopg pool (OPTIONS["pool"], Django 5.1+): with sync workers each process uses one
# connection at a time either way; measured with benchmarks/bench_http.py on PostgreSQL it was no
# faster than CONN_MAX_AGE (same calls/s within the noise, same server CPU per call), and it needs
# psycopg[pool], an extra dependency.
# On PostgreSQL, server-side parameter binding with prepared statements: a connection kept open
# plans each of the engine's repeated queries once instead of on every request (measured with
# benchmarks/bench_http.py: about 15% less time per application). Turn it off
# (DJANGO_DB_PREPARED_STATEMENTS=0) behind PgBouncer in transaction mode, which cannot keep them.
for _db in DATABASES.values():
    _db.setdefault("CONN_MAX_AGE", env.int("DJANGO_DB_CONN_MAX_AGE", default=0 if DEBUG else 60))
    _db.setdefault("CONN_HEALTH_CHECKS", env.bool("DJANGO_DB_CONN_HEALTH_CHECKS", default=True))
    if _db["ENGINE"] == "django.db.backends.postgresql" and env.bool(
        "DJANGO_DB_PREPARED_STATEMENTS", default=True
    ):
        _db.setdefault("OPTIONS", {}).setdefault("server_side_binding", True)
        _db["OPTIONS"].setdefault("prepare_threshold", 5)
    # PostgreSQL's JIT compiles a report query for longer than it then runs (the annual duty's
    # city-wide report for 20,000 lawyers: about 0.9 s of compiling for a 0.3 s query): off for this
    # engine's short queries, unless DJANGO_DB_JIT=1.
    if _db["ENGINE"] == "django.db.backends.postgresql" and not env.bool("DJANGO_DB_JIT", default=False):
        _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# --- end of database connections ------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # first, so that a locked-out account is refused before its password is checked
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: 5 failures in a row lock that account from that address for a while.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_VERBOSE = False
# Behind a reverse proxy set AXES_IPWARE_META_PRECEDENCE_ORDER via code; default: REMOTE_ADDR.

# django-guardian: no anonymous user row; object permissions only on concrete models.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# --- internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # not the manifest storage: it fails on viewflow's font files (docs/architecture.md, viewflow)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Served by whitenoise straight from the apps' folders, with no collectstatic, in development.
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Request bodies (config.middleware.BodySizeLimitMiddleware answers 413 beyond them, the API's
# parsers read no further): a JSON or form body, or a multipart body's fields, 2.5 MB; a multipart
# body with its files 31 MB, room for three files at the 10 MB per-file limit (aid_cases.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
MULTIPART_MAX_REQUEST_SIZE = 31 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# The wait a 429 announces in Retry-After when its throttle does not say (its window: an hour).
RETRY_AFTER_SECONDS = 60 * 60

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Secure by default; a deployment behind a TLS-terminating proxy may relax the redirect.
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes DRF answer 401, not 403.
        "rest_framework.authentication.TokenAuthentication",
        # Session with a CSRF failure answered 403, not 404 (api.authentication).
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        # strict and bounded: 400 for deep nesting, NaN and lone surrogates; 413 over the limit
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # the shared error responses of docs/api.md on every operation (api.schema)
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DATE_FORMAT": "%Y-%m-%d",
    "COERCE_DECIMAL_TO_STRING": True,
    # Registration (API and site form alike, directory.registration): attempts per address.
    "DEFAULT_THROTTLE_RATES": {"register": "10/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Legal aid engine API",
    "DESCRIPTION": (
        "HTTP API v1 of the legal aid and fee-waiver workflow engine. The guide (authentication, "
        "errors, pagination, examples) is docs/api.md in the project's repository."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # docs assets from the sidecar package: no CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # one schema name per shared enumeration
    "ENUM_NAME_OVERRIDES": {
        "MatterTypeEnum": "directory.choices.MatterType",
        "MatterCategoryEnum": "directory.choices.MatterCategory",
        "ProviderKindEnum": "directory.choices.ProviderKind",
        "ApplicantCategoryEnum": "aid_cases.means.ApplicantCategory",
        "ComplaintAboutEnum": "quality.choices.ComplaintAbout",
        "ComplaintGroundEnum": "quality.choices.ComplaintGround",
        "ComplaintSourceEnum": "quality.choices.ComplaintSource",
        "ComplaintStatusEnum": "quality.choices.ComplaintStatus",
        "ComplaintOutcomeEnum": "quality.choices.ComplaintOutcome",
        "FollowUpPointEnum": "quality.choices.FollowUpPoint",
        "FollowUpStatusEnum": "quality.choices.FollowUpStatus",
        "FeedbackStatusEnum": "quality.models.hearings.FeedbackStatus",
        "FeedbackAssessmentEnum": "quality.models.hearings.FeedbackAssessment",
        "ApplicationStatusEnum": "aid_cases.choices.Status",
        "TaskStatusEnum": "api.serializers.TASK_STATUSES",
        "OrganisationKindEnum": "directory.choices.OrganisationKind",
        "DocumentKindEnum": "documents.models.DocumentKind",
        "StandardKindEnum": "aid_cases.models.EconomicStandard.Kind",
        "InstitutionKindEnum": "api.serializers.INSTITUTION_QUERY_KINDS",
        "TreatmentEnum": "waivers.choices.Treatment",
        "WaiverStatusEnum": "waivers.choices.WaiverStatus",
        "WaiverKindEnum": "waivers.choices.WaiverKind",
        "ServiceLogStatusEnum": "assignments.choices.ServiceLogStatus",
        "DutyStatusEnum": "assignments.choices.DutyStatus",
        # collaboration letters between centers (协作函)
        "CollaborationRequestEnum": "aid_cases.choices.CollaborationRequest",
        "CollaborationStatusEnum": "aid_cases.choices.CollaborationStatus",
        "CollaborationDirectionEnum": "api.collaboration.DIRECTIONS",
        # the application's channel keeps its name beside the consultation's
        "ChannelEnum": "aid_cases.choices.Channel",
        "ConsultationChannelEnum": "consultations.choices.ConsultationChannel",
        "ConsultationStatusEnum": "consultations.choices.ConsultationStatus",
        "ReferralEnum": "consultations.choices.Referral",
    },
}

# --- background work (Celery) ---------------------------------------------------------------
# config/celery.py reads the CELERY_* names below. Without a broker, the default, no worker is needed:
# letters are rendered in the web process after the response (documents.rendering) and workflow
# timers fire only from cron (manage.py workflow_timers). With one, e.g. redis://127.0.0.1:6379/1,
# run `celery -A config worker -B` (or worker and beat apart); web and worker need the same value.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Nothing reads a task's return value: no result backend to run or to fill.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Safe because every task is idempotent: a worker lost mid-task leaves the message to another,
# and each worker takes one message at a time, so a long render does not hold others back.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat's schedule in the site's time, as the periods and timers are.
CELERY_TIMEZONE = TIME_ZONE
# --- end of background work -----------------------------------------------------------------

# --- project --------------------------------------------------------------------------------
SITE_TITLE = _("Jingdezhen Legal Aid")
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="jdz-demo-2026")
# The public origin printed under the QR code of issued documents (no trailing slash);
# when empty, the origin of the request that issues the document.
SITE_BASE_URL = env.str("SITE_BASE_URL", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
