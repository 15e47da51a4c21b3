"""Background jobs of the project package: the worker heartbeat, the pruning of old login records."""
import socket

from celery import shared_task

from tracker.retention import login_attempts_prune
from tracker.services import heartbeat_record
from tracker.task_args import BadArgument, refuse


@shared_task(name="tracker.tasks.heartbeat")
def heartbeat(hostname: str | None = None) -> int:
    """Record that a worker ran a task now; returns the number of beats recorded for that worker."""
    if hostname is not None and not isinstance(hostname, str):
        refuse("heartbeat", BadArgument(f"hostname must be text, not {hostname!r:.80}"))
        hostname = None
    return heartbeat_record(hostname=hostname or socket.gethostname()).beats


@shared_task(name="tracker.tasks.send_email")
def send_email(subject: str, body: str, to: str) -> int:
    """Send one e-mail through EMAIL_BACKEND (the password reset link); returns how many went out."""
    from django.core.mail import send_mail

    return send_mail(subject, body, None, [to])


@shared_task(name="tracker.tasks.prune_login_attempts")
def prune_login_attempts() -> dict:
    """Delete the login records (django-axes) older than LOGIN_ATTEMPT_RETENTION_DAYS (Celery beat, nightly)."""
    return login_attempts_prune()
