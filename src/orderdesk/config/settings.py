"""One settings file, driven by the environment.

Every knob is read here with a typed helper (as Healthchecks does), so the
whole configuration of a running orderdesk can be read top to bottom.

Profiles:
- development (default): DEBUG on, SQLite in ``var/``, console e-mail.
- demo (``ORDERDESK_PROFILE=demo``, what ``make demo`` runs): served like production
  (DEBUG off, gunicorn, hashed static files from ``collectstatic`` through WhiteNoise)
  on plain http://127.0.0.1 with SQLite, the development key and no two-factor
  sign-in, so it still needs nothing but Python and make. Never for real data.
- production (``ORDERDESK_PROFILE=production``): DEBUG off, secrets required,
  HTTPS-only cookies, HSTS; ``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SRC_DIR = Path(__file__).resolve().parent.parent  # src/orderdesk
BASE_DIR = Path(env("ORDERDESK_HOME", str(SRC_DIR.parent.parent)))  # the checkout
VAR_DIR = Path(env("ORDERDESK_VAR", str(BASE_DIR / "var")))

PROFILE = env("ORDERDESK_PROFILE", "development")
if PROFILE not in {"development", "demo", "production"}:
    raise ImproperlyConfigured(
        f"ORDERDESK_PROFILE must be development, demo or production, not {PROFILE!r}"
    )
PRODUCTION = PROFILE == "production"
DEMO = PROFILE == "demo"

DEBUG = envbool("DEBUG", PROFILE == "development")

# BENCH_HELLO_VIEW=1 serves GET /bench/hello, a bare Django view returning "hello": the P2
# baseline bench/ measures the API against on the same gunicorn (issue 17). Bench runs only;
# never set it in production.
BENCH_HELLO_VIEW = envbool("BENCH_HELLO_VIEW", False)

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-orderdesk-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105  (public on purpose; production refuses it)
if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY") or ""
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to at least 50 random characters in production"
        )
    if "dev-only-insecure-key" in SECRET_KEY:
        # It is in the repository: anyone could sign sessions and CSAT links with it.
        raise ImproperlyConfigured("SECRET_KEY is the development key; set a random one")
else:
    # A development key (development and demo): never used when ORDERDESK_PROFILE=production.
    SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1", "testserver"]
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else LOCAL_HOSTS)
if PRODUCTION and DEBUG and (not ALLOWED_HOSTS or set(ALLOWED_HOSTS) - set(LOCAL_HOSTS)):
    # DEBUG pages show settings, SQL and tracebacks: never where the network can see them.
    raise ImproperlyConfigured(
        "DEBUG is on in the production profile for a non-local address "
        f"(ALLOWED_HOSTS={ALLOWED_HOSTS}); unset DEBUG"
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",  # sign-in lock-out (docs/security.md)
    "django_otp",  # two-factor sign-in (TOTP)
    "django_otp.plugins.otp_totp",
    "orderdesk.core",
    "orderdesk.accounts",
    "orderdesk.customers",
    "orderdesk.catalog",
    "orderdesk.messaging",
    "orderdesk.telephony",
    "orderdesk.leads",
    "orderdesk.orders",
    "orderdesk.cx",
    "orderdesk.kpis",
    "orderdesk.webhooks",  # outbound webhooks to integrators (issue 20)
    "orderdesk.storefront",  # the customer's own door: /sell and the tracking link /t/
    "orderdesk.api",
    "orderdesk.seed",  # its `orderdesk seed` command (the seed sits above every domain app)
    "orderdesk.console",
]

MIDDLEWARE = [
    "orderdesk.core.middleware.RequestIdMiddleware",  # X-Request-ID, request log line, latency
    "orderdesk.core.middleware.DatabaseUnavailableMiddleware",  # 503 problem+json while the DB is down
    "django.middleware.security.SecurityMiddleware",
    "orderdesk.core.middleware.ApiFastPathMiddleware",  # bearer API calls: the chain below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "orderdesk.core.middleware.RequestContextMiddleware",
    "orderdesk.core.middleware.SecurityHeadersMiddleware",
    "orderdesk.core.hostile_input.RejectHostileInputMiddleware",  # S5: no NUL, no huge path ids
    "django_otp.middleware.OTPMiddleware",
    "orderdesk.accounts.middleware.SessionExpiryMiddleware",
    "orderdesk.accounts.middleware.TwoFactorMiddleware",
    "orderdesk.accounts.middleware.LanguageMiddleware",  # the agent's console language
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into its 429 answer
]

# What an API call with a bearer token runs after ApiFastPathMiddleware instead of the rest
# of MIDDLEWARE (issue 17, P2): everything above minus what only a browser needs.
# API_FAST_PATH=0 turns the fast path off (bench/api_read.py --compare measures both).
API_FAST_PATH = envbool("API_FAST_PATH", True)
API_FAST_PATH_MIDDLEWARE = [
    "orderdesk.core.middleware.RequestObjectMiddleware",  # RequestIdMiddleware.process_view
    "orderdesk.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "orderdesk.core.middleware.RequestContextMiddleware",
    "orderdesk.core.middleware.SecurityHeadersMiddleware",
    "orderdesk.core.hostile_input.RejectHostileInputMiddleware",
]

ROOT_URLCONF = "orderdesk.config.urls"
WSGI_APPLICATION = "orderdesk.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orderdesk.console.context_processors.console",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (postgres://user@host:port/name). Without it
# orderdesk runs on SQLite in WAL mode with IMMEDIATE transactions: a writer
# takes the write lock when its transaction begins, so concurrent writers wait
# (up to the busy timeout) instead of failing half-way with "database is locked".
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    # An unreachable server fails a request in seconds (503), not after the OS's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DB_CONNECT_TIMEOUT", 5)
    )
    # Behind PgBouncer in transaction mode a server-side cursor cannot outlive its
    # transaction: DB_DISABLE_SERVER_SIDE_CURSORS=1 there (docs/deploy.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = envbool(
        "DB_DISABLE_SERVER_SIDE_CURSORS", False
    )
    # Server-side binding lets psycopg 3 prepare a statement after it has run
    # DB_PREPARE_THRESHOLD times on a connection, so a hot read is planned once per connection,
    # not once per request (issue 17, P2: the order read's nine-table join takes 4-7 ms to plan
    # and 0.2 ms to run). On by default; behind PgBouncer in transaction mode turn it off
    # (DB_SERVER_SIDE_BINDING=0) unless PgBouncer >= 1.21 has max_prepared_statements set
    # (docs/deploy.md).
    if envbool("DB_SERVER_SIDE_BINDING", True):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = envint("DB_PREPARE_THRESHOLD", 5)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "orderdesk.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            # Tests use a file too (not Django's shared in-memory database), so threads in
            # concurrency tests wait for the write lock exactly as production writers do.
            "TEST": {"NAME": str(VAR_DIR / "test-orderdesk.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (Django tasks API, database backend) ------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "messages", "imports", "kpis", "telephony"],
    }
}
# The worker re-ensures every registered periodic job this often (core/periodic.py), and
# D10's missed follow-ups are marked this often (leads/tasks.py).
PERIODIC_KEEPALIVE_SECONDS = envint("PERIODIC_KEEPALIVE_SECONDS", 60)
MISSED_FOLLOW_UPS_SECONDS = envint("MISSED_FOLLOW_UPS_SECONDS", 300)

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"
API_TOKEN_TTL_DAYS = envint("API_TOKEN_TTL_DAYS", 90)
AUTHENTICATION_BACKENDS = [
    "orderdesk.accounts.signin.LockoutBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out (django-axes): this many wrong passwords for one username from one address lock
# that pair out for LOGIN_LOCKOUT_MINUTES; a success resets the count. Per pair, not per
# username alone, so nobody can lock an agent out from elsewhere (docs/security.md).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "orderdesk.accounts.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "orderdesk.core.middleware.client_ip"
# Per username, whatever the address (accounts.signin.UsernameThrottle): after this many
# failures each attempt waits a delay that doubles per failure, up to the cap. A delay, never
# a lock, so knowing a username is not enough to keep its owner out.
LOGIN_USERNAME_FREE_FAILURES = envint("LOGIN_USERNAME_FREE_FAILURES", 10)
LOGIN_USERNAME_MAX_DELAY_SECONDS = envint("LOGIN_USERNAME_MAX_DELAY_SECONDS", 60)
AXES_VERBOSE = False
# Two-factor sign-in (TOTP, django-otp) for these roles, console and Django admin alike. On
# by default in production only: the demo and the tests sign supervisors in with a password.
# ORDERDESK_REQUIRE_2FA_ROLES=none switches it off; e.g. =supervisor,admin,ops sets the roles.
_two_factor_roles = env("ORDERDESK_REQUIRE_2FA_ROLES")
ORDERDESK_REQUIRE_2FA_ROLES = (
    (["supervisor", "admin"] if PRODUCTION else [])
    if _two_factor_roles is None
    else [r for r in envlist("ORDERDESK_REQUIRE_2FA_ROLES", []) if r != "none"]
)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "orderdesk")

# --- Caches -------------------------------------------------------------------------------
# Throttles (the sign-in delay, anonymous and storefront rate limits, phone reveals) count in a
# cache that every gunicorn worker and host must see alike: database tables by default (made
# by migrations; core/cache.py's backend increments atomically), so there is no new service to
# run and the counts survive a restart. "default" serves Django and the sign-in delay;
# "shared" serves django-ratelimit. Point CACHE_BACKEND/CACHE_LOCATION and
# ORDERDESK_SHARED_CACHE_BACKEND/_LOCATION at Redis or memcached to move them. docs/deploy.md.
CACHES = {
    "default": {
        "BACKEND": env("CACHE_BACKEND", "orderdesk.core.cache.AtomicDatabaseCache"),
        "LOCATION": env("CACHE_LOCATION", "orderdesk_cache"),
    },
    "shared": {
        "BACKEND": env(
            "ORDERDESK_SHARED_CACHE_BACKEND", "orderdesk.core.cache.AtomicDatabaseCache"
        ),
        "LOCATION": env("ORDERDESK_SHARED_CACHE_LOCATION", "orderdesk_shared_cache"),
        "TIMEOUT": 24 * 60 * 60,  # longer than any rate-limit window
    },
}
RATELIMIT_USE_CACHE = "shared"
# The client's address as the audit trail sees it (core.middleware.client_ip: the right-most
# X-Forwarded-For hop the deployment trusts, ORDERDESK_TRUSTED_PROXIES).
RATELIMIT_IP_META_KEY = "orderdesk.core.middleware.ratelimit_ip"
SILENCED_SYSTEM_CHECKS = [
    # "not officially supported": ours is the database cache with an atomic incr (core/cache.py).
    "django_ratelimit.W001",
]

# --- Time and language -----------------------------------------------------
LANGUAGE_CODE = "en-in"
TIME_ZONE = "Asia/Kolkata"  # shown in IST; stored in UTC (USE_TZ)
USE_I18N = True
# The console speaks English (the default) or Hindi: each agent picks theirs
# (accounts.User.language, activated by accounts.middleware.LanguageMiddleware); customer
# pages follow Customer.language. The API always answers in English. The catalogue is
# src/orderdesk/locale/hi/LC_MESSAGES/django.po, compiled to the committed .mo by
# `make messages` (pure Python, orderdesk.core.catalog: no GNU gettext needed).
LANGUAGES = [("en-in", "English"), ("hi", "हिन्दी")]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_TZ = True

# --- Static files (vendored, served by WhiteNoise; nothing from a CDN) ------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks here even in development
# The demo serves static files as production does (collectstatic's hashed names, WhiteNoise).
# Uploaded and recorded files (call recordings): var/media by default; S3-compatible storage
# through django-storages by setting STORAGE_BACKEND=storages.backends.s3.S3Storage and the
# AWS_* variables (docs/telephony.md). Never served publicly: recordings stream through an
# audited view.
MEDIA_ROOT = env("MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": env("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION or DEMO
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "orderdesk <no-reply@orderdesk.invalid>")

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)  # one shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute: SESSION_COOKIE_AGE after sign-in; idle: this long without a request
# (accounts.middleware.SessionExpiryMiddleware).
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 30 * 60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# How many reverse proxies stand in front of gunicorn and append to X-Forwarded-For (nginx
# alone: 1). The client's address is the hop that many places from the right; 0 ignores the
# header (core.middleware.client_ip, docs/deploy.md).
ORDERDESK_TRUSTED_PROXIES = envint("ORDERDESK_TRUSTED_PROXIES", 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", PRODUCTION) else None
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$", r"^api/v1/ready$", r"^metrics$"]
# Content Security Policy: everything is served from our origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

# --- Logging --------------------------------------------------------------
# LOG_FORMAT=json (production's default): one JSON object a line with the request id,
# actor, ip, door and object of the request on every line (core/logging.py).
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # request_context: request id, actor, object on every line (core/logging.py);
    # mask_personal_data (S2): phone numbers, UPI IDs and account numbers masked.
    "filters": {
        "request_context": {"()": "orderdesk.core.logging.RequestContextFilter"},
        "mask_personal_data": {"()": "orderdesk.core.logging.MaskingFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(actor)s] %(message)s"
        },
        "json": {"()": "orderdesk.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context", "mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Metrics (core/metrics.py): /metrics answers only "Authorization: Bearer <token>";
# without a token configured the endpoint is off (404).
METRICS_TOKEN = env("METRICS_TOKEN", "")

# --- orderdesk ------------------------------------------------------------
ORDERDESK = {
    "CX": {
        # Where customers open the CSAT link, e.g. https://orderdesk.example.in
        "PUBLIC_URL": env("ORDERDESK_PUBLIC_URL", "http://127.0.0.1:8000"),
        "SLA_SWEEP_SECONDS": envint("CX_SLA_SWEEP_SECONDS", 60),
        "SLA_SWEEP_BATCH_SIZE": envint("CX_SLA_SWEEP_BATCH_SIZE", 1000),
        "SLA_SWEEP_TIME_BUDGET": envint("CX_SLA_SWEEP_TIME_BUDGET", 50),
    },
    "QUOTE_VALID_HOURS": envint("QUOTE_VALID_HOURS", 72),
    # The customer's own door (docs/customer-web.md).
    "STOREFRONT": {
        "TRACKING_LINK_DAYS": envint("STOREFRONT_TRACKING_LINK_DAYS", 30),
        "CODE_TTL_MINUTES": envint("STOREFRONT_CODE_TTL_MINUTES", 10),
        "CODE_MAX_ATTEMPTS": envint("STOREFRONT_CODE_MAX_ATTEMPTS", 5),
        # django-ratelimit rates ("count/period"; period s, m, h, d, optionally with a number).
        "RATE_CODE_PER_PHONE": env("STOREFRONT_RATE_CODE_PER_PHONE", "3/15m"),
        "RATE_CODE_PER_IP": env("STOREFRONT_RATE_CODE_PER_IP", "10/h"),
        "RATE_VERIFY_PER_PHONE": env("STOREFRONT_RATE_VERIFY_PER_PHONE", "10/h"),
        "RATE_ORDER_PER_IP": env("STOREFRONT_RATE_ORDER_PER_IP", "10/h"),
        # Bots: a form sent back faster than this after it was shown is refused.
        "MIN_FILL_SECONDS": envint("STOREFRONT_MIN_FILL_SECONDS", 3),
        # A verified visitor with an estimate and no order after this becomes a lead (web_quote).
        "DROPPED_QUOTE_MINUTES": envint("STOREFRONT_DROPPED_QUOTE_MINUTES", 60),
        "DROPPED_QUOTE_SWEEP_SECONDS": envint("STOREFRONT_DROPPED_QUOTE_SWEEP_SECONDS", 300),
    },
    "SLOT_DAYS_AHEAD": envint("SLOT_DAYS_AHEAD", 7),
    # Consumer Protection (E-Commerce) Rules 2020, rule 4(4): the grievance officer's name,
    # designation and contact, shown on every customer page (storefront footer) and in
    # docs/compliance.md. Operations appoint the officer and set these in production.
    "GRIEVANCE_OFFICER": {
        "name": env("GRIEVANCE_OFFICER_NAME", "Grievance Officer"),
        "designation": env("GRIEVANCE_OFFICER_DESIGNATION", "Grievance Officer, Customer Care"),
        "email": env("GRIEVANCE_OFFICER_EMAIL", "grievance@orderdesk.example"),
        "phone": env("GRIEVANCE_OFFICER_PHONE", "+91 80 4000 0000"),
        "address": env(
            "GRIEVANCE_OFFICER_ADDRESS", "Customer Care, 2nd Floor, 80 Feet Road, Bengaluru 560034"
        ),
    },
    # O4: an inspected price above ABOVE x or below BELOW x the estimate is refused
    # (409 price_outside_band) until the inspector confirms it with a reason: a typo such
    # as Rs 99,99,999 for a Rs 25,150 laptop must not reach the customer's SMS.
    "INSPECTED_PRICE_BAND": {
        "ABOVE": float(env("INSPECTED_PRICE_BAND_ABOVE", "1.5")),
        "BELOW": float(env("INSPECTED_PRICE_BAND_BELOW", "0.2")),
    },
    # Messages (SPEC §8): providers, retries, the sender. See docs/messaging.md.
    "MESSAGING": {
        "SMS_PROVIDER": env("MESSAGING_SMS_PROVIDER", "http" if env("SMS_GATEWAY_URL") else "file"),
        "WHATSAPP_PROVIDER": env(
            "MESSAGING_WHATSAPP_PROVIDER", "http" if env("WHATSAPP_GATEWAY_URL") else "file"
        ),
        "EMAIL_PROVIDER": env("MESSAGING_EMAIL_PROVIDER", "email"),
        "SMS_GATEWAY_URL": env("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_KEY": env("SMS_GATEWAY_KEY", ""),
        "WHATSAPP_GATEWAY_URL": env("WHATSAPP_GATEWAY_URL", ""),
        "WHATSAPP_GATEWAY_KEY": env("WHATSAPP_GATEWAY_KEY", ""),
        "GATEWAY_TIMEOUT_SECONDS": float(env("MESSAGING_GATEWAY_TIMEOUT_SECONDS", "10")),
        # India's DLT principal entity id, sent with every SMS (docs/whatsapp.md).
        "SMS_DLT_ENTITY_ID": env("SMS_DLT_ENTITY_ID", ""),
        # The WhatsApp Cloud API: MESSAGING_WHATSAPP_PROVIDER=cloud (docs/whatsapp.md).
        "WHATSAPP_CLOUD_BASE_URL": env("WHATSAPP_CLOUD_BASE_URL", "https://graph.facebook.com"),
        "WHATSAPP_API_VERSION": env("WHATSAPP_API_VERSION", "v21.0"),
        "WHATSAPP_PHONE_NUMBER_ID": env("WHATSAPP_PHONE_NUMBER_ID", ""),
        "WHATSAPP_ACCESS_TOKEN": env("WHATSAPP_ACCESS_TOKEN", ""),
        "WHATSAPP_APP_SECRET": env("WHATSAPP_APP_SECRET", ""),
        "WHATSAPP_VERIFY_TOKEN": env("WHATSAPP_VERIFY_TOKEN", ""),
        "WHATSAPP_SERVICE_WINDOW_HOURS": envint("WHATSAPP_SERVICE_WINDOW_HOURS", 24),
        "WHATSAPP_EVENT_RETENTION_DAYS": envint("WHATSAPP_EVENT_RETENTION_DAYS", 30),
        "FILE_PATH": env("MESSAGING_FILE_PATH", str(VAR_DIR / "messages.jsonl")),
        "MAX_ATTEMPTS": envint("MESSAGING_MAX_ATTEMPTS", 6),
        "RETRY_BASE_SECONDS": envint("MESSAGING_RETRY_BASE_SECONDS", 30),
        "RETRY_MAX_SECONDS": envint("MESSAGING_RETRY_MAX_SECONDS", 3600),
        "LEASE_SECONDS": envint("MESSAGING_LEASE_SECONDS", 120),
        "BATCH_SIZE": envint("MESSAGING_BATCH_SIZE", 50),
        "TASK_TIME_BUDGET_SECONDS": envint("MESSAGING_TASK_TIME_BUDGET_SECONDS", 30),
        "SWEEP_SECONDS": envint("MESSAGING_SWEEP_SECONDS", 30),
        # IST "HH:MM-HH:MM"; empty (the default) means the contact policy in force (D9, admin-editable).
        "CALLING_HOURS": env("MESSAGING_CALLING_HOURS", ""),
    },
    # Outbound webhooks (docs/webhooks.md). Private, loopback and link-local receivers are
    # refused (SSRF) except in the demo profile, or with WEBHOOKS_ALLOW_PRIVATE_URLS=1.
    "WEBHOOKS": {
        "ALLOW_PRIVATE_URLS": envbool("WEBHOOKS_ALLOW_PRIVATE_URLS", DEMO),
        "TIMEOUT_SECONDS": float(env("WEBHOOKS_TIMEOUT_SECONDS", "5")),
        "MAX_ATTEMPTS": envint("WEBHOOKS_MAX_ATTEMPTS", 8),
        "RETRY_BASE_SECONDS": envint("WEBHOOKS_RETRY_BASE_SECONDS", 30),
        "RETRY_MAX_SECONDS": envint("WEBHOOKS_RETRY_MAX_SECONDS", 3600),
        "PAUSE_AFTER_FAILURES": envint("WEBHOOKS_PAUSE_AFTER_FAILURES", 20),
        "LEASE_SECONDS": envint("WEBHOOKS_LEASE_SECONDS", 120),
        "BATCH_SIZE": envint("WEBHOOKS_BATCH_SIZE", 50),
        "TASK_TIME_BUDGET_SECONDS": envint("WEBHOOKS_TASK_TIME_BUDGET_SECONDS", 20),
        "TOLERANCE_SECONDS": envint("WEBHOOKS_TOLERANCE_SECONDS", 300),
    },
    # Throttles (core/throttle.py, issue 21): "<count>/<s|m|h|d>" per client address (per user
    # for phone reveals). The tests relax them (conftest.py) and test each limit on its own.
    "THROTTLES": {
        "anonymous_quote": env("THROTTLE_ANONYMOUS_QUOTE", "30/m"),
        "anonymous_read": env("THROTTLE_ANONYMOUS_READ", "120/m"),
        "csat_answer": env("THROTTLE_CSAT_ANSWER", "10/m"),
        "phone_reveal": env("THROTTLE_PHONE_REVEAL", "20/h"),
        # Issue 21, 10: one-time codes the customer app asks, per phone (as the storefront's).
        "app_phone_code": env("THROTTLE_APP_PHONE_CODE", "3/15m"),
    },
    # Telephony (docs/telephony.md): click-to-call, call events, recordings. Off unless
    # TELEPHONY_ENABLED=1; the simulator is the default provider (the demo turns it on).
    "TELEPHONY": {
        "ENABLED": envbool("TELEPHONY_ENABLED", False),
        "PROVIDER": env("TELEPHONY_PROVIDER", "simulator"),  # simulator | exotel | twilio
        # The public base URL the provider posts webhooks to (e.g. https://desk.example.in).
        "PUBLIC_URL": env(
            "TELEPHONY_PUBLIC_URL", env("ORDERDESK_PUBLIC_URL", "http://127.0.0.1:8000")
        ),
        # The per-account secret in the webhook URL (Exotel signs nothing; checked for all).
        "WEBHOOK_SECRET": env(
            "TELEPHONY_WEBHOOK_SECRET", "" if PRODUCTION else "dev-webhook-secret"
        ),
        "CALLER_ID": env("TELEPHONY_CALLER_ID", "+918000000000"),  # the company's virtual number
        "RECORD": envbool("TELEPHONY_RECORD", True),
        # Who tells the customer the call is recorded: "agent" (the call status prompts the
        # agent to say it once connected) or "provider" (the Exotel/Twilio flow plays it).
        "RECORDING_ANNOUNCEMENT": env("TELEPHONY_RECORDING_ANNOUNCEMENT", "agent"),
        "RECORDING_RETENTION_DAYS": envint("TELEPHONY_RECORDING_RETENTION_DAYS", 90),
        # With telephony on, a connected call can be logged only against a call the provider saw.
        "REQUIRE_PROVIDER_CALL": envbool("TELEPHONY_REQUIRE_PROVIDER_CALL", True),
        # A call without a terminal event this long after it started is polled (fetch_call).
        "POLL_AFTER_MINUTES": envint("TELEPHONY_POLL_AFTER_MINUTES", 10),
        "SWEEP_SECONDS": envint("TELEPHONY_SWEEP_SECONDS", 60),
        "MISSED_CALLBACK_MINUTES": envint("TELEPHONY_MISSED_CALLBACK_MINUTES", 30),
        "EXOTEL_SID": env("EXOTEL_SID", ""),
        "EXOTEL_API_KEY": env("EXOTEL_API_KEY", ""),
        "EXOTEL_API_TOKEN": env("EXOTEL_API_TOKEN", ""),
        "EXOTEL_SUBDOMAIN": env("EXOTEL_SUBDOMAIN", "api.exotel.com"),
        "EXOTEL_REQUESTS_PER_MINUTE": envint("EXOTEL_REQUESTS_PER_MINUTE", 200),
        "TWILIO_ACCOUNT_SID": env("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": env("TWILIO_AUTH_TOKEN", ""),
        "SIMULATOR_URL": env("TELEPHONY_SIMULATOR_URL", "http://127.0.0.1:8159"),
        "HTTP_TIMEOUT_SECONDS": float(env("TELEPHONY_HTTP_TIMEOUT_SECONDS", "10")),
    },
    # M8: an agent with this many order errors in the window loses manual creation.
    "AGENT_ERROR_THRESHOLD": envint("AGENT_ERROR_THRESHOLD", 3),
    "AGENT_ERROR_WINDOW_DAYS": envint("AGENT_ERROR_WINDOW_DAYS", 30),
    # S4 (docs/security.md): personal data is anonymised this long after the customer's last
    # activity; a paid order's payment records are kept this long after payment (books of
    # account, 8 years) and hold off erasure and anonymisation until then.
    "RETENTION": {
        "PERSONAL_DATA_DAYS": envint("RETENTION_PERSONAL_DATA_DAYS", 3 * 365),
        "PAYMENT_RECORD_DAYS": envint("RETENTION_PAYMENT_RECORD_DAYS", 8 * 365),
        "SWEEP_SECONDS": envint("RETENTION_SWEEP_SECONDS", 24 * 60 * 60),
        "BATCH_SIZE": envint("RETENTION_BATCH_SIZE", 200),
    },
}
