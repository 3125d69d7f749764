"""Settings for the ERO information site: one file, read from the environment.

Order: paths, the dangerous switches (debug, secret, hosts), apps, requests, templates, data,
language, static files, security, content, third-party apps, logging.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# --- Danger zone -----------------------------------------------------------------------------
# DEBUG shows stack traces and settings to anyone: only ever on for local development
# (`make serve` sets DJANGO_DEBUG=1). Unset means production.
DEBUG = env_flag("DJANGO_DEBUG")

# Signs sessions and CSRF tokens. The fallback is public, so it is only for development and
# tests: `check --deploy` flags it, and the production entry point (wsgi.py) refuses it.
DEV_SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEV_SECRET_KEY

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

# Every absolute URL the site prints (canonical links, Open Graph, JSON-LD, the sitemap,
# robots.txt) starts with this, never with the request's Host header, which a client chooses.
# `check --deploy` wants HTTPS and a host in ALLOWED_HOSTS; build_site --base-url overrides it.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "axes",
    "programs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "programs.middleware.SecurityHeadersMiddleware",
    # Accept-Encoding reduced to the one encoding its q-values pick, for WhiteNoise and pages.
    "programs.middleware.NegotiatedEncodingMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language comes from the address alone (/es/... is Spanish), never from
    # Accept-Language or a cookie: Django's LocaleMiddleware would make every English page
    # vary on Accept-Language, which splits every cache in front of the site. Before the page
    # cache, which resolves the path in that language.
    "programs.i18n.LanguageFromPathMiddleware",
    # Public pages: 304 for a matching ETag, else the cached page (stored compressed), else
    # render and compress.
    "django.middleware.http.ConditionalGetMiddleware",
    "programs.middleware.PublicPageCacheMiddleware",
    "programs.middleware.PublicCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iceinfo.urls"
WSGI_APPLICATION = "iceinfo.wsgi.application"

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
                "programs.context_processors.site",
            ],
        },
    },
]

# --- Data ------------------------------------------------------------------------------------
# SQLite in the project by default; PostgreSQL (or any engine) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
# Each request reads in one transaction, so a page shows all of one content load or all of the
# next, never a mix; on PostgreSQL that needs REPEATABLE READ.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from psycopg import IsolationLevel

    DATABASES["default"].setdefault("OPTIONS", {})["isolation_level"] = (
        IsolationLevel.REPEATABLE_READ
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Language --------------------------------------------------------------------------------
# English at /, Spanish at /es/ + the same path. Interface strings come from the gettext
# catalogs in locale/ (compiled at set-up); content from content/ and content/es/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/New_York"
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/ holds our own source (Sass, JavaScript); build/static holds compiled CSS and the
# vendored-at-build-time assets, never committed.
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production serves hashed, compressed files that `collectstatic` made; development
        # and tests serve the source files as they are.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 300

# --- Caching -------------------------------------------------------------------------------
# Public pages are kept in each server process per content version (programs.middleware), the
# least recently used dropped first once they take PAGE_CACHE_BYTES (compressed, as served:
# the whole site takes about 5 MB in each of brotli, gzip and plain); a CDN may keep them
# PAGE_MAX_AGE seconds. A load reaches every server within CONTENT_VERSION_TTL seconds.
# Development (DEBUG) never caches a page.
PAGE_CACHE = True
PAGE_CACHE_BYTES = 32 * 1024 * 1024
PAGE_MAX_AGE = 300
CONTENT_VERSION_TTL = 1.0

# --- Security --------------------------------------------------------------------------------
# Only what the pages need: our own scripts, styles, images and fetches; nothing inline.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "manifest-src": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    # Production: HTTPS only. DJANGO_BEHIND_PROXY=1 when a TLS-terminating proxy forwards
    # requests; trusting X-Forwarded-Proto without one would let clients fake HTTPS.
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if env_flag("DJANGO_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Editor accounts -------------------------------------------------------------------------
# Editors can change every public page: Django's four password checks, with 12 characters at
# least, and django-axes to slow guessing. After 5 failed logins for one user name from one
# address, that pair waits 15 minutes (answered 429); a success clears the count. Locking the
# pair, not the address, keeps editors behind one office address working; locking the pair,
# not the name, keeps a stranger from locking an editor out from elsewhere. Behind a proxy the
# address is the proxy's, so the lock falls back to the user name alone.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# --- Content ---------------------------------------------------------------------------------
CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content")).resolve()
# Where `watch_content` leaves the errors of a failed reload, for pages to show (DEBUG only).
CONTENT_ERRORS_FILE = Path(
    os.environ.get("CONTENT_ERRORS_FILE", BASE_DIR / "build" / "content-errors.txt")
)

# --- django-markdownx ------------------------------------------------------------------------
# The admin preview runs the very function that renders public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "programs.editing.render_preview"
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
