"""Benchmark of the API's project list: fill the (scratch) database with N synthetic projects, then time
`GET /api/v1/projects/?page_size=100` (first page, a middle page, a filtered page) with a token, through Django
(authentication, permissions, FilterSet, pagination, JSON), over several runs; print the medians and the queries.

The command refuses a database whose name does not contain "bench" (scripts/benchmark_api makes tracker_bench)."""
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.services import token_create
from projects.benchmark_data import fill
from projects.models import Project


class Command(BaseCommand):
    help = "Fill a scratch database with N synthetic projects and time the API's project list (100 a page)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--reuse", action="store_true", help="time a database this command filled before")

    def handle(self, *args, projects: int, runs: int, seed: int, reuse: bool = False, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in str(name):
            raise CommandError(f"Refusing to fill database {name!r}: use a scratch database whose name contains 'bench'.")
        if reuse:
            projects = Project.objects.count()
            self.stdout.write(f"reusing {projects} projects ({connection.vendor})")
        else:
            if Project.objects.exists():
                raise CommandError("The benchmark database is not empty; recreate it (or --reuse it).")
            started = time.perf_counter()
            fill(projects, random.Random(seed))
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"filled {projects} projects in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        user, _created = get_user_model().objects.get_or_create(username="bench-api", defaults={"is_superuser": True})
        _token, secret = token_create(user=user, name="benchmark")
        client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
        middle = max(1, projects // 200)
        for label, params in (
            ("first page", {"page_size": 100}),
            (f"page {middle}", {"page_size": 100, "page": middle}),
            ("status=operating, by capital", {"page_size": 100, "status": "operating", "o": "-capital"}),
        ):
            assert client.get("/api/v1/projects/", params).status_code == 200  # warm up
            times = []
            for _run in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    begin = time.perf_counter()
                    response = client.get("/api/v1/projects/", params)
                    times.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, response.content[:200]
            self.stdout.write(
                f"{label}: median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}), "
                f"{len(response.json()['results'])} rows, {len(queries)} queries"
            )
