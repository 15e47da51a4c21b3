"""What the registry owes the watchlist after a write: the project marked due for the next scan
(`next_check_on` emptied, in the same transaction as the write: the outbox of rescans, which the watchlist's
`scan_pending` drains every few minutes, so the rescan runs even if the broker was down), and a rescan queued by
task name once the transaction commits (the watchlist's tasks define the work; this module does not import them)."""
from projects.models import Project
from tracker.batching import Batch
from tracker.queue import send_on_commit

SCAN_PROJECT = "projects.watchlist.tasks.scan_project"
SCAN_WATCHLIST = "projects.watchlist.tasks.scan_watchlist"

_scans = Batch("project_scans")


def queue_project_scan(project_id: int) -> None:
    """Mark the project due and queue its rescan once the current transaction has committed (inside
    `batched_scans`, note it)."""
    if _scans.note([project_id]):
        return
    Project.objects.filter(pk=project_id).update(next_check_on=None)
    send_on_commit(SCAN_PROJECT, project_id)


def _after_bulk(project_ids: set) -> None:
    ids = sorted(project_ids)
    for start in range(0, len(ids), 5000):
        # A project already due (a new one) is not written again.
        Project.objects.filter(pk__in=ids[start:start + 5000], next_check_on__isnull=False).update(next_check_on=None)
    send_on_commit(SCAN_WATCHLIST)


def batched_scans():
    """For bulk writes (an import): instead of one rescan per project, the projects marked due at once and one
    scan of every project once the transaction commits. Use inside the transaction, so a rollback queues
    nothing."""
    return _scans.collect(_after_bulk)
