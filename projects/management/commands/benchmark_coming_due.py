"""Benchmark of the coming-due list: fill the (scratch) database with N synthetic projects, scan them once (the
scan stores each project's next check date, which picks the list's candidates), then time the page's server time
(request through Django, rendering included) for the default 90-day window and for 30 days, and the export, over
several runs; print the medians, the candidates, the rows and the SQL queries.

The command refuses a database whose name does not contain "bench", so it can never fill the real one
(`DATABASE_URL=postgres://…/tracker_bench`, as scripts/benchmark_watchlist makes, or a SQLite file such as
`sqlite:////tmp/bench.sqlite3`).
"""
import random
import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.benchmark_data import fill
from projects.models import Project
from projects.watchlist.coming_due import candidates, coming_due
from projects.watchlist.scans import run_scan


class Command(BaseCommand):
    help = "Fill a scratch database with N synthetic projects and time the coming-due list."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, projects: int, runs: int, seed: int, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in str(name):
            raise CommandError(f"Refusing to fill database {name!r}: use a scratch database whose name contains 'bench'.")
        if Project.objects.exists():
            raise CommandError("The benchmark database is not empty; recreate it.")
        started = time.perf_counter()
        fill(projects, random.Random(seed))
        run_scan()  # stores next_check_on: the list's candidates
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"filled and scanned {projects} projects in {time.perf_counter() - started:.1f} s")
        leader = get_user_model().objects.create_superuser("bench-leader", "bench@example.invalid", "x" * 20)
        client = Client(SERVER_NAME="localhost")
        client.force_login(leader)
        today = timezone.localdate()
        for label, url, params in (
            ("page, 90 days", "/watchlist/coming-due/", {}),
            ("page, 30 days", "/watchlist/coming-due/", {"days": 30}),
            ("export csv, 90 days", "/watchlist/coming-due/export/", {"format": "csv"}),
        ):
            days = params.get("days", 90)
            scope = candidates(Project.objects.all(), today + timedelta(days=days)).count()
            client.get(url, params)  # warm up
            timings = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, params)
                    if response.streaming:
                        b"".join(response.streaming_content)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            rows = len(coming_due(projects=Project.objects.all(), today=today, days=days))
            self.stdout.write(
                f"{label}: projects={projects} candidates={scope} rows={rows} runs={runs} "
                f"median_ms={statistics.median(timings):.0f} min_ms={min(timings):.0f} max_ms={max(timings):.0f} "
                f"queries={len(queries.captured_queries)}"
            )
