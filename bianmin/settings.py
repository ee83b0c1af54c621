"""Settings, all taken from the environment so one build runs on a laptop (SQLite) and in production."""

import json
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BIANMIN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "pytest" in sys.modules


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _secret_key() -> str:
    """The configured key, or one generated once per machine under var/ so sessions survive restarts."""
    key = os.environ.get("BIANMIN_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("BIANMIN_DEBUG")
ALLOWED_HOSTS = env_list("BIANMIN_ALLOWED_HOSTS", "127.0.0.1,localhost")
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env_list("BIANMIN_CSRF_TRUSTED_ORIGINS", "")

# Behind HTTPS in production; `make run` serves plain HTTP on loopback.
HTTPS = env_flag("BIANMIN_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy: scripts and styles only from our own static files (no inline ones anywhere);
# images may also be data: URLs (QR codes, signatures) and blob: URLs (photo previews before upload).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The printable A4 documents carry their print styles inline (the PDF renderer reads the same HTML).
SECURE_CSP_PRINTABLE = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
SESSION_COOKIE_AGE = 60 * 60 * 12

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "ninja",
    "bianmin.core",
    "bianmin.regions",
    "bianmin.accounts",
    "bianmin.catalog",
    "bianmin.cases",
    "bianmin.messaging",
    "bianmin.workbench",
    "bianmin.calendar",
    "bianmin.proxy",
    "bianmin.stats",
    "bianmin.portal",
    "bianmin.inquiries",
    "bianmin.devices",
    "bianmin.ratings",
    "bianmin.hall",
    "bianmin.supervision",
    "bianmin.duty",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view (and before CsrfViewMiddleware.process_view): bodies with unstorable text are refused.
    "bianmin.core.request_text.RequestTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bianmin.core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "bianmin.urls"
WSGI_APPLICATION = "bianmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bianmin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bianmin.accounts.context_processors.scope",
                "bianmin.messaging.context_processors.notices",
            ],
        },
    },
]

# SQLite by default, tuned for several processes (web workers + huey): WAL, a busy timeout, and
# BEGIN IMMEDIATE so a writer takes the lock up front instead of failing half-way on upgrade.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bianmin.sqlite3'}")
# Health checks: a kept connection the database dropped (a restart) is replaced before a request uses it.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if TESTING else 60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so tests with several threads share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A case acknowledged to the clerk must survive the database crashing the next moment: commit waits
    # for its WAL flush even where the cluster runs synchronous_commit=off (the crash drill lost
    # acknowledged cases on such a cluster restarted with `pg_ctl restart -m immediate`).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=on"

# BIANMIN_PARTITION_CASES=county: on PostgreSQL, `migrate` leaves cases_case partitioned by county
# (bianmin/cases/partitioning.py, docs/scaling.md); "" keeps the plain table. SQLite ignores it.
PARTITION_CASES = os.environ.get("BIANMIN_PARTITION_CASES", "").strip().lower()
if PARTITION_CASES not in ("", "county"):
    raise ImproperlyConfigured(f"BIANMIN_PARTITION_CASES={PARTITION_CASES!r}: only 'county' (or empty)")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "bianmin" / "static"]
MEDIA_ROOT = Path(os.environ.get("BIANMIN_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are served by views that check the caller's scope, never as public media.
# Never routed: uploads are served by views that check scope. (A value, not None, so the live test server starts.)
MEDIA_URL = "/private-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedStaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Only the hashed copies are referenced ({% static %}), and source maps are fetched by developer tools
# alone: compressing neither keeps `collectstatic` (run by every `make run`) from taking ~20 s of brotli.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *"jpg jpeg png gif webp zip gz tgz bz2 tbz xz br swf flv woff woff2 3gp 3gpp asf avi m4v mov mp4".split(),
    *"mpeg mpg webm wmv map".split(),
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work: huey on SQLite by default; BIANMIN_HUEY_URL=redis://... in production.
HUEY_URL = os.environ.get("BIANMIN_HUEY_URL")
if TESTING:
    HUEY = {"huey_class": "huey.MemoryHuey", "immediate": True, "name": "bianmin"}
elif HUEY_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "bianmin", "url": HUEY_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "bianmin",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# Texts to applicants: "outbox" (recorded, not sent) until a gateway is configured (API.md).
SMS_BACKEND = os.environ.get("BIANMIN_SMS_BACKEND", "outbox").strip() or "outbox"
SMS_HTTP_URL = os.environ.get("BIANMIN_SMS_HTTP_URL", "")
SMS_HTTP_SECRET = os.environ.get("BIANMIN_SMS_HTTP_SECRET", "")
SMS_HTTP_TIMEOUT = float(os.environ.get("BIANMIN_SMS_HTTP_TIMEOUT", "5"))
# tencent / aliyun: the account, the sign (签名), the app (Tencent's SmsSdkAppId), and our template codes
# mapped to the provider's template ids, e.g. {"accept": "1234567"} or {"accept": {"id": "…", "params": […]}}.
SMS_SECRET_ID = os.environ.get("BIANMIN_SMS_SECRET_ID", "")
SMS_SECRET_KEY = os.environ.get("BIANMIN_SMS_SECRET_KEY", "")
SMS_SIGN_NAME = os.environ.get("BIANMIN_SMS_SIGN_NAME", "")
SMS_APP_ID = os.environ.get("BIANMIN_SMS_APP_ID", "")
SMS_REGION = os.environ.get("BIANMIN_SMS_REGION", "")
SMS_TEMPLATE_IDS = json.loads(os.environ.get("BIANMIN_SMS_TEMPLATE_IDS") or "{}")
SMS_ENDPOINT = os.environ.get("BIANMIN_SMS_ENDPOINT", "")  # e.g. http://127.0.0.1:9000 in tests

# Login throttling inside the window → 429: LIMIT failures for one username from one address, four times
# that for one username from anywhere, and a ceiling per address (a township hall shares one address).
LOGIN_FAILURE_LIMIT = int(os.environ.get("BIANMIN_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_CEILING = int(os.environ.get("BIANMIN_LOGIN_ADDRESS_CEILING", "100"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("BIANMIN_LOGIN_FAILURE_WINDOW", "900"))
API_TOKEN_DAYS = int(os.environ.get("BIANMIN_API_TOKEN_DAYS", "30"))

VERSION = "0.1.0"
# Absolute base of the public tracking URL printed as a QR code on documents (else the request's host).
PUBLIC_BASE_URL = os.environ.get("BIANMIN_PUBLIC_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_query": {"()": "bianmin.core.accesslog.RedactQueryFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BIANMIN_LOG_LEVEL", "WARNING")},
    "loggers": {
        # run_huey gives the huey logger its own handler; propagating as well would print every line twice.
        "huey": {"propagate": False},
        # runserver's request lines: no ?code= query codes, no ?q= searches (gunicorn: scripts/serve.sh).
        "django.server": {
            "handlers": ["console"],
            "filters": ["redact_query"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
