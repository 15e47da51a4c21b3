"""Delete the records kept only for a while, now instead of at night: `python manage.py prune_records`.

Scan records older than SCAN_RUN_RETENTION_DAYS (the last full scans and running scans stay) and login records of
django-axes older than LOGIN_ATTEMPT_RETENTION_DAYS (a failure counter that still locks stays). Celery beat runs the
same every night (`projects.watchlist.tasks.prune_scans`, `tracker.tasks.prune_login_attempts`)."""
from django.conf import settings
from django.core.management.base import BaseCommand

from projects.watchlist.retention import scans_prune
from tracker.retention import login_attempts_prune


class Command(BaseCommand):
    help = "Delete scan records and login records older than their retention period (days, in the settings)."

    def handle(self, *args, **options):
        scans = scans_prune()
        logins = login_attempts_prune()
        self.stdout.write(
            f"Deleted {scans} scan record(s) older than {settings.SCAN_RUN_RETENTION_DAYS} days; "
            f"{logins['attempts']} login failure counter(s), {logins['logs']} access log(s) and "
            f"{logins['failure_logs']} failure log(s) older than {settings.LOGIN_ATTEMPT_RETENTION_DAYS} days."
        )
