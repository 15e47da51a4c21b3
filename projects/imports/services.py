"""Import jobs of the browser: an uploaded file is checked into a preview, then written once confirmed.

The request only stores the file and queues the work: every file is checked and written by a Celery task
(projects.imports.tasks.import_check and import_apply), never opened in a web process, whatever it holds. The task
reports its progress in the cache so the page can show it and survive a reload. Each job has a deadline: a job
still running past it (its worker died, or no worker took it up) is marked failed by a periodic sweep and when its
page is read, so a job is never left "checking" for ever.
"""
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from projects.imports.engine import run_import
from projects.imports.selectors import progress_key
from projects.models import ImportJob
from tracker.queue import send_on_commit

IMPORT_CHECK = "projects.imports.tasks.import_check"
IMPORT_APPLY = "projects.imports.tasks.import_apply"

logger = logging.getLogger(__name__)


def import_jobs_delete_old(now=None) -> int:
    """Delete finished import jobs older than IMPORT_KEEP_DAYS, with their uploaded files."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_KEEP_DAYS)
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=ImportJob.RUNNING)
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def import_job_create(*, user, upload, csv_kind: str = "") -> ImportJob:
    job = ImportJob(
        user=user, filename=upload.name[:255], csv_kind=csv_kind or "", status=ImportJob.Status.CHECKING,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job


def _queue_deadline(now=None):
    """How long a queued job may wait for a worker to take it up."""
    return (now or timezone.now()) + timedelta(minutes=settings.IMPORT_STALE_MINUTES)


def _run_deadline(now=None):
    """When a job that a worker took up must have finished: its hard time limit, and a margin for the worker's
    own bookkeeping. Past it the task was killed or its worker died."""
    seconds = settings.IMPORT_TASK_TIME_LIMIT + settings.IMPORT_DEAD_AFTER_SECONDS
    return (now or timezone.now()) + timedelta(seconds=seconds)


def import_job_check(job: ImportJob) -> None:
    """Queue the check of an uploaded file; the request never opens it (a workbook may be built to exhaust the
    memory of whatever opens it, so only the worker does, within a budget and a time limit)."""
    ImportJob.objects.filter(pk=job.pk).update(deadline_at=_queue_deadline())
    _queue(IMPORT_CHECK, job.pk)


def import_job_confirm(job: ImportJob, *, change_reason: str) -> bool:
    """Queue the writing of a checked file; False when it was not waiting for confirmation (already confirmed)."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.IMPORTING, change_reason=change_reason[:100], finished_at=None,
        deadline_at=_queue_deadline(),
    )
    if not started:
        return False
    _queue(IMPORT_APPLY, job.pk)
    return True


def _dead_message(job_id: int) -> str:
    return _("The background worker stopped before this import finished, or never took it up, so nothing was "
             "written. Upload the file again; if it happens again, tell the technical team (import %(id)s).") % {
        "id": job_id
    }


def import_jobs_fail_dead(now=None, jobs=None) -> int:
    """Mark failed the jobs still checking or importing past their deadline (their worker died or never came);
    `jobs` narrows the sweep (the page of one job). Returns how many were marked."""
    now = now or timezone.now()
    queryset = ImportJob.objects.filter(status__in=ImportJob.RUNNING).filter(
        models.Q(deadline_at__lt=now)
        # jobs queued before deadlines existed: the queue's allowance from their upload
        | models.Q(deadline_at__isnull=True, created_at__lt=now - timedelta(minutes=settings.IMPORT_STALE_MINUTES))
    )
    if jobs is not None:
        queryset = queryset.filter(pk__in=jobs)
    count = 0
    for job_id, language in queryset.values_list("pk", "language"):
        with translation.override(language or settings.LANGUAGE_CODE):
            message = _dead_message(job_id)
        # status and deadline are checked again in the update: a job that a worker took up or finished meanwhile
        # keeps its new deadline or its outcome
        if queryset.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, finished_at=now, result={"file_errors": [message]},
        ):
            logger.warning("import job %s marked failed: still running past its deadline", job_id)
            count += 1
    return count


def import_job_fail_if_dead(job: ImportJob, now=None) -> ImportJob:
    """The job as its page shows it: failed if it is running past its deadline."""
    if job.running and import_jobs_fail_dead(now, jobs=[job.pk]):
        job.refresh_from_db()
    return job


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
    # Taken up: from now on the job must end within the task's hard time limit (and a margin), or it is dead.
    if not ImportJob.objects.filter(pk=job_id, status=expected).update(deadline_at=_run_deadline()):
        return job.status  # delivered twice, confirmed twice, or already marked dead: already handled
    key = progress_key(job.pk)

    def progress(done: int, total: int) -> None:
        cache.set(key, (done, total), 24 * 3600)

    def fail(message: str) -> str:
        ImportJob.objects.filter(pk=job_id, status=expected).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(), result={"file_errors": [message]},
        )
        return ImportJob.Status.FAILED

    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            try:
                _run(job, expected=expected, commit=commit, progress=progress)
            except SoftTimeLimitExceeded:
                logger.warning("import job %s stopped at its time limit", job_id)
                return fail(
                    _("The import took longer than %(minutes)s minutes and was stopped; nothing was written. Split "
                      "the file into smaller files and import them one after the other.")
                    % {"minutes": _number(round(settings.IMPORT_TASK_SOFT_TIME_LIMIT / 60))}
                )
            except Exception:
                logger.exception("import job %s failed", job_id)
                return fail(
                    _("The import stopped on an unexpected error and nothing was written. The technical team can "
                      "find the details in the server log (import %(id)s).") % {"id": job_id}
                )
    finally:
        cache.delete(key)
    return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _run(job: ImportJob, *, expected: str, commit: bool, progress) -> None:
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
                estimate=lambda rows: progress(0, rows),
            )
        job.result = outcome.as_json()
        job.total_rows = outcome.total_rows
        if commit:
            job.status = ImportJob.Status.DONE if outcome.committed else ImportJob.Status.INVALID
        else:
            job.status = ImportJob.Status.READY if outcome.valid else ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        # Marked failed meanwhile (it outlived its deadline where no time limit applies): that outcome stands,
        # and what this run wrote is rolled back with it.
        if not ImportJob.objects.select_for_update().filter(pk=job.pk, status=expected).exists():
            transaction.set_rollback(True)
            return
        job.save()
