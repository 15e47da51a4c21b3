"""What the registry owes the watchlist after a write: a rescan of the project, queued by task name once the
transaction commits (the watchlist's tasks define the work; this module does not import them)."""
from tracker.batching import Batch
from tracker.queue import send_on_commit

SCAN_PROJECT = "projects.watchlist.tasks.scan_project"
SCAN_WATCHLIST = "projects.watchlist.tasks.scan_watchlist"

_scans = Batch("project_scans")


def queue_project_scan(project_id: int) -> None:
    """Queue a rescan of the project once the current transaction has committed (inside `batched_scans`, note it)."""
    if _scans.note([project_id]):
        return
    send_on_commit(SCAN_PROJECT, project_id)


def batched_scans():
    """For bulk writes (an import): instead of one rescan per project, one scan of every project once the
    transaction commits. Use inside the transaction, so a rollback queues nothing."""
    return _scans.collect(lambda _projects: send_on_commit(SCAN_WATCHLIST))
