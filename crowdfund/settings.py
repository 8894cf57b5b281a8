"""Settings for the donation site.

Everything an operator can change comes from the environment variables listed in
docs/operator.md ("Configuration"). A value that cannot be read is an error at start-up,
never a silent default.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from crowdfund.caching import caches_setting
from crowdfund.env import env_bool, env_int, env_list, env_networks, env_period, env_url
from crowdfund.storage import storages_setting

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105

SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")
SITE_IS_HTTPS = SITE_URL.startswith("https://")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", urlsplit(SITE_URL).hostname])
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_IS_HTTPS else []

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that it can patch admin forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "django_prose_editor",
    "django_tasks",
    "django_tasks_db",
    # The apps, lowest layer first (docs/architecture.md): a lower app never imports a
    # higher one, and the import-linter contract in pyproject.toml keeps it so.
    "crowdfund",
    "prisoners",
    "donors",
    "retention",
    "ledger",
    "messages_of_support",
    "payments",
    "statements",
    "sponsorships",
    "giving",
    "agreements",
    "reports",
    "annual_statements",
    "mygifts",
    "public",
    "demo",
    # Only the migrations that made the tables before the split; see donations/apps.py.
    "donations",
    # Staff accounts: second factor, login throttling and the audit trail. After
    # django.contrib.auth, so that staff/admin.py can replace the user admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "auditlog",
    "staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that reads a session: an anonymous visitor's copy of a public page
    # comes from the shared cache without it (see PAGE_CACHE_VIEWS).
    "crowdfund.page_cache.PageCacheMiddleware",
    "crowdfund.middleware.CSPMiddleware",
    "crowdfund.middleware.AdminEditorCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's locale and messages middlewares, made cheaper (see crowdfund/middleware.py).
    "crowdfund.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # STAFF_MIDDLEWARE, for requests that can carry a staff member (staff/middleware.py).
    "staff.middleware.StaffMiddleware",
    "crowdfund.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crowdfund.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

STAFF_MIDDLEWARE = [
    "staff.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.TwoFactorMiddleware",
    "staff.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "crowdfund.urls"
WSGI_APPLICATION = "crowdfund.wsgi.application"

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
                "crowdfund.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Each gunicorn thread keeps its connection between requests; a connection that died
        # meanwhile is noticed before it is used.
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query once it looks expensive; for this site's short
    # queries the compiling costs more than it saves.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Spanish first: most donors are Chilean diaspora. The order is also the order in which
# missing content falls back.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es", "en", "nl")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Spending receipts and staged photos, without a bucket: never under MEDIA_ROOT, only
# served by the app after a permission check.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
RECEIPT_MAX_BYTES = 10 * 1024 * 1024
# Built public reports without a bucket, shared by all workers; safe to delete at any time.
REPORT_CACHE_DIR = Path(os.environ.get("REPORT_CACHE_DIR", BASE_DIR / "cache" / "reports"))
# Photos ("default"), receipts and staged photos ("private") and the built reports
# ("reports"): on the local disk, or in an S3-compatible bucket when S3_BUCKET is set, so
# that several app servers share them. See crowdfund/storage.py.
STORAGES = storages_setting(os.environ, debug=DEBUG)
# Tests run with DEBUG off but without collectstatic; WhiteNoise then serves from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security. HTTPS-only settings follow SITE_URL so that a production-like run over plain
# http on localhost still works.
SECURE_SSL_REDIRECT = SITE_IS_HTTPS
# Load balancers poll /healthz over plain http inside the network; a redirect is no answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SITE_IS_HTTPS
CSRF_COOKIE_SECURE = SITE_IS_HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SITE_IS_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SITE_IS_HTTPS
SECURE_HSTS_PRELOAD = SITE_IS_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SITE_IS_HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Payment providers. A provider whose keys are missing is hidden from the donation form.
MOLLIE_API_KEY = os.environ.get("MOLLIE_API_KEY", "").strip()
MOLLIE_API_URL = env_url("MOLLIE_API_URL", "https://api.mollie.com")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "").strip()
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "").strip()
STRIPE_API_BASE = env_url("STRIPE_API_BASE", "https://api.stripe.com")
if STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET must be set when STRIPE_SECRET_KEY is.")
# SEPA Direct Debit through Stripe Checkout for monthly sponsorships. Off by default: the
# method must first be switched on in Stripe's dashboard, and a debit settles days later.
STRIPE_SEPA_DEBIT = env_bool("STRIPE_SEPA_DEBIT", False)
DEMO_PAYMENTS = env_bool("DEMO_PAYMENTS", DEBUG)
# What the donor's bank or card statement shows: the foundation, never the cause.
PAYMENT_DESCRIPTION = "Gift De Solidaire Diaspora Stg"
# Seconds to wait for a provider's API before telling the donor to choose another method.
PAYMENT_API_TIMEOUT = 10
# The providers behind payments.providers.get_provider, each enabled by its own settings
# above. The demo app's provider is named here so that payments never imports it.
PAYMENT_PROVIDERS = [
    "demo.provider.DemoProvider",
    "payments.providers.mollie_provider.MollieProvider",
    "payments.providers.stripe.StripeProvider",
]

# Online gifts: bounds blunt card testing; the presets are what the form offers first.
DONATION_MIN = Decimal("5.00")
DONATION_MAX = Decimal("10000.00")
DONATION_PRESETS = [Decimal("10"), Decimal("25"), Decimal("50"), Decimal("100")]
# A month's gift: smaller steps (issue #10, "sponsor Ana Ejemplo with €15 a month").
DONATION_MONTHLY_PRESETS = (Decimal("10"), Decimal("15"), Decimal("25"), Decimal("50"))
# Limits aim at card testing, not at popularity: many checkout starts from one address are
# fine (a solidarity evening on one Wi-Fi), many failed or abandoned payments are not.
DONATION_RATE_LIMIT_WINDOW = 10 * 60
DONATION_RATE_LIMIT_STARTS_PER_IP = 30
DONATION_RATE_LIMIT_STARTS_PER_EMAIL = 10
DONATION_FAILURE_WINDOW = 60 * 60
DONATION_FAILURES_PER_IP = 8
DONATION_FAILURES_PER_EMAIL = 5
# "Manage my gifts", per this many seconds (mygifts/limits.py): requests per client address (a
# donor needs one; a script probing addresses needs thousands), links sent for one client's
# requests for one address, and links sent to one address, whoever asked.
DONOR_LINK_RATE_LIMIT_WINDOW = 60 * 60
DONOR_LINK_RATE_LIMIT_PER_IP = 20
DONOR_LINK_RATE_LIMIT_PER_IP_AND_EMAIL = 2
DONOR_LINK_RATE_LIMIT_PER_EMAIL = 5
# A periodic-gift agreement's signing link goes to whatever address the form was given, maybe
# a stranger's: at most this many to one address in this many seconds, from any connection.
# One: a stranger's address gets one email a day however often it is typed in; a donor who
# wants to correct theirs uses the first link and writes to the foundation, as the page says.
UNASKED_MAIL_WINDOW = 24 * 60 * 60
UNASKED_MAIL_PER_ADDRESS = 1
# A cautious donor on a shared device: the page closes after this long, however busy.
DONOR_SESSION_MAX_AGE = 2 * 60 * 60
# A checkout left open this long without an answer counts as abandoned.
DONATION_ABANDONED_AFTER = 15 * 60
# The shared caches: Redis when REDIS_URL is set, else database tables (crowdfund/caching.py).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = caches_setting(REDIS_URL)
# Public pages whose anonymous copies come from the "pages" cache above (crowdfund/page_cache.py),
# per language and address, keyed by the content version: a new gift or an edited story shows
# at once. Only pages without a form: donate and bank transfer are never cached.
PAGE_CACHE_VIEWS = [
    "public:home",
    "public:detail",
    "public:money_use",
    "public:transparency",
    "public:anbi",
    # The same for every visitor in a language: the campaign's contact details and the
    # retention periods, which are settings (a restart shows a new period within
    # PAGE_CACHE_SECONDS, or at the next change of content).
    "public:privacy",
]
# A copy outlives its content version by at most this long (an old version is never read).
PAGE_CACHE_SECONDS = 10 * 60
# The home page's prisoner cards, kept apart from the page (public/cards.py); 0 keeps none.
CARD_CACHE_SECONDS = PAGE_CACHE_SECONDS
# How long a worker trusts its last read of the content version: a change (its own too) shows
# on its pages after at most this long. Every gift is a change: at 1 s, under the load test's
# 7 gifts a second, a prisoner page came from the cache 23% of the time; at 3 s, 59%.
CONTENT_VERSION_SECONDS = 3

# `sync_payments` re-fetches payments left open or pending for longer than this.
SYNC_PAYMENTS_AFTER_MINUTES = 5

# Monthly sponsors get a receipt each month, or none (many prefer the annual overview).
SPONSORSHIP_MONTHLY_RECEIPTS = env_bool("SPONSORSHIP_MONTHLY_RECEIPTS", True)

# Receipts are sent by a background task, never inside a webhook request. DEBUG (make run)
# and the tests run tasks at once; production stores them for `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE", DEBUG)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "donaciones@localhost")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# The donation form redirects to the provider's hosted checkout; browsers apply
# form-action to that redirect. A test fake serves its checkout next to its API.
CHECKOUT_ORIGINS = sorted(
    {
        "https://www.mollie.com",
        "https://checkout.stripe.com",
        _origin(MOLLIE_API_URL),
        _origin(STRIPE_API_BASE),
    }
    - {"https://api.mollie.com", "https://api.stripe.com"}
)

# No inline script anywhere; the admin's rich-text editor gets one exact hash added by
# crowdfund.middleware for its import map.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *CHECKOUT_ORIGINS],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # mt-940 logs a regex trace for every line it cannot read; we report the line ourselves.
        "mt940": {"level": "CRITICAL"},
        # WeasyPrint narrates every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Statement files are read in memory; large exports (a year of lines) stay well below this.
STATEMENT_MAX_BYTES = 50 * 1024 * 1024

# Editors upload photos of people at risk; keep uploads to a sane size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024


# Staff accounts. See "Staff accounts" in docs/operator.md.


# Reverse proxies whose X-Forwarded-For is believed; see crowdfund/client_ip.py.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 1 hour idle (the expiry moves forward with every request), 12 hours in all (see
# staff.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_AGE = 12 * 60 * 60

# Login throttling. The counters are rows in the database, so every gunicorn worker and
# every app server sees the same ones, with or without Redis. They stay there rather than
# in the cache: the rows are also the record of failed logins that superusers read (and
# delete to unlock someone early) under Axes, and staff logins are too few to weigh on the
# database. staff.throttle applies the two limits.
AXES_HANDLER = "staff.throttle.StaffAxesHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 5
AXES_FAILURE_LIMIT_PER_ADDRESS = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
# A locked-out attacker who keeps trying must not keep the real owner out forever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "crowdfund.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "staff.throttle.lockout_response"
AXES_VERBOSE = False
# Axes narrates every attempt at INFO; lockouts come at WARNING.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# Second factor. The issuer is the name the authenticator app shows next to the code.
OTP_TOTP_ISSUER = "De Solidaire Diaspora"
OTP_RECOVERY_CODES = 10
# The demo accounts of `make run` may log in without a second factor, with DEBUG alone.
OTP_DEMO_SKIP = env_bool("OTP_DEMO_SKIP", DEBUG)
if OTP_DEMO_SKIP and not DEBUG:
    raise ImproperlyConfigured("OTP_DEMO_SKIP may only be on with DEBUG; it lifts the 2FA rule.")


def webauthn_relying_party(site_url: str) -> tuple[str, list[str]]:
    """The passkeys' relying-party id and the one origin allowed to use them, from SITE_URL.

    Browsers refuse an IP address as relying-party id and only treat http://localhost as a
    secure context over plain http, so a local run on 127.0.0.1 offers passkeys at localhost.
    """
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    if host in {"127.0.0.1", "::1", "localhost"}:
        host = "localhost"
    port = f":{parts.port}" if parts.port else ""
    return host, [f"{parts.scheme}://{host}{port}"]


# Passkeys (WebAuthn) are a second factor next to the app, never a login on their own: the
# password step keeps its throttling, and security keys without room for a stored
# ("discoverable") credential can be registered too.
OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS = webauthn_relying_party(SITE_URL)
OTP_WEBAUTHN_RP_NAME = "De Solidaire Diaspora Stg"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "staff.passkeys.StaffPasskeyHelper"

# The audit trail reads the client address through TRUSTED_PROXIES, never the raw header.
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Raw saves are fixtures and test-database restores, never a person's write; logging them
# would also create content types in the middle of a restore.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# Retention (manage.py apply_retention, run daily). Each period must be a whole number of at
# least 1, so a typo cannot switch the clean-up off or make it clear everything at once.


# Webhook bodies (they can hold a donor's name and email) are kept this long for disputes.
RETENTION_WEBHOOK_BODY_DAYS = env_period("RETENTION_WEBHOOK_BODY_DAYS", 90)
# A gift whose payment never completed loses the donor's details after this long.
RETENTION_UNFINISHED_GIFT_DAYS = env_period("RETENTION_UNFINISHED_GIFT_DAYS", 30)
# A donor with no gift for this long is anonymised; the ledger keeps the amounts. Seven
# years is the Dutch fiscal retention period for the books (AWR art. 52).
RETENTION_DONOR_YEARS = env_period("RETENTION_DONOR_YEARS", 7)
# Rows per short transaction, so the site's own writes never wait long on a lock.
RETENTION_BATCH_SIZE = 500

# Error reporting through sentry-sdk, with donors' names, emails and accounts scrubbed before
# anything is sent (crowdfund/error_reporting.py). Off, and nothing initialised, when unset.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from sentry_sdk.utils import BadDsn

    from crowdfund.error_reporting import sentry_init

    try:
        sentry_init(dsn=SENTRY_DSN, environment="development" if DEBUG else "production")
    except BadDsn as error:
        raise ImproperlyConfigured(f"SENTRY_DSN is not a valid DSN ({error}).") from error
