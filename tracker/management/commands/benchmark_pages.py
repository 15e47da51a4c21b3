"""The pages benchmark's helper (scripts/benchmark_pages runs it): on a scratch database filled by
projects.benchmark_data (`--setup`), create one user per role, the commune officer with 2 of the 100 communes, and
bring the clusters' summary up to date; `--time` times each page's server time through Django (one request at a
time, rendering included: the median of `--runs` requests), `--gc` prints the garbage collector's pauses while a
warm server process serves them, frozen or not (`--no-freeze`), and `--urls` prints the pages the load test visits.

The command refuses a database whose name does not contain "bench", so it can never touch the real one.
"""
import gc
import json
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from clusters.models import Cluster, Commune
from clusters.services import cluster_summary_refresh
from projects.models import Project
from tracker.models import AccessScope, WorkerHeartbeat
from tracker.roles import COMMUNE_OFFICER, LEADERSHIP, STAFF, VIEWER

PASSWORD = "Bench-pages-2026"
ROLES = (STAFF, LEADERSHIP, COMMUNE_OFFICER, VIEWER)


def bench_pages() -> dict[str, str]:
    """Page name → URL, as the load test (scripts/benchmark_pages.py) visits them."""
    project = Project.objects.order_by("pk").first()
    cluster = Cluster.objects.order_by("pk").first()
    return {
        "projects list": "/projects/",
        "filtered list": f"/projects/?status=land_handed_over&cluster={cluster.code}",
        "watchlist": "/watchlist/",
        "dashboard": "/",
        "project detail": f"/projects/{project.pk}/",
        "clusters": "/clusters/",
        "healthz": "/healthz",
    }


class Command(BaseCommand):
    help = "Users for the pages load test on a scratch database, the pages it visits, and their one-request times."

    def add_arguments(self, parser):
        parser.add_argument("--setup", action="store_true", help="create the users (one per role), refresh summaries")
        parser.add_argument("--urls", action="store_true", help="print the pages as JSON (name → URL)")
        parser.add_argument("--sessions", action="store_true",
                            help="log each bench user in and print the session cookies as JSON (role → cookie)")
        parser.add_argument("--time", action="store_true", help="time each page through Django, one request at a time")
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--gc", action="store_true",
                            help="as a server process (warmed, then frozen: tracker/warmup.py), request the pages in "
                                 "turn --runs times and print the garbage collector's pauses during them")
        parser.add_argument("--no-freeze", action="store_true", help="with --gc: warmed but not frozen (as before)")

    def handle(self, *args, setup: bool, urls: bool, runs: int, **options):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError(f"Refusing database {name!r}: use a scratch database whose name contains 'bench'.")
        if not Project.objects.exists():
            raise CommandError("The database has no projects: fill it first (scripts/benchmark_pages does).")
        if setup:
            self._setup()
        if urls:
            self.stdout.write(json.dumps(bench_pages()))
        if options["sessions"]:
            self.stdout.write(json.dumps(self._sessions()))
        if options["time"]:
            self._time(runs)
        if options["gc"]:
            self._gc(runs, freeze=not options["no_freeze"])

    def _setup(self) -> None:
        users = get_user_model().objects
        communes = list(Commune.objects.order_by("pk")[:2])
        for role in ROLES:
            user = users.filter(username=f"bench_{role}").first() or users.create_user(f"bench_{role}")
            user.set_password(PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            if role == COMMUNE_OFFICER:
                scope, _created = AccessScope.objects.get_or_create(user=user)
                scope.communes.set(communes)
        # No worker runs beside the benchmark: one heartbeat now, so /healthz answers 200 (scripts/benchmark_pages
        # gives its server a long HEALTH_HEARTBEAT_MAX_SECONDS for the length of the run).
        WorkerHeartbeat.objects.update_or_create(hostname="benchmark", defaults={"last_seen": timezone.now()})
        cluster_summary_refresh()  # benchmark_data's bulk_create bypasses the services that keep it
        self.stdout.write(f"users: {', '.join(f'bench_{role}' for role in ROLES)} (password {PASSWORD})")

    def _sessions(self) -> dict[str, str]:
        """A logged-in session per role, as a login makes it, so the load test does not spend the server's CPU
        hashing 16 passwords at the start of every run (a login is not one of the pages measured)."""
        cookies = {}
        for role in ROLES:
            client = Client()
            client.force_login(get_user_model().objects.get(username=f"bench_{role}"))
            cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return cookies

    def _time(self, runs: int) -> None:
        client = Client()
        client.force_login(get_user_model().objects.get(username=f"bench_{STAFF}"))
        for page, url in bench_pages().items():
            seconds = []
            for _ in range(runs + 1):  # the first request warms the caches and is not counted
                started = time.perf_counter()
                response = client.get(url)
                seconds.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            self.stdout.write(f"{page}: {url} median {statistics.median(seconds[1:]) * 1000:.0f} ms over {runs} "
                              f"requests, {len(response.content) // 1024} KB")

    def _gc(self, runs: int, freeze: bool) -> None:
        """The collector's pauses while the pages are served, by generation (count, total, longest), and each page's
        median and slowest request: a full collection walks every object the process holds unless they are frozen."""
        from tracker import warmup

        warmup.warm_up()
        if freeze:
            warmup.freeze()
        client = Client()
        client.force_login(get_user_model().objects.get(username=f"bench_{STAFF}"))
        pages = {page: url for page, url in bench_pages().items() if url != "/healthz"}
        for url in pages.values():  # one untimed request each: first queries, first plans
            client.get(url)
        pauses, began, seconds = [], [], {page: [] for page in pages}

        def note(phase, info):
            if phase == "start":
                began.append(time.perf_counter())
            elif began:
                pauses.append((info["generation"], time.perf_counter() - began.pop()))

        gc.callbacks.append(note)
        try:
            for _ in range(runs):
                for page, url in pages.items():
                    started = time.perf_counter()
                    client.get(url)
                    seconds[page].append(time.perf_counter() - started)
        finally:
            gc.callbacks.remove(note)
        self.stdout.write(f"{'frozen' if freeze else 'not frozen'}: {gc.get_freeze_count()} objects frozen, "
                          f"{len(gc.get_objects())} tracked; {runs} requests of each page")
        for page, times in seconds.items():
            self.stdout.write(f"  {page}: median {statistics.median(times) * 1000:.0f} ms, slowest "
                              f"{max(times) * 1000:.0f} ms")
        for generation in (0, 1, 2):
            took = [pause for gen, pause in pauses if gen == generation]
            self.stdout.write(f"  collections of generation {generation}: {len(took)}, {sum(took) * 1000:.0f} ms in "
                              f"all, the longest {max(took, default=0) * 1000:.1f} ms")
