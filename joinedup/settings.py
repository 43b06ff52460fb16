"""
Settings for JoinedUp, all read from the environment.

Every setting is documented in `.env.example`. Development defaults are safe and need
nothing set; `JOINEDUP_ENV=production` turns on the production defaults (MFA for staff,
HTTPS-only cookies, HSTS) and requires `SECRET_KEY`, `ALLOWED_HOSTS` and `DATABASE_URL`.
"""

import secrets
from pathlib import Path

import environ
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").exists():
    # Variables already in the environment take precedence over the file.
    environ.Env.read_env(BASE_DIR / ".env")

JOINEDUP_ENV = env("JOINEDUP_ENV", default="development")
if JOINEDUP_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("JOINEDUP_ENV must be 'development' or 'production'.")
PRODUCTION = JOINEDUP_ENV == "production"


def _development_secret_key() -> str:
    """Return a secret key kept in var/, made on first run so none is ever committed."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# GENERAL
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env("SECRET_KEY", default=None) or _development_secret_key()
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", ".localhost", "[::1]", "testserver"])
# Public address of the platform, used in emails and links sent outside a request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "joinedup.core",
    "joinedup.councils",
    "joinedup.accounts",
    "joinedup.notifications",
    "joinedup.service_requests",
    "joinedup.software",
    "joinedup.councillors",
    "joinedup.portfolio",
    "joinedup.figures",
    "joinedup.scrutiny",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "joinedup.core.headers.PermissionsPolicyMiddleware",
    # /healthz is answered here, before anything below reads the database.
    "joinedup.core.availability.HealthCheckMiddleware",
    "joinedup.core.static.GovukWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "joinedup.accounts.middleware.StaffMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "joinedup.councils.middleware.CouncilMiddleware",
    # Axes goes last so it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "joinedup.urls"
WSGI_APPLICATION = "joinedup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "joinedup" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "joinedup.core.context_processors.platform",
                # The "emails are not being sent" banner on staff pages.
                "joinedup.notifications.context_processors.sending_problem",
            ],
            "builtins": ["joinedup.core.templatetags.govuk"],
        },
    },
]
FORM_RENDERER = "joinedup.core.forms.GovukFormRenderer"

# DATABASES
if PRODUCTION:
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'joinedup.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the task worker read while the other writes. With WAL,
    # synchronous=NORMAL is still safe if the app crashes (a power cut may lose the last commits).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE (shared by every web worker: used for rate limits on public forms)
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://joinedup_cache")}

# TASKS (Django's Tasks API, stored in the database and run by `manage.py db_worker`)
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# /healthz reports the task queue as delayed when the oldest waiting task is older than this.
TASK_QUEUE_DELAY_WARNING_SECONDS = env.int("TASK_QUEUE_DELAY_WARNING_SECONDS", default=300)
# /healthz counts a task worker as alive if its heartbeat is this recent, and says "stalled"
# when tasks have waited this long and no worker has taken one for as long.
TASK_WORKER_SILENT_SECONDS = env.int("TASK_WORKER_SILENT_SECONDS", default=60)
TASK_WORKER_STALL_SECONDS = env.int("TASK_WORKER_STALL_SECONDS", default=120)

# AUTHENTICATION
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour
# Staff, partnership officers and administrators must use an authenticator app to sign in.
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=PRODUCTION)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="JoinedUp")

# Sign-in throttling (django-axes): lock a user name from one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies (load balancers) sit in front of the app and add X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Sign-in throttling and form rate limits find the visitor's address the same way.
AXES_CLIENT_IP_CALLABLE = "joinedup.core.ratelimit.client_ip"

# PERSONAL DATA RETENTION (enforced by `manage.py prune_personal_data`, run daily)
SIGN_IN_LOG_RETENTION_DAYS = env.int("SIGN_IN_LOG_RETENTION_DAYS", default=90)
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=30)
# Residents' contact details are removed from requests this many months after they close.
REQUEST_RETENTION_MONTHS = env.int("REQUEST_RETENTION_MONTHS", default=24)
# Each person's monthly use of each software product is deleted after this many months.
SOFTWARE_USAGE_RETENTION_MONTHS = env.int("SOFTWARE_USAGE_RETENTION_MONTHS", default=25)

# SESSIONS AND SECURITY
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts only from this site, or inline with the page's
# nonce; nothing framed, posted or loaded from elsewhere. Inline style attributes stay allowed:
# charts and timelines size bars with them, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, "'unsafe-inline'"],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers check /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SILENCED_SYSTEM_CHECKS = []
if PRODUCTION and not SECURE_HSTS_PRELOAD:
    # Preloading is a one-way choice for a council's whole domain, so it stays opt-in.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# EMAIL
# EMAIL_URL is smtp://user:password@host:port (smtp+tls:// or smtp+ssl:// for encryption).
# In development, emails are printed in the terminal unless EMAIL_URL says otherwise.
_email = env.email("EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# GOV.UK Notify's API, which sends text messages; change it only to point tests at a fake.
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="JoinedUp <no-reply@joinedup.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# INTERNATIONALISATION
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# STATIC FILES (GOV.UK Frontend comes from npm, served by WhiteNoise)
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [("govuk", GOVUK_FRONTEND_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Private files (uploaded usage files waiting for confirmation): beside MEDIA_ROOT, never under it,
# and served by no address. Production can point STORAGES["private"] at another backend.
PRIVATE_FILES_ROOT = Path(env("PRIVATE_FILES_ROOT", default=str(VAR_DIR / "private")))
STORAGES["private"] = {"BACKEND": "joinedup.software.storage.PrivateFileStorage"}
# The largest usage file the import page takes, in MB (an Entra sign-in log of a million rows is 760 MB).
# Uploads stream to a temporary file and then into the private store, never into memory;
# DATA_UPLOAD_MAX_MEMORY_SIZE (form fields other than files) stays at Django's 2.5 MB.
SOFTWARE_IMPORT_MAX_MB = env.int("SOFTWARE_IMPORT_MAX_MB", default=1024)
# Where uploads over 2.5 MB are written while they arrive (default: the system's temporary folder).
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes.apps": {"level": "WARNING"}},
}

# PLATFORM
PLATFORM_NAME = env("PLATFORM_NAME", default="JoinedUp")
# The phase shown in the banner at the top of every page (alpha, beta or live).
SERVICE_PHASE = env("SERVICE_PHASE", default="beta")
# Password given to the demo users that `seed_demo` creates (never use the demo in production).
DEMO_PASSWORD = env("DEMO_PASSWORD", default="joinedup-demo-2026")
