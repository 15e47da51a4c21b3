"""Background jobs: the watchlist's scans and emails, and the imports; thin wrappers that take ids or dates."""
from datetime import date

from celery import shared_task
from django.db import transaction

from tracker.batching import Batch


@shared_task(name="projects.tasks.scan_watchlist")
def scan_watchlist(as_of: str | None = None) -> dict:
    """The nightly scan of every project (Celery beat); `as_of` is an ISO date, default today. It also rebuilds the
    clusters' summary, which the services keep, in case something wrote projects around them (a shell, a script)."""
    from clusters.services import cluster_summary_refresh
    from projects.scans import run_scan

    result = run_scan(as_of=date.fromisoformat(as_of) if as_of else None)
    cluster_summary_refresh()
    return {"scan": result.scan_id, "opened": result.opened, "kept": result.kept, "closed": result.closed}


@shared_task(name="projects.tasks.scan_project", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def scan_project(project_id: int) -> dict | None:
    """Re-evaluate one project after its data changed."""
    from projects.models import Project
    from projects.scans import run_scan

    if not Project.objects.filter(pk=project_id).exists():
        return None  # deleted meanwhile: nothing to scan
    result = run_scan(project_id=project_id)
    return {"scan": result.scan_id, "opened": result.opened, "kept": result.kept, "closed": result.closed}


_scans = Batch("project_scans")


def queue_project_scan(project_id: int) -> None:
    """Queue a rescan of the project once the current transaction has committed (inside `batched_scans`, note it)."""
    if _scans.note([project_id]):
        return
    transaction.on_commit(lambda: scan_project.delay(project_id))


def batched_scans():
    """For bulk writes (an import): instead of one rescan per project, one scan of every project once the
    transaction commits. Use inside the transaction, so a rollback queues nothing."""
    return _scans.collect(lambda _projects: transaction.on_commit(lambda: scan_watchlist.delay()))


@shared_task(name="projects.tasks.import_check")
def import_check(job_id: int) -> str:
    """Check an uploaded import file and build its preview (nothing is written)."""
    from projects.import_jobs import import_job_run

    return import_job_run(job_id, commit=False)


@shared_task(name="projects.tasks.import_apply")
def import_apply(job_id: int) -> str:
    """Write a checked import file, all or nothing."""
    from projects.import_jobs import import_job_run

    return import_job_run(job_id, commit=True)


@shared_task(name="projects.tasks.notify_critical_flags", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def notify_critical_flags(flag_ids: list[int]) -> int:
    """Email leadership about newly opened critical flags; each flag is claimed first, so it is sent once."""
    from projects.notifications import send_critical_flags

    return send_critical_flags(flag_ids)


@shared_task(name="projects.tasks.weekly_digest", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def weekly_digest() -> int:
    """The weekly digest of open flags to leadership, sent once per ISO week."""
    from projects.notifications import send_weekly_digest

    return send_weekly_digest()


@shared_task(name="projects.tasks.import_cleanup")
def import_cleanup() -> int:
    """Delete the import jobs (and their files) older than IMPORT_KEEP_DAYS; the records they wrote stay."""
    from projects.import_jobs import import_jobs_delete_old

    return import_jobs_delete_old()
