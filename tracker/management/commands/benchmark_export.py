"""Benchmark of the list exports: time the project export of the (scratch) database as CSV and xlsx through
Django and print seconds, size and the process's peak memory. Run after `scripts/benchmark_watchlist 100000`
(same database) with `DATABASE_URL=…/tracker_bench python manage.py benchmark_export`."""
import resource
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from projects.models import Project


class Command(BaseCommand):
    help = "Time the project export (CSV and xlsx) of the scratch benchmark database, with peak memory."

    def handle(self, *args, **options):
        if "bench" not in str(connection.settings_dict["NAME"]):
            raise CommandError("Run it on the scratch benchmark database (its name contains 'bench').")
        user, _created = get_user_model().objects.get_or_create(
            username="bench-export", defaults={"is_superuser": True, "is_staff": True}
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        count = Project.objects.count()
        for fmt in ("csv", "xlsx"):
            started = time.perf_counter()
            response = client.get("/projects/export/", {"format": fmt})
            size = sum(len(chunk) for chunk in response.streaming_content)
            seconds = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            self.stdout.write(
                f"export {fmt}: projects={count} bytes={size} seconds={seconds:.1f} peak_rss_mb={peak_mb:.0f}"
            )
