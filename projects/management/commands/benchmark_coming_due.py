"""Benchmark of the coming-due list: the page's server time (request through Django, rendering included) over the
dates the scan stores, on a scratch database of N synthetic projects.

The data are the scan benchmark's (`projects/benchmark_data.fill`, as `benchmark_watchlist` fills them): run through
`scripts/benchmark_coming_due N`, which makes a scratch PostgreSQL database, or with `--reuse` on a database that
`benchmark_watchlist` has just filled (one full scan then stores the dates again). It times, over several runs, every
view of the page (`_views`: each sort order and its last page, each window, each rule, a commune, a commune officer's
first and last page), the CSV export and the dashboard, and prints the median, the rows and the SQL queries.

The command refuses a database whose name does not contain "bench", so it can never fill the real one.
"""
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.benchmark_data import analyze, fill
from projects.models import Deadline, Project
from projects.watchlist.coming_due import HORIZONS, SORTS
from projects.watchlist.rules import RULES
from projects.watchlist.scans import run_scan
from tracker.roles import COMMUNE_OFFICER, LEADERSHIP


class Command(BaseCommand):
    help = "Time the coming-due list on a scratch database of N synthetic projects."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--reuse", action="store_true",
                            help="Use the projects already in the (bench) database, as benchmark_watchlist left them.")

    def handle(self, *args, projects: int, runs: int, seed: int, reuse: bool, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in str(name):
            raise CommandError(f"Refusing to fill database {name!r}: use a scratch database whose name contains 'bench'.")
        started = time.perf_counter()
        if reuse:
            projects = Project.objects.count()
            if not projects:
                raise CommandError("--reuse: the benchmark database has no projects; run benchmark_watchlist first.")
        elif Project.objects.exists():
            raise CommandError("The benchmark database is not empty; recreate it (scripts/benchmark_coming_due does).")
        else:
            fill(projects, random.Random(seed))
        scan_started = time.perf_counter()
        run_scan()  # stores every project's coming dates
        scanned = time.perf_counter() - scan_started
        analyze()
        self.stdout.write(f"{projects} projects ready in {time.perf_counter() - started:.1f} s (the full scan that stores "
                          f"the dates: {scanned:.1f} s); stored dates: {Deadline.objects.count()}")
        users = get_user_model()
        leader = users.objects.filter(username="bench-leader").first() or users.objects.create_user(
            "bench-leader", "bench@example.invalid", "x" * 20)
        leader.groups.add(*_groups(LEADERSHIP))
        officer = users.objects.filter(username="bench-officer").first() or users.objects.create_user(
            "bench-officer", "officer@example.invalid", "x" * 20)
        officer.groups.add(*_groups(COMMUNE_OFFICER))
        _assign_communes(officer, 5)
        for label, user, url, params in _views(leader, officer):
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
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
            rows = _rows(user, url, params)
            self.stdout.write(
                f"{label}: projects={projects}{rows} runs={runs} median_ms={statistics.median(timings):.0f} "
                f"min_ms={min(timings):.0f} max_ms={max(timings):.0f} queries={len(queries.captured_queries)}"
            )


def _views(leader, officer):
    """Every view of the list: each sort order offered (and its last page), each filter (each window, each rule, a
    commune), a commune officer's (and their last page), the CSV export and the dashboard."""
    from clusters.models import Commune

    last = 10**6  # beyond the last page: the page shows the last one (its number is printed)
    page = "/watchlist/coming-due/"
    views = [("page, 90 days (default)", leader, page, {})]
    for order in SORTS:
        views.append((f"page, sorted {order}", leader, page, {"o": order}))
        views.append((f"page, sorted {order}, the last page", leader, page, {"o": order, "page": last}))
    for days in HORIZONS:
        views.append((f"page, {days} days", leader, page, {"days": days}))
    for code in RULES:
        views.append((f"page, rule {code}", leader, page, {"rule": code}))
    commune = Commune.objects.order_by("pk").first()
    views += [
        ("page, one commune", leader, page, {"commune": commune.pk}),
        ("page, one commune, sorted -project", leader, page, {"commune": commune.pk, "o": "-project"}),
        ("page, rule REPORT_MISSING, 30 days, sorted -project", leader, page,
         {"rule": "REPORT_MISSING", "days": 30, "o": "-project"}),
        ("page, commune officer (5 communes)", officer, page, {}),
        ("page, commune officer, sorted -project", officer, page, {"o": "-project"}),
        ("page, commune officer, the last page", officer, page, {"page": last}),
        ("export csv, 90 days", leader, "/watchlist/coming-due/export/", {"format": "csv"}),
        ("dashboard (counts by rule)", leader, "/", {}),
        ("dashboard, commune officer", officer, "/", {}),
    ]
    return views


def _rows(user, url, params) -> str:
    """The rows the page lists and the page shown (the test client records no context outside the tests)."""
    if url != "/watchlist/coming-due/":
        return ""
    from django.utils import timezone

    from projects.watchlist.coming_due import due_counts, due_deadlines
    from tracker.generic import PAGE_SIZES

    commune = None
    if params.get("commune"):
        from clusters.models import Commune

        commune = Commune.objects.get(pk=params["commune"])
    rows = sum(due_counts(due_deadlines(user=user, today=timezone.localdate(), days=params.get("days", 90),
                                        rule_codes=[params["rule"]] if params.get("rule") else None,
                                        commune=commune)).values())
    page = min(int(params.get("page", 1)), max(1, -(-rows // PAGE_SIZES[0])))
    return f" rows={rows} page={page}"


def _groups(name):
    from django.contrib.auth.models import Group

    return [Group.objects.get(name=name)]


def _assign_communes(user, count):
    from clusters.models import Commune
    from tracker.models import AccessScope

    scope, _created = AccessScope.objects.get_or_create(user=user)
    scope.communes.set(Commune.objects.order_by("pk")[:count])
