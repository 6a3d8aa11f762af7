"""Django settings for yiwang.

Every value comes from the environment (12-factor); each variable is documented
in docs/configuration.md. With no environment at all, yiwang runs on the
embedded defaults: a SQLite file and media files under ``var/``, a secret key
generated once into ``var/secret_key`` (and the audit log's signing key, on
first use, into ``var/audit-signing-key.pem``), and DEBUG on.

Production (``YIWANG_ENV=production``) refuses to start without an explicit
``YIWANG_SECRET_KEY`` and ``YIWANG_ALLOWED_HOSTS``; its scheduler, which signs the
audit log's checkpoints, also refuses to start without ``YIWANG_AUDIT_SIGNING_KEY_FILE``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value, or ``default`` when it is unset or blank."""
    return (os.environ.get(name) or "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- environment -----------------------------------------------------------

YIWANG_ENV = env_str("YIWANG_ENV", "development")
if YIWANG_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"YIWANG_ENV must be development, test or production, not {YIWANG_ENV!r}"
    )
IS_PRODUCTION = YIWANG_ENV == "production"

VAR_DIR = Path(env_str("YIWANG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("YIWANG_DEBUG", not IS_PRODUCTION)


def _secret_key() -> str:
    key = env_str("YIWANG_SECRET_KEY")
    if key:
        return key
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "YIWANG_SECRET_KEY is required in production (YIWANG_ENV=production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Embedded default: one random key per installation, kept under var/.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "YIWANG_ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("YIWANG_ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("YIWANG_CSRF_TRUSTED_ORIGINS", [])

# --- applications ----------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI from the static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "yiwang.core",
    "yiwang.identity",
    "yiwang.catalog",
    "yiwang.processes",
    "yiwang.cases",
    "yiwang.events",
    "yiwang.integrations",
    "yiwang.notifications",
    "yiwang.workbench",
    "yiwang.portal",
    "yiwang.api",
    "yiwang.demo",
]

MIDDLEWARE = [
    # Every error of an /api/ path is the API's JSON error body (404, 405, 413, 500 too).
    "yiwang.api.edge.ApiErrorBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "yiwang.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Read-your-writes with a replica: a user's reads go to the primary after their writes.
    "yiwang.core.dbrouting.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Input no view can take (a NUL character, a body over the limits) is refused here.
    "yiwang.api.edge.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "yiwang.identity.middleware.SessionPolicyMiddleware",
    # Who a user is in each department, read once per request (identity.selectors).
    "yiwang.identity.middleware.RequestRolesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yiwang.urls"
WSGI_APPLICATION = "yiwang.wsgi.application"
ASGI_APPLICATION = "yiwang.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yiwang.core.context_processors.site",
                "yiwang.identity.context_processors.person",
            ],
        },
    },
]

# --- database --------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yiwang.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("YIWANG_DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the
    # write lock at BEGIN so concurrent writers queue instead of failing late.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The open-cases index carries its light columns (INCLUDE) for PostgreSQL's
    # index-only counts; SQLite builds it without them, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A PostgreSQL streaming replica for the reads of lists, search and the cockpit
# (yiwang.core.dbrouting, docs/scaling.md). Writes, transactions and a user's reads
# for YIWANG_DATABASE_REPLICA_PIN_SECONDS after their own writes use the primary.
DATABASE_REPLICA_URL = env_str("YIWANG_DATABASE_REPLICA_URL")
YIWANG_DATABASE_REPLICA_READS = bool(DATABASE_REPLICA_URL)
YIWANG_DATABASE_REPLICA_PIN_SECONDS = env_int("YIWANG_DATABASE_REPLICA_PIN_SECONDS", 10)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("YIWANG_DB_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
elif YIWANG_ENV == "test":
    # The router's tests turn YIWANG_DATABASE_REPLICA_READS on against this mirror.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["yiwang.core.dbrouting.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"

# Background tasks: Django's tasks API (django-tasks backport) with the database
# backend, so a task is enqueued in the same transaction as the change that
# causes it. Run workers with `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("YIWANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- authentication --------------------------------------------------------

# Django's username/password backend, throttled (docs/identity.md "Password sign-in").
AUTHENTICATION_BACKENDS = ["yiwang.identity.backends.ThrottledModelBackend"]
# Plug the city's unified identity service (统一身份认证) here; see
# docs/configuration.md "OpenID Connect".
if env_str("YIWANG_OIDC_BACKEND"):
    AUTHENTICATION_BACKENDS.insert(0, env_str("YIWANG_OIDC_BACKEND"))

LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# The header the reverse proxy sets to the client's address (e.g. X-Real-IP);
# empty: REMOTE_ADDR. Sign-in throttles and audit entries count by it.
YIWANG_CLIENT_IP_HEADER = env_str("YIWANG_CLIENT_IP_HEADER")

# Sessions end after this long without a request (officers: anyone holding a
# role other than citizen or enterprise agent, and staff), and after
# YIWANG_SESSION_MAX_HOURS in any case (yiwang.identity.middleware).
YIWANG_SESSION_IDLE_MINUTES_OFFICER = env_int("YIWANG_SESSION_IDLE_MINUTES_OFFICER", 30)
YIWANG_SESSION_IDLE_MINUTES_CITIZEN = env_int("YIWANG_SESSION_IDLE_MINUTES_CITIZEN", 120)
YIWANG_SESSION_MAX_HOURS = env_int("YIWANG_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = YIWANG_SESSION_MAX_HOURS * 3600

# How long a password-reset link (e-mail) or code (SMS) works.
YIWANG_PASSWORD_RESET_MINUTES = env_int("YIWANG_PASSWORD_RESET_MINUTES", 30)
PASSWORD_RESET_TIMEOUT = YIWANG_PASSWORD_RESET_MINUTES * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if YIWANG_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- internationalisation --------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# The city this installation serves; the demo loads Jinan.
YIWANG_CITY_NAME = env_str("YIWANG_CITY_NAME", "济南市")
YIWANG_CITY_NAME_EN = env_str("YIWANG_CITY_NAME_EN", "Jinan")
YIWANG_REGION_CODE = env_str("YIWANG_REGION_CODE", "370100")

# Open311 GeoReport v2 (docs/open311.md): the jurisdiction_id this server answers to (the
# specification suggests the city's website without www; a request naming another gets
# 404) and the contact its discovery document gives.
YIWANG_OPEN311_JURISDICTION = env_str("YIWANG_OPEN311_JURISDICTION", "jinan.gov.cn")
YIWANG_OPEN311_CONTACT = env_str("YIWANG_OPEN311_CONTACT", "12345")
# Open311 GET requests without an api_key, per client address and minute (429 beyond).
YIWANG_OPEN311_ADDRESS_RATE = env_int("YIWANG_OPEN311_ADDRESS_RATE", 60)
# Open311 POST requests answered asynchronously (docs/open311.md, "The intake queue"): true
# stores each checked request with a GeoReport v2 token and answers at once (202, services of
# type "batch"); the intake workers (manage.py open311_intake) register them in batches and
# GET tokens/{token} gives the service_request_id. False (default): registered and dispatched
# within the POST, answered with the service_request_id (type "realtime").
YIWANG_OPEN311_ASYNC = env_bool("YIWANG_OPEN311_ASYNC", False)
# How long a process trusts the API token, Open311 key and Open311 service (category) it has
# looked up (yiwang.core.recheck): one revoked or retired in another process, or whose owner
# was disabled, is refused by this one at most this many seconds later (the process that
# revokes a token or a key forgets it at once). 0 looks up on every request, as the tests do.
YIWANG_LOOKUP_RECHECK_SECONDS = env_int(
    "YIWANG_LOOKUP_RECHECK_SECONDS", 0 if YIWANG_ENV == "test" else 2
)

# How the working-day calendar counts a year whose holiday schedule is not
# entered yet: "statutory" (default) counts its statutory holidays and marks
# every deadline through it provisional until the schedule is entered (see
# docs/calendar.md); "error" raises CalendarYearMissing, for tests and tools only.
YIWANG_CALENDAR_FALLBACK = env_str("YIWANG_CALENDAR_FALLBACK", "statutory")
if IS_PRODUCTION and YIWANG_CALENDAR_FALLBACK == "error":
    raise ImproperlyConfigured(
        "YIWANG_CALENDAR_FALLBACK=error is for tests and tools: in production it would refuse "
        "applications whose deadlines reach a year without a published holiday schedule. "
        "Use statutory (the default)."
    )

# How long a process trusts the working-day calendar it has loaded before it checks
# the database's fingerprint of it again (one aggregate query): an edit made in
# another process is used by this one at most this many seconds later (the process
# that edits drops its copy at once). 0 checks on every use, as the tests do.
YIWANG_CALENDAR_RECHECK_SECONDS = env_int(
    "YIWANG_CALENDAR_RECHECK_SECONDS", 0 if YIWANG_ENV == "test" else 2
)

# --- static and media files ------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("YIWANG_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("YIWANG_MEDIA_ROOT", str(VAR_DIR / "media")))

STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env_str("YIWANG_FILE_STORAGE", "django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
if env_str("YIWANG_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("YIWANG_S3_BUCKET"),
            "endpoint_url": env_str("YIWANG_S3_ENDPOINT_URL") or None,
            "region_name": env_str("YIWANG_S3_REGION") or None,
        },
    }

# `make run` serves with DEBUG off (the product's own error pages, as a city sees them):
# WhiteNoise then serves the apps' static files from their folders, with no collectstatic.
WHITENOISE_USE_FINDERS = YIWANG_ENV == "development"

# Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file named by us,
# never after the client's file name (see yiwang.core.uploads).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "yiwang.core.uploads.SafeTemporaryFileUploadHandler",
]

# Largest file an applicant may upload (bytes); larger ones are refused (HTTP 413).
YIWANG_UPLOAD_MAX_BYTES = env_int("YIWANG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Working days a department has to answer a bad rating (差评整改).
YIWANG_RECTIFICATION_DAYS = env_int("YIWANG_RECTIFICATION_DAYS", 5)

# Webhooks: how long to wait for an integrator's server, how often to retry,
# and the first retry delay (doubling each time).
YIWANG_NOTIFICATION_MAX_ATTEMPTS = env_int("YIWANG_NOTIFICATION_MAX_ATTEMPTS", 6)
YIWANG_NOTIFICATION_BACKOFF_SECONDS = env_int("YIWANG_NOTIFICATION_BACKOFF_SECONDS", 120)
YIWANG_WEBHOOK_TIMEOUT_SECONDS = env_int("YIWANG_WEBHOOK_TIMEOUT_SECONDS", 10)
YIWANG_WEBHOOK_MAX_ATTEMPTS = env_int("YIWANG_WEBHOOK_MAX_ATTEMPTS", 8)
YIWANG_WEBHOOK_BACKOFF_SECONDS = env_int("YIWANG_WEBHOOK_BACKOFF_SECONDS", 60)
# Webhooks go to public hosts only; true lets them reach loopback and private
# addresses (a receiver on the developer's machine). Never in production.
YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# --- audit log -------------------------------------------------------------

# The Ed25519 private key that signs the audit log's checkpoints (PEM). Only the
# scheduler reads it; outside production it is generated here on first use.
YIWANG_AUDIT_SIGNING_KEY_FILE = env_str(
    "YIWANG_AUDIT_SIGNING_KEY_FILE",
    "" if IS_PRODUCTION else str(VAR_DIR / "audit-signing-key.pem"),
)
# The public keys that checkpoints are verified with (base64), every key that ever
# signed; outside production, empty means the public half of the key file above.
YIWANG_AUDIT_PUBLIC_KEYS = env_list("YIWANG_AUDIT_PUBLIC_KEYS", [])
# Checkpoints are appended here too (JSON lines), for shipping off the host.
YIWANG_AUDIT_CHECKPOINT_LOG = env_str(
    "YIWANG_AUDIT_CHECKPOINT_LOG", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# Seconds between two checkpoints while the log grows (the scheduler wakes this often).
YIWANG_AUDIT_CHECKPOINT_SECONDS = env_int("YIWANG_AUDIT_CHECKPOINT_SECONDS", 5)
if YIWANG_AUDIT_CHECKPOINT_SECONDS < 1:
    raise ImproperlyConfigured("YIWANG_AUDIT_CHECKPOINT_SECONDS must be at least 1")

# Seconds between two runs of the outbox relays (case events told to the world after
# their commit: notifications, webhooks); the scheduler wakes this often.
YIWANG_OUTBOX_RELAY_SECONDS = env_int("YIWANG_OUTBOX_RELAY_SECONDS", 1)
if not 1 <= YIWANG_OUTBOX_RELAY_SECONDS <= 60:
    raise ImproperlyConfigured("YIWANG_OUTBOX_RELAY_SECONDS must be between 1 and 60")

# Milliseconds a process waits between two runs of the audit sequencer after a commit
# (0: after every commit, as the tests do, which read their entries sealed at once).
# What a skipped run leaves is sealed by a later commit or the scheduler's relay.
YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS = env_int(
    "YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS", 0 if YIWANG_ENV == "test" else 500
)
if not 0 <= YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS <= 60_000:
    raise ImproperlyConfigured("YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS must be between 0 and 60000")

# --- e-mail ----------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "YIWANG_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("YIWANG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("YIWANG_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("YIWANG_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("YIWANG_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("YIWANG_EMAIL_USE_TLS", False)
# A hanging mail server must not hold a worker longer than a task's lease.
EMAIL_TIMEOUT = env_int("YIWANG_EMAIL_TIMEOUT_SECONDS", 30)
DEFAULT_FROM_EMAIL = env_str("YIWANG_EMAIL_FROM", "yiwang@localhost")
# Text messages go through this class (``send(phone, text)``); the default only logs them.
YIWANG_SMS_SENDER = env_str("YIWANG_SMS_SENDER", "yiwang.notifications.sms.LogSmsSender")
# The site's public address (scheme and host, no trailing slash), put in front of links sent
# by text message (e.g. the reporter's rating link); empty: the links are paths only.
YIWANG_SITE_URL = env_str("YIWANG_SITE_URL").rstrip("/")
# How long a reporter's rating link (回访 by message) stays valid, in days.
YIWANG_RATING_LINK_DAYS = env_int("YIWANG_RATING_LINK_DAYS", 7)

# --- IoT alarms over MQTT (docs/iot.md) -------------------------------------

# The broker the subscriber (manage.py mqtt_subscriber) takes alarms from; empty: no subscriber.
YIWANG_MQTT_URL = env_str("YIWANG_MQTT_URL")
# The subscriber's client id: its persistent session at the broker. Stable across restarts.
YIWANG_MQTT_CLIENT_ID = env_str("YIWANG_MQTT_CLIENT_ID", "yiwang-iot")
# The topic filter it subscribes to (QoS 1): yiwang/iot/<city>/alarms/<device id>.
YIWANG_MQTT_TOPIC = env_str("YIWANG_MQTT_TOPIC", "yiwang/iot/+/alarms/+")

# --- security --------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("YIWANG_SECURE_COOKIES", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("YIWANG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("YIWANG_HSTS_SECONDS", 31536000)
    # Health probes come from the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- logging ---------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A 403 is one warning line, not a traceback (yiwang.core.logfilters).
    "filters": {
        "no_403_traceback": {"()": "yiwang.core.logfilters.PermissionDeniedWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("YIWANG_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every request error a
        # second time beside the root's line: its records go to the root's handler alone.
        "django": {"handlers": [], "propagate": True},
        "jieba": {"level": "WARNING"},
        "django.request": {"filters": ["no_403_traceback"]},
    },
}

NINJA_PAGINATION_PER_PAGE = 20
