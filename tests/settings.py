"""Test settings: the real settings with plain static storage (no collectstatic needed) and fast password hashing."""
import os
import tempfile
from pathlib import Path

os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="tracker-test-"))

from tracker.settings import *  # noqa: E402,F403
from tracker.settings import STORAGES  # noqa: E402

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(os.environ["VAR_DIR"]) / "media"
STATIC_ROOT = Path(os.environ["VAR_DIR"]) / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tasks queued on commit (the rescan of a changed project) run inline; the worker tests turn this off.
CELERY_TASK_ALWAYS_EAGER = True
# The public lists' rate limit counts per client address and minute in a cache that lives across tests: the tests
# ask for more public pages a minute than a visitor may. The test of the limit sets it back to the default.
PUBLIC_LISTS_PER_MINUTE = 100_000
