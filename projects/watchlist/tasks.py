"""The watchlist's background jobs: thin wrappers that take ids or dates and call the engine.

Work is queued by these names (`projects.queue`, `tracker.queue`), never by importing this module, so the engines
do not import their own tasks."""
from datetime import date

from celery import shared_task

from clusters.services import cluster_summary_refresh
from projects.models import Project
from projects.watchlist.notifications import send_critical_flags, send_weekly_digest
from projects.watchlist.retention import scans_prune
from projects.watchlist.scans import run_scan


@shared_task(name="projects.watchlist.tasks.scan_watchlist")
def scan_watchlist(as_of: str | None = None, incremental: bool = False) -> dict:
    """A scan (Celery beat): `incremental`, nightly, only the projects due; else, weekly and after an import, every
    project. `as_of` is an ISO date, default today. A full scan also rebuilds the clusters' summary, which the
    services keep, in case something wrote projects around them (a shell, a script)."""
    result = run_scan(as_of=date.fromisoformat(as_of) if as_of else None, incremental=incremental)
    if not incremental:
        cluster_summary_refresh()
    return {"scan": result.scan_id, "opened": result.opened, "kept": result.kept, "closed": result.closed,
            "evaluated": result.evaluated}


@shared_task(name="projects.watchlist.tasks.scan_project", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def scan_project(project_id: int) -> dict | None:
    """Re-evaluate one project after its data changed."""
    if not Project.objects.filter(pk=project_id).exists():
        return None  # deleted meanwhile: nothing to scan
    result = run_scan(project_id=project_id)
    return {"scan": result.scan_id, "opened": result.opened, "kept": result.kept, "closed": result.closed}


@shared_task(
    name="projects.watchlist.tasks.notify_critical_flags", autoretry_for=(OSError,), retry_backoff=60, max_retries=5
)
def notify_critical_flags(flag_ids: list[int]) -> int:
    """Email leadership about newly opened critical flags; each flag is claimed first, so it is sent once."""
    return send_critical_flags(flag_ids)


@shared_task(name="projects.watchlist.tasks.weekly_digest", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def weekly_digest() -> int:
    """The weekly digest of open flags to leadership, sent once per ISO week."""
    return send_weekly_digest()


@shared_task(name="projects.watchlist.tasks.prune_scans")
def prune_scans() -> int:
    """Delete the scan records older than SCAN_RUN_RETENTION_DAYS, keeping the last full scans (Celery beat)."""
    return scans_prune()
