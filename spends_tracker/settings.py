# Long: the one settings module (docs/architecture.md): every app's settings in one place.
"""
The one settings module of Spends Tracker.

Everything that differs between installs is read from the environment (or a `.env` file next to
`manage.py`) with django-environ; `.env.example` documents every variable. Secrets may also be given
as `<NAME>_FILE`, the path of a file holding the value (Docker secrets).

Settings never raise on a bad value: problems are collected in `SPENDS_CONFIG_ERRORS` and reported
by the system checks in `spends_tracker.checks`, so `manage.py check` explains what is wrong instead
of printing a traceback.
"""

import contextlib
import datetime
import zoneinfo
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over the file. SPENDS_ENV_FILE names another file.
environ.Env.read_env(env.str("SPENDS_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

SPENDS_CONFIG_ERRORS: list[tuple[str, str, str]] = []  # (check id, message, hint)


def _secret(name: str, default: str = "") -> str:
    """Return the variable NAME, or the content of the file named by NAME_FILE."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            SPENDS_CONFIG_ERRORS.append(
                ("spends.E002", f"{name}_FILE points to an unreadable file: {exc}.", "")
            )
            return default
    return env.str(name, default=default)


_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    value = env.str(name, default=None)
    if value is None:
        return default
    if value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return value.strip().lower() in _TRUE_WORDS
    SPENDS_CONFIG_ERRORS.append(
        (
            "spends.E003",
            f"{name}={value!r} is neither true nor false.",
            "Use true/false, 1/0 or on/off.",
        )
    )
    return default


DEBUG = _bool("DEBUG", False)

# The secret key signs sessions and CSRF tokens; a shared default would let anyone forge them.
SECRET_KEY = _secret("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
elif not SECRET_KEY:
    SPENDS_CONFIG_ERRORS.append(
        (
            "spends.E001",
            "SECRET_KEY is not set, and DEBUG is off.",
            "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random string, for example the output"
            " of: python -c 'import secrets; print(secrets.token_urlsafe(50))'."
            " For local development only, DEBUG=true provides a default.",
        )
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Storage locations --------------------------------------------------------------------------


def _path(name: str, default: Path) -> Path:
    """Return the folder named by the variable NAME; relative paths start at the project folder."""
    return (BASE_DIR / env.str(name, default=str(default))).resolve()


SPENDS_DATA_DIR = _path("SPENDS_DATA_DIR", BASE_DIR / "data")
MEDIA_ROOT = _path("SPENDS_UPLOADS_DIR", SPENDS_DATA_DIR / "uploads")
MEDIA_URL = "/media/"
SPENDS_BACKUPS_DIR = _path("SPENDS_BACKUPS_DIR", SPENDS_DATA_DIR / "backups")

# Attachments: at most this many bytes each (docs/api.md §8); larger uploads are refused with 413
# while they stream in. They are streamed to FILE_UPLOAD_TEMP_DIR, inside the uploads folder so that
# moving a finished upload into the store is a rename on the same file system.
SPENDS_ATTACHMENT_MAX_BYTES = env.int("SPENDS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / ".incoming")

# Imports (docs/api.md §5.10, §8): an uploaded JSON, CSV or ZIP file may be this large (its own cap,
# far above the attachments'), and a ZIP archive may unpack to at most this many bytes in all
# (a bound against ZIP bombs).
SPENDS_IMPORT_MAX_BYTES = env.int("SPENDS_IMPORT_MAX_BYTES", default=1024 * 1024 * 1024)
SPENDS_IMPORT_MAX_UNPACKED_BYTES = env.int(
    "SPENDS_IMPORT_MAX_UNPACKED_BYTES", default=8 * 1024 * 1024 * 1024
)
with contextlib.suppress(OSError):  # reported by the writable-directories check
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

STATIC_URL = "static/"
STATIC_ROOT = _path("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Attachments live in the `default` storage: the file system under the uploads folder, or an
# S3-compatible object store (SPENDS_STORAGE=s3) through django-storages, by configuration alone.
SPENDS_STORAGE = env.str("SPENDS_STORAGE", default="filesystem")
if SPENDS_STORAGE == "s3":
    _attachment_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("SPENDS_S3_BUCKET", default=""),
            "endpoint_url": env.str("SPENDS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SPENDS_S3_REGION", default="") or None,
            "access_key": env.str("SPENDS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": _secret("SPENDS_S3_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
    if not _attachment_storage["OPTIONS"]["bucket_name"]:
        SPENDS_CONFIG_ERRORS.append(
            ("spends.E008", "SPENDS_STORAGE=s3 needs SPENDS_S3_BUCKET.", "Name the bucket.")
        )
elif SPENDS_STORAGE == "filesystem":
    _attachment_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    SPENDS_CONFIG_ERRORS.append(
        (
            "spends.E009",
            f"SPENDS_STORAGE={SPENDS_STORAGE!r} is not a storage this app knows.",
            "Use filesystem (the default) or s3.",
        )
    )
    _attachment_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _attachment_storage,
    "backups": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": SPENDS_BACKUPS_DIR},
    },
    # Served by the app itself through WhiteNoise: compressed, with content-hashed names.
    "staticfiles": {"BACKEND": "spends_tracker.security.StaticFilesStorage"},
}

# Offsite backups (backup_location "offsite"): an S3-compatible bucket through django-storages,
# configured by SPENDS_BACKUP_S3_* the same way as the attachments' bucket.
SPENDS_BACKUP_S3_BUCKET = env.str("SPENDS_BACKUP_S3_BUCKET", default="")
if SPENDS_BACKUP_S3_BUCKET:
    STORAGES["backups_offsite"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SPENDS_BACKUP_S3_BUCKET,
            "location": env.str("SPENDS_BACKUP_S3_PREFIX", default="spends-backups"),
            "endpoint_url": env.str("SPENDS_BACKUP_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SPENDS_BACKUP_S3_REGION", default="") or None,
            "access_key": env.str("SPENDS_BACKUP_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": _secret("SPENDS_BACKUP_S3_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,
            "default_acl": None,
        },
    }

# Backups and restores run as background jobs (docs/api.md §9.14) on Django's task framework (the
# django-tasks backport), queued in the database and executed by `manage.py spends_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job reports every few seconds; one silent for this long has lost its worker.
SPENDS_JOB_STALE_SECONDS = env.int("SPENDS_JOB_STALE_SECONDS", default=300)


def _whole(name: str, default: int, low: int, high: int, check_id: str, what: str) -> int:
    value = env.str(name, default=str(default)).strip()
    if value.isdigit() and low <= int(value) <= high:
        return int(value)
    SPENDS_CONFIG_ERRORS.append(
        (check_id, f"{name}={value!r} is not {what}.", f"Use {low} to {high}.")
    )
    return default


# Webhooks and Apprise notifications may reach loopback, link-local and private addresses only
# when this is on (kernel/outbound.py): for a household running ntfy on its own network.
SPENDS_ALLOW_PRIVATE_TARGETS = _bool("SPENDS_ALLOW_PRIVATE_TARGETS", False)

# How many exports and backup downloads may run at once on this machine (kernel/limits.py);
# more are refused with 429 so that they never take every web thread.
SPENDS_EXPORT_SLOTS = env.int("SPENDS_EXPORT_SLOTS", default=2)

# The hour (TIME_ZONE) from which the scheduler sends the day's reminder digests; it tries again
# every hour until midnight, so a digest missed while the scheduler was stopped still goes out.
SPENDS_REMINDER_HOUR = _whole("SPENDS_REMINDER_HOUR", 8, 0, 23, "spends.E011", "an hour of the day")

# Where the scheduler downloads the ECB's euro reference rates each day (docs/currencies.md):
# the whole history, of which only new days are loaded. Empty turns refreshing off; the history
# shipped with the app is used alone then. The address gets the outbound check of
# kernel/outbound.py (SPENDS_ALLOW_PRIVATE_TARGETS allows a mirror on the household's network).
SPENDS_ECB_RATES_URL = env.str(
    "SPENDS_ECB_RATES_URL", default="https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
).strip()

# Forwarded order e-mails (docs/receipts.md): the mailbox the scheduler reads every
# SPENDS_IMAP_INTERVAL_MINUTES (imaps://, imap:// with STARTTLS, imap+plain://); empty: off.
SPENDS_IMAP_URL = _secret("SPENDS_IMAP_URL").strip()
_imap_minutes = ("SPENDS_IMAP_INTERVAL_MINUTES", 5, 1, 60, "spends.E013", "a number of minutes")
SPENDS_IMAP_INTERVAL_MINUTES = _whole(*_imap_minutes)

# --- Database -----------------------------------------------------------------------------------

_default_database_url = f"sqlite:///{SPENDS_DATA_DIR / 'db.sqlite3'}"
_SUPPORTED_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}
try:
    DATABASES = {"default": env.db("DATABASE_URL", default=_default_database_url)}
    if DATABASES["default"]["ENGINE"] not in _SUPPORTED_ENGINES:
        raise ValueError("only SQLite and PostgreSQL are supported")
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    SPENDS_CONFIG_ERRORS.append(
        (
            "spends.E004",
            f"DATABASE_URL is not a usable database address: {exc}.",
            "Use sqlite:////absolute/path/db.sqlite3 or postgres://user:password@host:5432/name.",
        )
    )
    DATABASES = {"default": env.db_url_config(_default_database_url)}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must work with zero set-up: make its folder on first run.
    if DATABASES["default"]["NAME"] != ":memory:":
        with contextlib.suppress(OSError):  # reported by the writable-directories check
            Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL lets the web process read while a backup or import writes; IMMEDIATE avoids
        # "database is locked" upgrades when two writers meet.
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Persistent connections (docs/deployment.md, *Sizing*): on PostgreSQL a new connection per
# request costs more than a cheap request itself (TLS-less loopback still means a fork on the
# server and an authentication round trip), so each thread keeps its connection for
# CONN_MAX_AGE seconds, checked before reuse (CONN_HEALTH_CHECKS) so that a database restart
# costs one reconnect, not an error. The worker and the scheduler close or reuse theirs around
# each job the same way (close_old_connections). SQLite keeps its connections too: opening the
# file is cheap, but a new connection runs the PRAGMAs below, reads the schema again and starts
# with an empty page cache (`/api/health` under gunicorn 2.6 ms with a connection per request,
# 1.2 ms kept). The development server runs each request on a thread of its own, whose
# connection goes with it: there keeping them changes nothing.
_postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Prepared statements (docs/deployment.md, *Sizing*): with server-side binding, psycopg prepares
# a query the second time a connection runs it, and PostgreSQL then neither parses nor plans it
# again. Planning was half of the database's time for the cheap calls (a page of purchases 5 to
# 6 ms in the database, 2.5 to 3 ms prepared). A pooler in transaction mode that cannot follow
# prepared statements needs DATABASE_PREPARED_STATEMENTS=false. Two of the search's queries run
# unprepared, planned for their words (purchases.search._planned_for_its_values).
if _postgresql and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "csp",
    "axes",
    # Sign-in, password reset, two-factor and single sign-on (docs/accounts.md).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "import_export",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kernel",
    "spends_tracker",
    "accounts",
    "preferences",
    "currencies",
    "catalog",
    "purchases",
    "warranties",
    "receipts",
    "analytics",
    "interchange",
    "backups",
    "reminders",
]

MIDDLEWARE = [
    # First, so that every log line of a request carries its id.
    "spends_tracker.observability.RequestIdMiddleware",
    # The household's number style lasts as long as its request (preferences/formats.py).
    "preferences.middleware.NumberStyleMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "spends_tracker.security.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Before CommonMiddleware, so /api paths are normalised before APPEND_SLASH looks at them.
    "spends_tracker.middleware.ApiCompatibilityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The person's language, kept in the session; before CommonMiddleware (docs/i18n.md §1).
    "accounts.middleware.PersonLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # allauth's sign-in stages (the two-factor code after the password) live in the session.
    "allauth.account.middleware.AccountMiddleware",
    # What the signed-in person's role allows on each page (accounts.access has the table).
    "accounts.middleware.AccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Index INCLUDE columns are a PostgreSQL optimisation for the analytics; SQLite builds the same
# indexes without them, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

ROOT_URLCONF = "spends_tracker.urls"
WSGI_APPLICATION = "spends_tracker.wsgi.application"

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
                "preferences.context_processors.household",
                "accounts.context_processors.access",
                "spends_tracker.javascript_catalog.context",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time and language --------------------------------------------------------------------------

# The interface's languages (docs/i18n.md): each person's choice, else the browser's; English is
# the source and the fallback.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
LANGUAGES += [("es", "Español"), ("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True  # timestamps are stored in UTC; TIME_ZONE decides what "today" is
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    SPENDS_CONFIG_ERRORS.append(
        (
            "spends.E005",
            f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.",
            "Use an IANA name such as UTC, Europe/Berlin or America/New_York.",
        )
    )
    TIME_ZONE = "UTC"

# --- Logging ------------------------------------------------------------------------------------

# One JSON object per line on standard output (LOG_FORMAT=text for a terminal), each with the id
# of the request it belongs to; anything that looks like a credential is masked.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "spends_tracker.observability.RequestIdFilter"},
        "redact": {"()": "spends_tracker.observability.RedactSecretsFilter"},
        "without_traceback": {"()": "spends_tracker.observability.WithoutTracebackFilter"},
    },
    "formatters": {
        "json": {"()": "spends_tracker.observability.JsonFormatter"},
        "text": {"()": "spends_tracker.observability.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "text" if LOG_FORMAT == "text" else "json",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own "Not Found: /path" lines repeat what the request line already says.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # The scheduler logs each duty's outcome itself (spends_tracker.scheduler).
        "apscheduler": {"level": "WARNING"},
        # A request for another host name is the client's mistake (or a scan): one line, no trace.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}

# --- Security -----------------------------------------------------------------------------------
# Production defaults; see docs/deployment.md. Cookies travel over HTTPS only unless DEBUG is on
# (SECURE_COOKIES=false for a plain-HTTP install on a trusted network). HSTS, the HTTPS redirect and
# trusting a reverse proxy's X-Forwarded-Proto are opt-in: they are only right behind TLS.
SECURE_COOKIES = _bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", False)
# The container's health check calls the app over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^api/health/?$"]
# Behind a TLS-terminating reverse proxy (docs/deployment.md): its headers are trusted.
BEHIND_PROXY = _bool("SECURE_PROXY_SSL_HEADER", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = _bool("USE_X_FORWARDED_HOST", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content security policy of the pages (django-csp): no inline script, no eval, nothing from
# elsewhere. The API and the admin get their own (spends_tracker.security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws form controls with data: SVG images
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Static files: WhiteNoise serves what collectstatic gathered (far-future caching for hashed names);
# with DEBUG on it also finds them in the apps, so runserver needs no collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Login throttling (django-axes): LOGIN_FAILURE_LIMIT failed logins for one user name from one
# address lock that pair out of every login form (the pages' and the admin's) for
# LOGIN_COOLOFF_MINUTES. Counted per user name and address: one client's guesses never lock out
# the others, and another account's successful sign-in does not clear them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The admin's form signs in by user name.
    "django.contrib.auth.backends.ModelBackend",
    # The pages' form (allauth) signs in by user name or e-mail address.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
# The client's address: REMOTE_ADDR, or behind the reverse proxy the address the proxy wrote
# (read and checked with django-ipware). A callable rather than the AXES_IPWARE_* settings: those
# count the proxy's own address in X-Forwarded-For, which the proxy of docs/deployment.md does not
# write, so no proxy count describes "the last entry, written by our one proxy".
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
# The name a sign-in is counted under: the admin's form posts `username`, allauth's `login`.
AXES_USERNAME_CALLABLE = "accounts.lockout.login_name"

# --- Email --------------------------------------------------------------------------------------

# Reminders go out through Django's email backend, configured by one address (django-environ):
# smtp://user:password@host:25, smtp+tls://...:587 (STARTTLS) or smtp+ssl://...:465 (TLS). Without
# it, email reminders are off (with DEBUG on, the console shows them); webhooks and the calendar
# feed work either way.
_email_url = _secret("EMAIL_URL")
SPENDS_EMAIL_CONFIGURED = bool(_email_url) or DEBUG
if _email_url:
    try:
        _email = env.email_url_config(_email_url)
    except ImproperlyConfigured as exc:
        SPENDS_CONFIG_ERRORS.append(
            (
                "spends.E010",
                f"EMAIL_URL is not a usable mail server address: {exc}.",
                "Use smtp://user:password@host:25, smtp+tls://... (STARTTLS, port 587) or"
                " smtp+ssl://... (TLS, port 465); percent-encode special characters.",
            )
        )
        SPENDS_EMAIL_CONFIGURED = DEBUG
    else:
        EMAIL_BACKEND = _email["EMAIL_BACKEND"]
        EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
        EMAIL_PORT = _email["EMAIL_PORT"] or 25
        EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
        EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
        EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
        EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A mail server that does not answer must not hold the reminders command forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Spends Tracker <spends@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Spends Tracker -----------------------------------------------------------------------------

# The API without authentication, for a trusted single-user install on a private network only
# (docs/api.md §1.3). Off by default; the system check spends.W001 warns while it is on.
SPENDS_API_OPEN = _bool("SPENDS_API_OPEN", False)

# Cross-origin API calls from a development dashboard (docs/api.md §1.6), e.g. http://localhost:3030.
# Empty by default: in production the dashboard and the API share one origin.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api(/.*)?$"
CORS_ALLOW_CREDENTIALS = False

# The pages' own sign-in (django-allauth, docs/accounts.md); the admin keeps its own form.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "analytics:dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# Accounts come from invitations (and, when configured, single sign-on): nobody signs up alone.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
# Addresses are not confirmed by mail: an administrator or the identity provider vouches for them.
ACCOUNT_EMAIL_VERIFICATION = "none"
# Sessions last as they did before (no "remember me" box): until they expire or the person signs
# out.
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Spends Tracker] "
# A password reset asked for an address nobody here has sends nothing: with sign-up closed, a mail
# inviting the stranger to sign up would only be spam anyone could trigger.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# django-axes counts failed sign-ins per user name and client; allauth's own failure limit counts
# per user name alone, which would let anyone lock a household member out from anywhere.
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# Two-factor authentication: an authenticator app's codes (TOTP), and recovery codes for when the
# phone is lost. Optional for each person (their profile page).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Spends Tracker"

# Single sign-on through OpenID Connect (Authentik, Authelia, Keycloak, Google, ...), configured by
# the environment alone: no database rows. Unset, the login page shows no such button.
SPENDS_OIDC_SERVER_URL = env.str("SPENDS_OIDC_SERVER_URL", default="")
SPENDS_OIDC_CLIENT_ID = env.str("SPENDS_OIDC_CLIENT_ID", default="")
SPENDS_OIDC_NAME = env.str("SPENDS_OIDC_NAME", default="Single sign-on")
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if SPENDS_OIDC_SERVER_URL and SPENDS_OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            # Part of the callback address: <site>/accounts/oidc/sso/login/callback/
            "provider_id": "sso",
            "name": SPENDS_OIDC_NAME,
            "client_id": SPENDS_OIDC_CLIENT_ID,
            "secret": _secret("SPENDS_OIDC_CLIENT_SECRET"),
            "settings": {"server_url": SPENDS_OIDC_SERVER_URL},
        }
    )
elif SPENDS_OIDC_SERVER_URL or SPENDS_OIDC_CLIENT_ID:
    SPENDS_CONFIG_ERRORS.append(
        (
            "spends.E012",
            "Single sign-on needs both SPENDS_OIDC_SERVER_URL and SPENDS_OIDC_CLIENT_ID.",
            "Set both (and SPENDS_OIDC_CLIENT_SECRET), or neither to sign in by password only.",
        )
    )
# Signing in through the identity provider starts with a POST from the login page's button, so a
# link elsewhere cannot send a person to it unasked.
SOCIALACCOUNT_LOGIN_ON_GET = False

# Directories the app writes to; checked for writability by spends_tracker.checks.
SPENDS_WRITABLE_DIRS = {
    "SPENDS_DATA_DIR": SPENDS_DATA_DIR,
    "SPENDS_UPLOADS_DIR": MEDIA_ROOT,
    "SPENDS_BACKUPS_DIR": SPENDS_BACKUPS_DIR,
    "FILE_UPLOAD_TEMP_DIR": Path(FILE_UPLOAD_TEMP_DIR),
}
