"""Reads of the import jobs: how far a running job got, and whether its worker has probably stopped."""
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from projects.models import ImportJob


def is_stalled(job: ImportJob, now=None) -> bool:
    """Still checking or importing long after any file could take: its worker has probably stopped."""
    return job.running and job.created_at < (now or timezone.now()) - timedelta(minutes=settings.IMPORT_STALE_MINUTES)


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def import_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a running job, as its task last reported."""
    done, total = cache.get(progress_key(job.pk), (0, job.total_rows))
    return done, total


