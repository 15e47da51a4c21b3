"""Benchmark of the dashboard: fill the (scratch) database with N projects and C clusters, then time the
dashboard's server time (request through Django, rendering included) over several runs and print the median.

Run it through `scripts/benchmark_dashboard`, which creates a separate PostgreSQL database for it; the command
refuses a database whose name does not contain "bench".
"""
import json
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusters.services import cluster_summary_refresh
from projects.benchmark_data import fill
from projects.models import Project
from projects.watchlist.scans import run_scan


class Command(BaseCommand):
    help = "Fill a scratch database with N projects and C clusters and time the dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100_000)
        parser.add_argument("--clusters", type=int, default=2_000)
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, projects: int, clusters: int, runs: int, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in str(name):
            raise CommandError(f"Refusing to fill database {name!r}: use a scratch database whose name contains 'bench'.")
        if Project.objects.exists():
            raise CommandError("The benchmark database is not empty; recreate it (scripts/benchmark_dashboard does).")
        fill(projects, random.Random(2024), clusters_count=clusters)
        started = time.perf_counter()
        cluster_summary_refresh()  # bulk_create bypasses the services that keep the summary
        rebuild_ms = (time.perf_counter() - started) * 1000
        run_scan()  # the dashboard shows the open flags
        _analyze()
        leader = get_user_model().objects.create_superuser("bench-leader", "bench@example.invalid", "x" * 20)
        client = Client(SERVER_NAME="localhost")
        client.force_login(leader)
        client.get("/", {"year": 2024})  # warm up: connections, templates
        timings, sql_timings, cpu_timings = [], [], []
        for _ in range(runs):
            sql = _SqlTimer()
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(sql):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get("/", {"year": 2024})
                timings.append((time.perf_counter() - started) * 1000)
                cpu_timings.append((time.process_time() - cpu_started) * 1000)
            sql_timings.append(sql.ms)
            if response.status_code != 200:
                raise CommandError(f"the dashboard answered {response.status_code}")
        median, sql_median = statistics.median(timings), statistics.median(sql_timings)
        self.stdout.write(
            f"dashboard: projects={projects} clusters={clusters} runs={runs} median_ms={median:.0f} "
            f"min_ms={min(timings):.0f} max_ms={max(timings):.0f} queries={len(queries.captured_queries)} "
            f"sql_median_ms={sql_median:.0f} python_cpu_median_ms={statistics.median(cpu_timings):.0f} "
            f"postgres_execution_ms={_execution_ms(queries.captured_queries):.0f} summary_rebuild_ms={rebuild_ms:.0f}"
        )


def _execution_ms(captured) -> float:
    """Less dependent on the machine's load than wall time: PostgreSQL's own execution time of the request's reads
    (EXPLAIN ANALYZE, best of three each), summed."""
    if connection.vendor != "postgresql":
        return 0.0
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured:
            if not query["sql"].startswith("SELECT"):
                continue
            best = None
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                plan = plan if isinstance(plan, list) else json.loads(plan)
                best = min(best or plan[0]["Execution Time"], plan[0]["Execution Time"])
            total += best
    return total


class _SqlTimer:
    """Time spent waiting for the database during one request (the rest is Python: shaping and rendering)."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def _analyze() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would give a real database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
