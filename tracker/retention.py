"""Old login records are deleted after LOGIN_ATTEMPT_RETENTION_DAYS (nightly, `tracker.tasks.prune_login_attempts`).

django-axes keeps a row per failed (user name, address) pair, a row per login and logout, and, when enabled, a row
per failure; none of them is ever deleted by itself. A failure counter that still locks its pair (its last failure
within AXES_COOLOFF_HOURS) is kept whatever the retention, so pruning never lifts a lockout."""
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone


def login_attempts_prune(*, now=None) -> dict[str, int]:
    """Delete the failure counters, access logs and failure logs whose time is more than
    LOGIN_ATTEMPT_RETENTION_DAYS ago (one exactly that old stays); returns how many of each were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LOGIN_ATTEMPT_RETENTION_DAYS)
    still_locking = now - timedelta(hours=settings.AXES_COOLOFF_TIME)
    old = {
        "attempts": AccessAttempt.objects.filter(attempt_time__lt=min(cutoff, still_locking)),
        "logs": AccessLog.objects.filter(attempt_time__lt=cutoff),
        "failure_logs": AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
    }
    # Only the rows of each model are counted (an attempt's expiration row goes with it).
    return {name: rows.delete()[1].get(rows.model._meta.label, 0) for name, rows in old.items()}
