"""Old scan records are deleted after SCAN_RUN_RETENTION_DAYS (nightly, `projects.watchlist.tasks.prune_scans`).

Every change to a project records a scan of it, so the table grows by thousands of rows a month. The records the
pages read are kept whatever their age: the last successful full scan (the watchlist page's "last scan", /healthz's
age and a kept flag's confirmation date) and the last full scan of any outcome (a failure to report). A scan still
running is never deleted: its worker writes to it when it ends."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from projects.models import Scan


def scans_prune(*, now=None) -> int:
    """Delete the scans that started more than SCAN_RUN_RETENTION_DAYS ago (one started exactly that long ago
    stays), but never a running one nor the last full scan, successful or not; returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SCAN_RUN_RETENTION_DAYS)
    full = Scan.objects.filter(project__isnull=True)
    keep = [
        pk
        for pk in (
            full.filter(status=Scan.Status.SUCCEEDED).order_by("-finished_at", "-pk").values_list("pk", flat=True)
            .first(),
            full.order_by("-started_at", "-pk").values_list("pk", flat=True).first(),
        )
        if pk is not None
    ]
    old = Scan.objects.filter(started_at__lt=cutoff).exclude(status=Scan.Status.RUNNING).exclude(pk__in=keep)
    _total, by_model = old.delete()
    return by_model.get(Scan._meta.label, 0)
