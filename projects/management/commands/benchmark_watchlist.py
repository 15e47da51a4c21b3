"""Benchmark of the watchlist scan: fill the (scratch) database with N synthetic projects, about 10 % of them
breaking a rule, and time a first full scan, a full rerun, and the nightly incremental scan with 1 % of the
projects changed (marked due, as a write does), printing projects, flags, seconds, each scan's own peak memory and
SQL queries. The scans run as the scheduled ones do (`details=False`), in a second process started after the fill
(`--scans-only`), so that the memory the fill held is not counted as the scans'.
Then, in the same run, the rules evaluated alone (a dry run: nothing written) and the reference: one hand-written SQL
query that evaluates every rule (`projects.benchmark_reference`, PostgreSQL), checked to return the same findings as
the dry run, and each scan's time as a multiple of it.

The coming-due list's benchmark reuses these data (`benchmark_coming_due --reuse` after this command, or the same
`benchmark_data.fill`). Run it through `scripts/benchmark_watchlist N`, which creates a separate PostgreSQL database for it. The command
refuses a database whose name does not contain "bench", so it can never fill the real one.
"""
import gc
import random
import subprocess
import sys
from pathlib import Path
import time
import resource

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import benchmark_reference
from projects.benchmark_data import analyze, fill
from projects.models import Flag, Project, Rule
from projects.watchlist.rules import RULES
from projects.watchlist.scans import _rule_params, run_scan


def _reset_peak() -> bool:
    """Start the process's peak memory afresh (Linux: /proc/self/clear_refs), so that each scan's own peak is
    measured rather than the fill's; False where it cannot be (the peak then covers the process so far)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _memory_mb(field: str = "VmHWM") -> float:
    """The peak resident memory since the last `_reset_peak` (VmHWM), or the resident memory now (VmRSS); where
    /proc cannot tell, the peak since the process started."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Fill a scratch database with N synthetic projects and time full watchlist scans."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--scans-only", action="store_true",
                            help="time the scans on the projects already filled (the command runs itself so after "
                                 "the fill: each scan's memory is then measured in a process that did not fill)")

    def handle(self, *args, projects: int, seed: int, scans_only: bool = False, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in str(name):
            raise CommandError(f"Refusing to fill database {name!r}: use a scratch database whose name contains 'bench'.")
        if scans_only:
            self.scans(Project.objects.count(), seed)
            return
        if Project.objects.exists():
            raise CommandError("The benchmark database is not empty; recreate it (scripts/benchmark_watchlist does).")
        started = time.perf_counter()
        fill(projects, random.Random(seed))
        analyze()
        self.stdout.write(f"filled {projects} projects in {time.perf_counter() - started:.1f} s")
        self.stdout.flush()
        connection.close()
        done = subprocess.run([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "benchmark_watchlist",
                               "--scans-only", "--seed", str(seed)], check=False)
        if done.returncode:
            raise CommandError(f"The scans failed (exit {done.returncode}).")

    def scans(self, projects: int, seed: int) -> None:
        timings = {}
        rng = random.Random(seed)
        changed = rng.sample(list(Project.objects.values_list("pk", flat=True)), max(1, projects // 100))
        for label in ("first full scan", "full rerun", "incremental, 1 % changed", "incremental, nothing due"):
            incremental = label.startswith("incremental")
            if label == "incremental, 1 % changed":
                for start in range(0, len(changed), 5000):  # what a write does: the project is due
                    Project.objects.filter(pk__in=changed[start:start + 5000]).update(next_check_on=None)
            gc.collect()
            before = _memory_mb("VmRSS")
            own = _reset_peak()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = run_scan(incremental=incremental, details=False)  # as the scheduled scans run
                seconds = time.perf_counter() - started
            peak = _memory_mb()
            timings[label] = seconds
            open_flags = Flag.objects.filter(cleared_at__isnull=True).count()
            self.stdout.write(
                f"{label}: projects={projects} evaluated={result.evaluated} findings={result.found} "
                f"open_flags={open_flags} opened={result.opened} kept={result.kept} closed={result.closed} "
                f"seconds={seconds:.2f} peak_rss_mb={peak:.0f}{'' if own else ' (since the start)'} rss_before_mb={before:.0f} "
                f"queries={len(queries.captured_queries)}"
            )
        if connection.vendor == "postgresql":
            self.reference(timings)

    def reference(self, timings: dict) -> None:
        """The dry run and the all-rules SQL, three times each (the median), their findings compared."""
        dry, sql = [], []
        for _round in range(3):
            started = time.perf_counter()
            result = run_scan(dry_run=True)
            dry.append(time.perf_counter() - started)
            rules = _rule_params(list(Rule.objects.filter(enabled=True, code__in=RULES)), None)
            started = time.perf_counter()
            found = benchmark_reference.findings(result.as_of, rules)
            sql.append(time.perf_counter() - started)
        scan = {(pk, rule, finding.severity, finding.since) for pk, _code, rule, finding in result.findings}
        if found != scan:
            differ = sorted(found ^ scan)[:10]
            raise CommandError(
                f"The reference SQL and the scan disagree: {len(found - scan)} findings only in the SQL, "
                f"{len(scan - found)} only in the scan; first of them: {differ}"
            )
        reference = sorted(sql)[1]
        timings["rules alone (dry run)"] = sorted(dry)[1]
        self.stdout.write(
            f"reference SQL, all rules: findings={len(found)} (the same as the scan's) seconds={reference:.2f} "
            f"(median of 3; {', '.join(f'{value:.2f}' for value in sql)})"
        )
        for label, seconds in timings.items():
            if not label.startswith("incremental"):
                self.stdout.write(f"  {label}: {seconds:.2f} s = {seconds / reference:.2f}x the reference SQL")
