"""Settings, read from the environment with safe development defaults.

With DEBUG off the process refuses to start unless SECRET_KEY, FIELD_ENCRYPTION_KEY and HASH_KEY
are set: production never runs on the development keys. See docs/deploy.md for every variable.
"""

import base64
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# Development keys: fixed so that `make run` works on a fresh machine; refused with DEBUG off.
_DEV_SECRETS = {
    "SECRET_KEY": "dev-only-insecure-secret-key-tongcheng-0123456789abcdefghijklmnopqrstuvwxyz",
    # 32 bytes, base64 (AES-256-GCM).
    "FIELD_ENCRYPTION_KEY": "ZGV2LW9ubHktZmllbGQta2V5LTAxMjM0NTY3ODkwMTI=",
    "HASH_KEY": "ZGV2LW9ubHktaGFzaC1rZXktMDEyMzQ1Njc4OTAxMjM=",
}


def secret(name: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return _DEV_SECRETS[name]
    raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off.")


SECRET_KEY = secret("SECRET_KEY")
FIELD_ENCRYPTION_KEY = secret("FIELD_ENCRYPTION_KEY")
HASH_KEY = secret("HASH_KEY")
for _name in ("FIELD_ENCRYPTION_KEY", "HASH_KEY"):
    try:
        _raw = base64.b64decode(globals()[_name], validate=True)
    except ValueError:
        _raw = b""
    if len(_raw) != 32:
        raise ImproperlyConfigured(f"{_name} must be 32 random bytes, base64-encoded.")

_CONFIGURED = {
    "SECRET_KEY": SECRET_KEY,
    "FIELD_ENCRYPTION_KEY": FIELD_ENCRYPTION_KEY,
    "HASH_KEY": HASH_KEY,
}
if not DEBUG and any(_CONFIGURED[name] == value for name, value in _DEV_SECRETS.items()):
    raise ImproperlyConfigured("The development keys cannot be used with DEBUG off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# A refused form is a 403 page in our words, and an audit event (security.csrf_refused).
CSRF_FAILURE_VIEW = "tongcheng.views.csrf_failure"
# How many reverse proxies stand in front: the client address recorded in audit events is read
# from X-Forwarded-For only then (0 = use REMOTE_ADDR; docs/deploy.md).
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks_db",
    "tongcheng.lib",
    "tongcheng.audit",
    "tongcheng.org",
    "tongcheng.notify",
    "tongcheng.registry",
    "tongcheng.cases",
    "tongcheng.hotline",
    "tongcheng.engagement",
    "tongcheng.meetings",
]

MIDDLEWARE = [
    "tongcheng.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files: whitenoise in production (below); runserver's staticfiles view in development.
    # Then: no-store on every answer to an account; SQLite's lock still held → 503 "busy".
    "tongcheng.audit.middleware.NoStoreMiddleware",
    "tongcheng.audit.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Bodies over the limit → 413; NUL in the path, a query or a form field → 400 naming it.
    "tongcheng.org.requestguard.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tongcheng.org.middleware.SessionPolicyMiddleware",
    "tongcheng.org.middleware.AccessPolicyMiddleware",
]

if not DEBUG:
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

# The phone platform's webhook is served with this shorter chain (tongcheng/wsgi.py): it is
# called by a machine that signs each request, never by a person's browser. CommonMiddleware
# stays: it gives each answer its Content-Length (without, gunicorn chunks the answer).
MACHINE_PATHS = [r"/api/v1/hotline/platforms/[A-Za-z0-9_-]+/events"]
MACHINE_MIDDLEWARE = [
    name
    for name in MIDDLEWARE
    if name
    not in {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "tongcheng.org.middleware.SessionPolicyMiddleware",
        "tongcheng.org.middleware.AccessPolicyMiddleware",
    }
]

ROOT_URLCONF = "tongcheng.urls"
WSGI_APPLICATION = "tongcheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongcheng.org.context_processors.navigation",
            ],
        },
    },
]

# SQLite (WAL) by default so a checkout just runs; PostgreSQL through DATABASE_URL in production.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that skips a connection proved alive a moment ago.
    DATABASES["default"]["ENGINE"] = "tongcheng.lib.postgres"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # The test database is a file, not memory: the concurrency tests' threads then wait on each
    # other's write lock (busy_timeout) as production connections do, where an in-memory shared
    # cache refuses at once. One file per test process, so two runs never share one.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"tongcheng-test-{os.getpid()}.sqlite3")
    }
else:
    # JIT compiles a query whose estimated cost passes jit_above_cost: 8-10 ms spent on every
    # such search of a short page, more than the search itself (docs/performance.md).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# Each request runs in one transaction: a write and its audit event commit together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
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
    {"NAME": "tongcheng.org.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "tongcheng.org.passwords.ContextWordValidator"},
]

# Login lockout, sessions and two-factor (docs/security.md), each overridable from the environment.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30"))
# Per client address, across every name: this many refused attempts within the window block
# further attempts from it until the window has fewer. 20, not less: a centre's staff share one
# address behind its router, and each account still locks after its own 5.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_IDLE_MINUTES_ADMIN = int(os.environ.get("SESSION_IDLE_MINUTES_ADMIN", "15"))
SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
# "all", or a comma-separated list of role codes. Production default: every account.
TWO_FACTOR_REQUIRED = os.environ.get(
    "TWO_FACTOR_REQUIRED",
    "sys_admin,security_admin,audit_admin,city_admin,district_office" if DEBUG else "all",
)
# Demo accounts (made by seed_demo) can only log in while DEBUG is on.
DEMO_ACCOUNTS_ALLOWED = DEBUG

SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "tc_session"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload directive alone enrols nothing; it keeps `check --deploy` free of warnings.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every asset is self-hosted: the policy names no external origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tc_language"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Structured (JSON) logs on stdout; records carry ids and route names, never personal values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tongcheng.lib.logs.JsonFormatter"}},
    "filters": {"request_id": {"()": "tongcheng.lib.logs.RequestIdFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger prints the path, which may carry search terms: ours logs instead.
        "django.request": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# The ledger's daily allowances per user (registry/allowance.py, docs/security.md "Masks"):
# "show full number" (ID number and phone), exact-number searches (full ID number, full phone,
# last 4) and the ID numbers an import's dry run looks up city-wide.
REVEAL_LIMIT_PER_DAY = int(os.environ.get("REVEAL_LIMIT_PER_DAY", "50"))
LOOKUP_LIMIT_PER_DAY = int(os.environ.get("LOOKUP_LIMIT_PER_DAY", "100"))
IMPORT_LOOKUP_LIMIT_PER_DAY = int(os.environ.get("IMPORT_LOOKUP_LIMIT_PER_DAY", "10000"))
# The working day's periods, for time limits counted in working hours (docs/calendar.md).
WORKING_HOURS = os.environ.get("WORKING_HOURS", "08:30-12:00,14:30-17:30")

# Background work (large ledger imports) goes through Django's task framework. The database
# backend keeps the queue in this database: a task is written in the same transaction as the
# import job it works on (both or neither), and `manage.py db_worker` runs it (`make run` starts
# one beside the server; docs/deploy.md). The tests use this backend too and run the worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Ledgers of IMPORT_HELPER_ROWS rows and more are checked and encrypted by this process and
# IMPORT_HELPERS helper processes together (registry/ledger/helpers.py): by default one helper
# per further core, at most three; 0 keeps every import in one process.
IMPORT_HELPERS = int(
    os.environ.get("IMPORT_HELPERS", str(max(0, min(3, (os.cpu_count() or 1) - 1))))
)
IMPORT_HELPER_ROWS = int(os.environ.get("IMPORT_HELPER_ROWS", "10000"))
# An uploaded ledger sheet may hold at most this many rows (refused at upload, from the rows
# counted in the workbook's XML, before anything is parsed; registry/ledger/read.py).
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
# 三必清: a file not verified by a visit for this many months is due for one (the city's
# implementation plan asks for regular door-to-door checks).
VISIT_DUE_MONTHS = int(os.environ.get("VISIT_DUE_MONTHS", "6"))

# Notifications (tongcheng/notify): email through SMTP in production (EMAIL_HOST …), printed on
# the console in development; the daily digest goes out on working days from DIGEST_AT; links in
# emails start with SITE_URL. Text messages go through one generic HTTP gateway (notify/gateway.py,
# docs/deploy.md); without SMS_GATEWAY_URL none is sent (the outbox says so).
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {}
        if DEBUG and "EMAIL_HOST" not in os.environ
        else {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tongcheng@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DIGEST_AT = os.environ.get("DIGEST_AT", "08:00")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "5"))
# The public progress page (hotline/tracking.py): look-ups per client address in a sliding window.
TRACK_LIMIT = int(os.environ.get("TRACK_LIMIT", "10"))
TRACK_WINDOW_MINUTES = int(os.environ.get("TRACK_WINDOW_MINUTES", "15"))
# Attachments of cases (cases/attachments/, docs/cases.md "Attachments"): each file encrypted
# with FIELD_ENCRYPTION_KEY in its own file under ATTACHMENT_ROOT, outside the static files and
# never served by the web server; at most ATTACHMENT_MAX_MB each and ATTACHMENT_MAX_PER_CASE on
# one case. Back the folder up with the database (docs/deploy.md).
ATTACHMENT_ROOT = Path(os.environ.get("ATTACHMENT_ROOT", BASE_DIR / "attachments"))
ATTACHMENT_MAX_MB = int(os.environ.get("ATTACHMENT_MAX_MB", "10"))
ATTACHMENT_MAX_PER_CASE = int(os.environ.get("ATTACHMENT_MAX_PER_CASE", "20"))
