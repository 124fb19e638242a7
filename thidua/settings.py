"""Settings for Thi Đua: one file, driven by the environment.

THIDUA_ENV selects the profile:
- ``development`` (default; what ``make run`` uses on a laptop, DEBUG off unless DEBUG=1),
- ``test`` (set by the test suite),
- ``production`` (refuses to start without SECRET_KEY; secure cookies; HSTS behind a setting).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from thidua.env import env_bool, env_int, env_list, env_secret, env_str
from thidua.release import cache_settings, code_fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("THIDUA_VAR_DIR") or BASE_DIR / "var")

ENVIRONMENT = env_str("THIDUA_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"THIDUA_ENV={ENVIRONMENT!r}: use development, test or production")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", False) and not PRODUCTION

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set in production: refusing to start."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "thidua.audit",
    "thidua.org",
    "thidua.cycle",
    "thidua.honours",
    "thidua.documents",
    "thidua.api",
    "thidua.jobs",
    "thidua.notifications",
    "huey.contrib.djhuey",
    "thidua.portal",  # the pages and commands that gather every app, above them all
]

MIDDLEWARE = [
    "thidua.net.ClientAddress",  # the client's address behind the trusted proxies, for all below
    "django.middleware.security.SecurityMiddleware",
    "thidua.security.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "thidua.org.middleware.LoginRequired",
    "thidua.org.second_factor.SecondFactorRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "thidua.errors.MethodNotAllowedPages",
]
# Every error page is Vietnamese in the site's layout (JSON under /api/): thidua/errors.py.
CSRF_FAILURE_VIEW = "thidua.errors.csrf_failure"

ROOT_URLCONF = "thidua.urls"
WSGI_APPLICATION = "thidua.wsgi.application"

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
                "thidua.org.context_processors.navigation",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives there
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'thidua.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once (several gunicorn workers); IMMEDIATE
    # transactions take the write lock up front so two writers queue instead of deadlocking.
    # Connections persist (DB_CONN_MAX_AGE) as on PostgreSQL: opening one per request costs the
    # PRAGMAs and Django's SQL functions, and closing the last one checkpoints the WAL (measured:
    # 3–4 ms on every request, more than the health check's whole work).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements for the few hot queries run through a server-binding cursor
    # (thidua.lib.plain_rows.hot_rows), on first use; Django's own cursors never prepare. Off
    # (DB_PREPARED_STATEMENTS=0) behind a pooler in transaction mode that cannot carry them.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        0 if env_bool("DB_PREPARED_STATEMENTS", True) else None
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "thidua.org.backends.UserWithUnitBackend",  # ModelBackend; the user's unit in the same query
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENVIRONMENT == "test":
    # Argon2 is deliberately slow; the suite creates many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures for a username from one address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy: the proxies (addresses or networks) whose X-Forwarded-For is believed;
# the lockout, the access log and the rest take the client's address from thidua.net.client_ip.
THIDUA_TRUSTED_PROXIES = env_list("THIDUA_TRUSTED_PROXIES", [])
for _proxy in THIDUA_TRUSTED_PROXIES:  # a typo stops the server, never silently trusts nobody
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"THIDUA_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None
AXES_CLIENT_IP_CALLABLE = "thidua.net.client_ip"

# Second factor (django-otp TOTP) for Ministry approvers and administrators: see
# thidua/org/second_factor.py. When required, an approver without a confirmed authenticator app
# is sent to the enrolment page after the password and can do nothing else. On in production by
# default; off in development and test unless THIDUA_REQUIRE_TOTP_FOR_APPROVERS=1.
THIDUA_REQUIRE_TOTP_FOR_APPROVERS = env_bool("THIDUA_REQUIRE_TOTP_FOR_APPROVERS", PRODUCTION)
OTP_TOTP_ISSUER = "Thi Đua"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds; doubles with each successive wrong code
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's key or QR code

SESSION_COOKIE_AGE = env_int("SESSION_AGE_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SECURE = PRODUCTION or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
# The reverse proxy probes each app server over plain HTTP: the health check answers, not redirects.
SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "vi"
# One language: Vietnamese whatever the browser asks (no LocaleMiddleware; Django's own messages,
# numbers and dates in Vietnamese). English stays the source language of the code only.
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Thousands grouped as "3.356" wherever a page groups a number (intcomma), like the documents.
FORMAT_MODULE_PATH = ["thidua.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and ENVIRONMENT != "test"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = ENVIRONMENT == "test"

# Background jobs (thidua/jobs/): a running job writes a heartbeat every JOBS_BEAT_SECONDS; one
# silent for JOBS_STALE_SECONDS (its process died) is shown as failed. Honours imports of more
# than HONOURS_IMPORT_SYNC_ROWS rows run as a job with a progress bar, smaller ones at once.
JOBS_STALE_SECONDS = env_int("THIDUA_JOBS_STALE_SECONDS", 60)
JOBS_BEAT_SECONDS = 0.5
# The task engine (Huey, `manage.py run_huey`) runs the jobs and the nightly schedule in worker
# processes. Its queue is an SQLite file in var/ by default (nothing to install: `make run` starts
# one worker beside gunicorn), Redis with THIDUA_JOBS_REDIS_URL (workers on several machines).
# THIDUA_JOBS_WORKERS bounds how many jobs a worker runs at once; the test profile runs tasks at
# once in the caller (tests/jobs/test_engine.py starts real workers).
JOBS_REDIS_URL = env_str("THIDUA_JOBS_REDIS_URL")
JOBS_QUEUE_FILE = Path(env_str("THIDUA_JOBS_QUEUE_FILE") or VAR_DIR / "jobs-queue.sqlite3")
JOBS_WORKERS = env_int("THIDUA_JOBS_WORKERS", 2)
JOBS_MAX_ATTEMPTS = env_int("THIDUA_JOBS_MAX_ATTEMPTS", 2)  # runs of a job whose worker died
JOBS_IMMEDIATE = env_bool("THIDUA_JOBS_IMMEDIATE", ENVIRONMENT == "test")
# A year-end report larger than this is read in the background, with progress (issue 19).
THIDUA_READING_BACKGROUND_BYTES = env_int("THIDUA_READING_BACKGROUND_BYTES", 512 * 1024)
if not (JOBS_REDIS_URL or JOBS_IMMEDIATE):
    JOBS_QUEUE_FILE.parent.mkdir(parents=True, exist_ok=True)
HUEY = {
    "huey_class": "huey.RedisHuey" if JOBS_REDIS_URL else "huey.SqliteHuey",
    "name": env_str("THIDUA_JOBS_QUEUE_NAME", "thidua"),  # one per installation sharing a Redis
    "immediate": JOBS_IMMEDIATE,
    "results": False,
    "utc": False,  # the schedule's hours are local (TIME_ZONE, which Django sets for the process)
    "connection": {"url": JOBS_REDIS_URL} if JOBS_REDIS_URL else {"filename": str(JOBS_QUEUE_FILE)},
    "consumer": {"workers": JOBS_WORKERS, "worker_type": "process", "max_delay": 1.0},
}
# The heavy queue (thidua/jobs/queues.py): document generation and large imports, beside the default
# queue above (the schedule, notifications, small work). Its own store (a second file, or its own
# Redis key) and its own workers (`run_huey --queue heavy`, THIDUA_JOBS_HEAVY_WORKERS at once), so a
# burst of year-end documents never delays the reminders, and never runs more than that many at once.
JOBS_HEAVY_WORKERS = env_int("THIDUA_JOBS_HEAVY_WORKERS", 1)
JOBS_HEAVY_QUEUE_FILE = Path(
    env_str("THIDUA_JOBS_HEAVY_QUEUE_FILE")
    or JOBS_QUEUE_FILE.with_name(f"{JOBS_QUEUE_FILE.stem}-heavy{JOBS_QUEUE_FILE.suffix}")
)
HUEY_HEAVY = {
    **HUEY,
    "name": f"{HUEY['name']}-heavy",
    "connection": (
        {"url": JOBS_REDIS_URL} if JOBS_REDIS_URL else {"filename": str(JOBS_HEAVY_QUEUE_FILE)}
    ),
    # No periodic tasks live there (the schedule is the default queue's); retries still scheduled.
    "consumer": {**HUEY["consumer"], "workers": JOBS_HEAVY_WORKERS, "periodic": False},
}
# Nightly work (thidua/jobs/tasks.py): result files of jobs older than JOBS_RETENTION_DAYS are
# deleted; with THIDUA_BACKUP_DIR set, `manage.py backup` writes an archive there every night.
JOBS_RETENTION_DAYS = env_int("THIDUA_JOBS_RETENTION_DAYS", 30)
BACKUP_DIR = env_str("THIDUA_BACKUP_DIR")
BACKUP_KEEP = env_int("THIDUA_BACKUP_KEEP", 14)
HONOURS_IMPORT_SYNC_ROWS = env_int("THIDUA_IMPORT_SYNC_ROWS", 500)

# Reminders (thidua/notifications/): in the app always; by email only when EMAIL_HOST is set (off by
# default). THIDUA_SITE_URL makes the links in emails and calendar feeds absolute.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Thi Đua <thidua@localhost>")
THIDUA_SITE_URL = env_str("THIDUA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
THIDUA_REMIND_DAYS_BEFORE = env_int("THIDUA_REMIND_DAYS_BEFORE", 7)

# Rendered fragments: this process's memory by default (`make run`), Redis shared by every app
# server when THIDUA_CACHE_URL is set; keys carry the release, so a deploy never serves old HTML
# (thidua/release.py: THIDUA_RELEASE, else a fingerprint of the code, templates and static files).
THIDUA_RELEASE = env_str("THIDUA_RELEASE") or code_fingerprint(BASE_DIR)
CACHES = cache_settings(env_str("THIDUA_CACHE_URL"), THIDUA_RELEASE)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Each line names the client's address (thidua.net: behind the trusted proxies, the officer's).
    "filters": {"client_ip": {"()": "thidua.net.ClientAddressFilter"}},
    "formatters": {
        "client": {"format": "%(asctime)s %(client_ip)s %(levelname)s %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_ip"],
            "formatter": "client",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # The task engine's own lines (a job taken, done, retried) through the one console handler:
    # with a handler here `run_huey` adds none of its own, and not propagating keeps them single.
    "loggers": {
        "huey": {
            "handlers": ["console"],
            "level": env_str("THIDUA_JOBS_LOG_LEVEL", "INFO"),
            "propagate": False,
        }
    },
}
