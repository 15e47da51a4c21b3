"""Settings of the tracker, read from the environment (django-environ); see the settings table in README.md."""
from datetime import date
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where runtime files live (SQLite database, uploaded documents, the filesystem broker).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

PROVINCE_NAME = env.str("PROVINCE_NAME", default="Phú Thọ")
# The window of dates any form, import or service accepts (tracker/dates.py).
DATE_MIN = date.fromisoformat(env.str("DATE_MIN", default="1990-01-01"))
DATE_MAX_YEARS_AHEAD = env.int("DATE_MAX_YEARS_AHEAD", default=30)
DEPARTMENT_NAME = env.str("DEPARTMENT_NAME", default="Sở Công Thương")
# The fonts of the PDF reports: DejaVu carries every Vietnamese letter (apt-get install fonts-dejavu-core).
REPORT_FONT_DIR = env.str("REPORT_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "tracker",
    "clusters",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from one address, that
# pair is locked for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# Content-Security-Policy (django-csp): scripts, styles and images only from this site; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Idle sessions expire: every request pushes the expiry SESSION_IDLE_MINUTES ahead.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

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
                "django.template.context_processors.i18n",
                "tracker.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to one file: wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English second; the choice is kept in a cookie, not guessed from the browser.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FORMAT_MODULE_PATH = ["tracker.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Uploaded documents: decisions and certificates as PDF or images, capped in size.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")

# Celery: Redis when REDIS_URL is set; otherwise the kombu filesystem transport (nothing to install).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The schedule is declared here in code; the worker runs it with --beat.
WATCHLIST_SCAN_HOUR = env.int("WATCHLIST_SCAN_HOUR", default=2)
WATCHLIST_SCAN_MINUTE = env.int("WATCHLIST_SCAN_MINUTE", default=0)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "tracker.tasks.heartbeat", "schedule": 60.0},
    # Nightly: only the projects due (a rule's answer may change today) or changed since their last scan.
    "watchlist-nightly-scan": {
        "task": "projects.watchlist.tasks.scan_watchlist",
        "schedule": crontab(hour=WATCHLIST_SCAN_HOUR, minute=WATCHLIST_SCAN_MINUTE),
        "kwargs": {"incremental": True},
    },
    # Weekly: every project, the safety net.
    "watchlist-weekly-full-scan": {
        "task": "projects.watchlist.tasks.scan_watchlist",
        "schedule": crontab(day_of_week="sun", hour=WATCHLIST_SCAN_HOUR, minute=(WATCHLIST_SCAN_MINUTE + 30) % 60),
    },
    "watchlist-weekly-digest": {
        "task": "projects.watchlist.tasks.weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    "imports-cleanup": {"task": "projects.imports.tasks.import_cleanup", "schedule": crontab(hour=3, minute=30)},
    # Import jobs whose worker died (past their deadline) are marked failed.
    "imports-sweep": {"task": "projects.imports.tasks.import_sweep", "schedule": 300.0},
}
# The watchlist page warns when the last successful scan is older than this.
WATCHLIST_STALE_HOURS = env.int("WATCHLIST_STALE_HOURS", default=36)

# The cache carries what web and worker processes share briefly (an import's progress): Redis when REDIS_URL is
# set, otherwise files under VAR_DIR (one machine, several processes).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    }

# Imports (issue 5): every file is checked and written by a Celery task (the request only stores it); a file may
# hold at most IMPORT_MAX_ROWS data rows and IMPORT_MAX_UPLOAD_MB megabytes.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=20)
# Uploaded import files and their previews are deleted after this many days (nightly); a job queued and not taken
# up by a worker within IMPORT_STALE_MINUTES is marked failed.
IMPORT_KEEP_DAYS = env.int("IMPORT_KEEP_DAYS", default=30)
IMPORT_STALE_MINUTES = env.int("IMPORT_STALE_MINUTES", default=30)
# Import bombs (issue 13.2): the budget a file is read within (docs/imports.md, "Reading within a budget").
IMPORT_MAX_UNCOMPRESSED_MB = env.int("IMPORT_MAX_UNCOMPRESSED_MB", default=100)  # all parts of a workbook, inflated
IMPORT_MAX_PART_MB = env.int("IMPORT_MAX_PART_MB", default=32)  # a part read whole (sharedStrings.xml, styles)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)  # of a part over 1 MB
IMPORT_MAX_BLANK_ROWS = env.int("IMPORT_MAX_BLANK_ROWS", default=1000)  # empty rows/lines of a file, all sheets
# The import tasks' time limits (seconds): the soft one stops the job with a message, the hard one kills it; a job
# still running IMPORT_DEAD_AFTER_SECONDS past its hard limit is marked failed (its worker died).
IMPORT_TASK_SOFT_TIME_LIMIT = env.int("IMPORT_TASK_SOFT_TIME_LIMIT", default=600)
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=660)
IMPORT_DEAD_AFTER_SECONDS = env.int("IMPORT_DEAD_AFTER_SECONDS", default=120)

# /healthz calls the worker "stale" when its last heartbeat (every minute, from Celery beat) is older than this.
HEALTH_HEARTBEAT_MAX_SECONDS = env.int("HEALTH_HEARTBEAT_MAX_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The PDF renderer reports every layout step and font subset at INFO: only its warnings are worth a line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

for _folder in (VAR_DIR, MEDIA_ROOT, CELERY_BROKER_DIR / "queue", CELERY_BROKER_DIR / "control"):
    _folder.mkdir(parents=True, exist_ok=True)
