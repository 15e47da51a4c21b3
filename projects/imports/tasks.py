"""The import's background jobs: thin wrappers that take a job id and call the job service.

`projects.imports.services` queues them by these names (`tracker.queue`), never by importing this module."""
from celery import shared_task

from projects.imports.services import import_job_run, import_jobs_delete_old
from tracker.task_args import BadArgument, refuse, task_id


@shared_task(name="projects.imports.tasks.import_check")
def import_check(job_id: int) -> str:
    """Check an uploaded import file and build its preview (nothing is written)."""
    try:
        job_id = task_id(job_id, "job_id")
    except BadArgument as error:
        refuse("import_check", error)
        return "refused"
    return import_job_run(job_id, commit=False)


@shared_task(name="projects.imports.tasks.import_apply")
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
