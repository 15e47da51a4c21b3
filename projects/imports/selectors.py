"""Reads of the import jobs: how far a running job got."""
from django.core.cache import cache

from projects.models import ImportJob


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def import_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a running job, as its task last reported."""
    done, total = cache.get(progress_key(job.pk), (0, job.total_rows))
    return done, total


