"""Import jobs of the browser: an uploaded file is checked into a preview, then written once confirmed.

A small file is handled inside the request; a larger one by a Celery task (projects.imports.tasks.import_check
and import_apply), whose progress is kept in the cache so the page can show it and survive a reload.
"""
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from projects.imports.engine import run_import
from projects.imports.selectors import progress_key
from projects.models import ImportJob
from tracker.queue import send_on_commit

IMPORT_CHECK = "projects.imports.tasks.import_check"
IMPORT_APPLY = "projects.imports.tasks.import_apply"

logger = logging.getLogger(__name__)


def import_jobs_delete_old(now=None) -> int:
    """Delete finished import jobs older than IMPORT_KEEP_DAYS, with their uploaded files."""
    from datetime import timedelta

    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_KEEP_DAYS)
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=ImportJob.RUNNING)
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def estimate_rows(handle, filename: str) -> int:
    """A quick upper bound of the data rows, to choose between the request and a background task."""
    try:
        head = handle.read(4)
        handle.seek(0)
        if head.startswith(b"PK"):
            workbook = load_workbook(handle, read_only=True)
            try:
                return sum(sheet.max_row or 0 for sheet in workbook.worksheets)
            finally:
                workbook.close()
        return handle.read().count(b"\n")
    except Exception:  # not readable (openpyxl raises many kinds): the check itself says why, at once
        return 0
    finally:
        handle.seek(0)


def import_job_create(*, user, upload, csv_kind: str = "") -> ImportJob:
    job = ImportJob(
        user=user, filename=upload.name[:255], csv_kind=csv_kind or "", status=ImportJob.Status.CHECKING,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job


def in_background(job: ImportJob) -> bool:
    with job.file.open("rb") as handle:
        return estimate_rows(handle, job.filename) > settings.IMPORT_SYNC_MAX_ROWS


def import_job_check(job: ImportJob) -> None:
    """Check the file now (small) or in a task (large)."""
    if in_background(job):
        _queue(IMPORT_CHECK, job.pk)
    else:
        import_job_run(job.pk, commit=False)


def import_job_confirm(job: ImportJob, *, change_reason: str) -> bool:
    """Start writing a checked file; False when it was not waiting for confirmation (already confirmed, say)."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.IMPORTING, change_reason=change_reason[:100], finished_at=None
    )
    if not started:
        return False
    job.refresh_from_db()
    if job.total_rows > settings.IMPORT_SYNC_MAX_ROWS:
        _queue(IMPORT_APPLY, job.pk)
    else:
        import_job_run(job.pk, commit=True)
    return True


def _queue(task_name: str, job_id: int) -> None:
    """Send the job to the worker once the transaction commits; if the broker cannot be reached, the job says so
    (stopped, nothing imported) instead of the page failing."""

    def unreachable():
        logger.exception("import job %s could not be queued", job_id)
        language = ImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
        with translation.override(language or settings.LANGUAGE_CODE):
            message = _("The background worker could not be reached, so nothing was imported. Try again later, "
                        "or tell the technical team (import %(id)s).") % {"id": job_id}
        ImportJob.objects.filter(pk=job_id, status__in=ImportJob.RUNNING).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(), result={"file_errors": [message]},
        )

    send_on_commit(task_name, job_id, on_error=unreachable)


def import_job_run(job_id: int, *, commit: bool) -> str:
    """Check (commit=False) or write (commit=True) the job's file and record the outcome on the job."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return "missing"
    expected = ImportJob.Status.IMPORTING if commit else ImportJob.Status.CHECKING
    if job.status != expected:
        return job.status  # delivered twice, or confirmed twice: already handled
    key = progress_key(job.pk)

    def progress(done: int, total: int) -> None:
        cache.set(key, (done, total), 24 * 3600)

    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _run(job, commit=commit, progress=progress)
    except Exception:
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            result={
                "file_errors": [
                    _("The import stopped on an unexpected error and nothing was written. The technical team can "
                      "find the details in the server log (import %(id)s).") % {"id": job_id}
                ]
            },
        )
        return ImportJob.Status.FAILED
    finally:
        cache.delete(key)
    return job.status


def _run(job: ImportJob, *, commit: bool, progress) -> None:
    """The job's new state is saved in the same transaction as the rows it wrote: a crash leaves both untouched,
    and a task delivered again after a crash starts from the same state."""
    with transaction.atomic():
        with job.file.open("rb") as handle:
            outcome = run_import(
                handle,
                job.filename,
                user=job.user,
                csv_kind=job.csv_kind or None,
                commit=commit,
                change_reason=job.change_reason,
                max_rows=settings.IMPORT_MAX_ROWS,
                progress=progress,
            )
        job.result = outcome.as_json()
        job.total_rows = outcome.total_rows
        if commit:
            job.status = ImportJob.Status.DONE if outcome.committed else ImportJob.Status.INVALID
        else:
            job.status = ImportJob.Status.READY if outcome.valid else ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        job.save()
