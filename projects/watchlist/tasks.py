"""The watchlist's background jobs: thin wrappers that take ids or dates and call the engine.

Work is queued by these names (`projects.queue`, `tracker.queue`), never by importing this module, so the engines
do not import their own tasks."""
from celery import shared_task
from django.conf import settings

from clusters.services import cluster_summary_refresh
from projects.models import Project
from projects.watchlist import scans
from projects.watchlist.notifications import send_coming_due_digest, send_critical_flags, send_weekly_digest
from projects.watchlist.retention import scans_prune
from projects.watchlist.scans import run_scan, scan_refused
from tracker.task_args import BadArgument, refuse, task_date, task_flag, task_id, task_ids

# Scans are idempotent (a rerun opens and closes nothing new), so a scan whose worker died goes back to the queue
# (acknowledged only once done; rejected and requeued when its process is killed) instead of being dropped; a soft
# time limit stops it with its failure recorded, the hard one kills it a minute later (its row is then marked
# failed by `fail_unfinished_scans`).
SCAN_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.WATCHLIST_SCAN_TIME_LIMIT_SECONDS,
    "time_limit": settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS,
}


@shared_task(name="projects.watchlist.tasks.scan_watchlist", **SCAN_OPTIONS)
def scan_watchlist(as_of: str | None = None, incremental: bool = False) -> dict:
    """A scan (Celery beat): `incremental`, nightly, only the projects due; else, weekly and after an import, every
    project. `as_of` is an ISO date, default today. A full scan also rebuilds the clusters' summary, which the
    services keep, in case something wrote projects around them (a shell, a script). Malformed arguments are
    refused: a failed scan run says why (the watchlist page and the admin show it), nothing raises in the worker."""
    try:
        day, incremental = task_date(as_of), task_flag(incremental, "incremental")
    except BadArgument as error:
        reason = refuse("scan_watchlist", error)
        return {"scan": scan_refused(reason), "refused": reason}
    result = run_scan(as_of=day, incremental=incremental, details=False)  # counts only: memory bounded by a chunk
    if not incremental:
        cluster_summary_refresh()
    return {"scan": result.scan_id, "opened": result.opened, "kept": result.kept, "closed": result.closed,
            "evaluated": result.evaluated}


@shared_task(name="projects.watchlist.tasks.scan_project", autoretry_for=(Exception,), retry_backoff=True, max_retries=3,
             **SCAN_OPTIONS)
def scan_project(project_id: int) -> dict | None:
    """Re-evaluate one project after its data changed."""
    try:
        project_id = task_id(project_id, "project_id")
    except BadArgument as error:
        return {"refused": refuse("scan_project", error)}
    if not Project.objects.filter(pk=project_id).exists():
        return None  # deleted meanwhile: nothing to scan
    result = run_scan(project_id=project_id)
    return {"scan": result.scan_id, "opened": result.opened, "kept": result.kept, "closed": result.closed}


@shared_task(name="projects.watchlist.tasks.scan_pending", **SCAN_OPTIONS)
def scan_pending() -> dict:
    """Celery beat, every few minutes: the rescans owed to projects written since their last scan (the outbox of
    `projects.queue`), in case the broker was down when they were queued or a worker lost them."""
    result = scans.scan_pending()
    if result["full"]:
        cluster_summary_refresh()
    return result


@shared_task(name="projects.watchlist.tasks.fail_unfinished_scans")
def fail_unfinished_scans() -> int:
    """Celery beat: scans left "running" past the time limit by a worker that died are marked failed."""
    return scans.fail_unfinished_scans()


@shared_task(
    name="projects.watchlist.tasks.notify_critical_flags", autoretry_for=(OSError,), retry_backoff=60, max_retries=5
)
def notify_critical_flags(flag_ids: list[int]) -> int:
    """Email leadership about newly opened critical flags; each flag is claimed first, so it is sent once."""
    try:
        flag_ids = task_ids(flag_ids, "flag_ids")
    except BadArgument as error:
        refuse("notify_critical_flags", error)
        return 0
    return send_critical_flags(flag_ids)


@shared_task(name="projects.watchlist.tasks.weekly_digest", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def weekly_digest() -> int:
    """The weekly digest of open flags to leadership, sent once per ISO week."""
    return send_weekly_digest()


@shared_task(name="projects.watchlist.tasks.prune_scans")
def prune_scans() -> int:
    """Delete the scan records older than SCAN_RUN_RETENTION_DAYS, keeping the last full scans (Celery beat)."""
    return scans_prune()


@shared_task(name="projects.watchlist.tasks.coming_due_digest", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def coming_due_digest() -> int:
    """The weekly digest of what comes due in the next 30 days, to leadership and commune officers (their
    communes), sent once per ISO week; a user may opt out."""
    return send_coming_due_digest()
