"""The import's background jobs: thin wrappers that take a job id and call the job service.

`projects.imports.services` queues them by these names (`tracker.queue`), never by importing this module. The check
and the write run under a soft time limit (the job stops with a message, nothing written) and a hard one (the
worker's child is killed; the sweep then marks the job failed): IMPORT_TASK_SOFT_TIME_LIMIT, IMPORT_TASK_TIME_LIMIT."""
from celery import shared_task
from django.conf import settings

from projects.imports.services import import_job_run, import_jobs_delete_old, import_jobs_fail_dead
from tracker.task_args import BadArgument, refuse, task_id

TIME_LIMITS = {"soft_time_limit": settings.IMPORT_TASK_SOFT_TIME_LIMIT, "time_limit": settings.IMPORT_TASK_TIME_LIMIT}


@shared_task(name="projects.imports.tasks.import_check", **TIME_LIMITS)
def import_check(job_id: int) -> str:
    """Check an uploaded import file and build its preview (nothing is written)."""
    try:
        job_id = task_id(job_id, "job_id")
    except BadArgument as error:
        refuse("import_check", error)
        return "refused"
    return import_job_run(job_id, commit=False)


@shared_task(name="projects.imports.tasks.import_apply", **TIME_LIMITS)
def import_apply(job_id: int) -> str:
    """Write a checked import file, all or nothing."""
    try:
        job_id = task_id(job_id, "job_id")
    except BadArgument as error:
        refuse("import_apply", error)
        return "refused"
    return import_job_run(job_id, commit=True)


@shared_task(name="projects.imports.tasks.import_cleanup")
def import_cleanup() -> int:
    """Delete the import jobs (and their files) older than IMPORT_KEEP_DAYS; the records they wrote stay."""
    return import_jobs_delete_old()


@shared_task(name="projects.imports.tasks.import_sweep")
def import_sweep() -> int:
    """Mark failed the import jobs still running past their deadline (beat, every 5 minutes)."""
    return import_jobs_fail_dead()
