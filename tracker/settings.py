"""Settings of the tracker, read from the environment (django-environ); see the settings table in README.md."""
from datetime import date
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
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
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from static/ like the rest (no CDN)
    "tracker",
    "clusters",
    "projects",
    "api",
    "industry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.middleware.PrivatePagesMiddleware",  # Cache-Control: private, no-store for logged-in users
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A user asked by an administrator to change their password sees only the change page until they do.
    "tracker.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend whose user query also brings the password state the middleware above reads.
    "tracker.accounts.backends.UserBackend",
]
# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from one address, that
# pair is locked for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address (tracker/client_ip.py): behind TRUSTED_PROXY_COUNT proxies (env AXES_PROXY_COUNT), the
# X-Forwarded-For entry the first of them appended (the N-th from the right; what the client wrote to its left is
# never read); with 0, the connection's address. A forged header cannot aim a lockout at someone else's address.
# (Not named AXES_PROXY_COUNT in settings: django-axes reads that old name itself and warns that it is deprecated.)
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "tracker.client_ip.client_ip"

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
# The cluster map (vendored Leaflet). No background map by default: the department's network may be closed, and
# the markers, the legend and the list beside the map need none. MAP_TILE_URL points at the province's own tile
# server ("/tiles/{z}/{x}/{y}.png" behind the same web server keeps the policy above same-origin; a full address
# such as "https://bando.example.gov.vn/{z}/{x}/{y}.png" adds that one origin to img-src, nothing else).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
MAP_TILE_MAX_ZOOM = env.int("MAP_TILE_MAX_ZOOM", default=18)
# Where the map opens when no cluster has coordinates yet (latitude, longitude, zoom): the former Hòa Bình province.
MAP_DEFAULT_VIEW = tuple(env.list("MAP_DEFAULT_VIEW", cast=float, default=[20.75, 105.45, 9]))


def _tile_origin(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


if _tile_origin(MAP_TILE_URL):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tile_origin(MAP_TILE_URL))

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
# The language switch's cookie is read by the server only (tracker.middleware): no script needs it.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

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

# A server process imports its URLs and compiles its templates before its first request (tracker/warmup.py).
WARM_UP = env.bool("WARM_UP", default=True)

# Django's form widgets drawn by Jinja2, the rest by Django's templates (tracker/renderers.py).
FORM_RENDERER = "tracker.renderers.FormRenderer"

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
# Password reset by e-mail (tracker/accounts): a link is valid PASSWORD_RESET_HOURS; at most
# PASSWORD_RESET_PER_HOUR requests an hour from one client address and e-mails to one address.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_HOURS", default=24) * 3600
PASSWORD_RESET_PER_HOUR = env.int("PASSWORD_RESET_PER_HOUR", default=5)
# The public lists (/cong-khai/, issue 14): requests a minute from one client address (more get a 429 page), and how
# long a browser or a proxy may keep a public page.
PUBLIC_LISTS_PER_MINUTE = env.int("PUBLIC_LISTS_PER_MINUTE", default=60)
PUBLIC_LISTS_MAX_AGE = env.int("PUBLIC_LISTS_MAX_AGE", default=300)
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
    "watchlist-coming-due-digest": {
        "task": "projects.watchlist.tasks.coming_due_digest",
        "schedule": crontab(day_of_week="mon", hour=7, minute=15),
    },
    "imports-cleanup": {"task": "projects.imports.tasks.import_cleanup", "schedule": crontab(hour=3, minute=30)},
    # Import jobs whose worker died (past their deadline) are marked failed.
    "imports-sweep": {"task": "projects.imports.tasks.import_sweep", "schedule": 300.0},
}
# Retention (nightly): scan records and login records (django-axes) older than this many days are deleted; the last
# full scans, running scans and failure counters that still lock are kept whatever their age.
SCAN_RUN_RETENTION_DAYS = env.int("SCAN_RUN_RETENTION_DAYS", default=90)
LOGIN_ATTEMPT_RETENTION_DAYS = env.int("LOGIN_ATTEMPT_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["watchlist-prune-scans"] = {
    "task": "projects.watchlist.tasks.prune_scans", "schedule": crontab(hour=3, minute=40),
}
CELERY_BEAT_SCHEDULE["login-attempts-prune"] = {
    "task": "tracker.tasks.prune_login_attempts", "schedule": crontab(hour=3, minute=45),
}
# The watchlist page warns when the last successful scan is older than this.
WATCHLIST_STALE_HOURS = env.int("WATCHLIST_STALE_HOURS", default=36)

# The cache carries what web and worker processes share briefly (an import's progress): Redis when REDIS_URL is
# set, otherwise files under VAR_DIR (one machine, several processes).
if REDIS_URL:
    # Tolerant: with Redis down a read answers its default and a write is dropped (tracker/cache.py), in seconds.
    CACHES = {"default": {"BACKEND": "tracker.cache.TolerantRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
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

# /healthz calls the worker "stale", and answers 503, when its last heartbeat (every minute, from Celery beat) is
# older than this: two beats missed and a margin.
HEALTH_HEARTBEAT_MAX_SECONDS = env.int("HEALTH_HEARTBEAT_MAX_SECONDS", default=150)

# Faults (issue 13, points 4 and 5; docs/architecture.md, "Faults"). A scan is stopped after
# WATCHLIST_SCAN_TIME_LIMIT_SECONDS (it records its failure) and its process killed a minute later (as much again
# for a limit under a minute); a scan still "running" past that was lost with its worker and is marked failed. A
# task whose worker died unacknowledged goes back to the queue after the broker's visibility timeout, which must
# outlast the longest task (else a long scan would be delivered to a second worker meanwhile). A write owes the
# watchlist a rescan through the project's empty next_check_on (the outbox, written in the write's transaction);
# `scan_pending` drains it every WATCHLIST_PENDING_SCAN_MINUTES, so a rescan that could not be queued (broker down)
# or was lost runs anyway.
WATCHLIST_SCAN_TIME_LIMIT_SECONDS = env.int("WATCHLIST_SCAN_TIME_LIMIT_SECONDS", default=1800)
WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS = WATCHLIST_SCAN_TIME_LIMIT_SECONDS + min(60, WATCHLIST_SCAN_TIME_LIMIT_SECONDS)
WATCHLIST_PENDING_SCAN_MINUTES = env.int("WATCHLIST_PENDING_SCAN_MINUTES", default=5)
BROKER_VISIBILITY_TIMEOUT_SECONDS = env.int("BROKER_VISIBILITY_TIMEOUT_SECONDS", default=3600)
if BROKER_VISIBILITY_TIMEOUT_SECONDS <= WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS:
    raise ImproperlyConfigured(
        f"BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed {WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS}, the hard time limit "
        "of a scan (WATCHLIST_SCAN_TIME_LIMIT_SECONDS and a minute)"
    )
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT_SECONDS,
        "socket_connect_timeout": 3,  # a broker host that does not answer fails a save's queueing in seconds
    }
# Sending to a broker that is down gives up after about a second (the default retries for longer); the work is
# kept in the database meanwhile (tracker.queue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Nothing reads a task's result (the work lands in the database), so the sender never subscribes to the result store:
# with Redis down, that subscription alone held a save up for 20 s of reconnecting.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE["watchlist-pending-rescans"] = {
    "task": "projects.watchlist.tasks.scan_pending", "schedule": WATCHLIST_PENDING_SCAN_MINUTES * 60.0,
}
CELERY_BEAT_SCHEDULE["watchlist-unfinished-scans"] = {
    "task": "projects.watchlist.tasks.fail_unfinished_scans", "schedule": WATCHLIST_PENDING_SCAN_MINUTES * 60.0,
}

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

# The REST API (/api/v1/, api/): tokens or the browser's session, closed to anonymous callers, JSON errors with a
# field → message map, page pagination in a stable order, a request budget per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ModelPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE", default="1200/minute")},
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Industrial-cluster investment tracker API",
    "DESCRIPTION": "Clusters, secondary projects, their records and the watchlist. Money in VND (integers), dates "
    "ISO 8601, field names those of the import template.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"ProjectStatusEnum": "projects.models.Project.Status",
                            "FlagStateEnum": "projects.models.Flag.State"},
}
# API tokens: how long a new token lives unless its creator chooses (days), and at most.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
