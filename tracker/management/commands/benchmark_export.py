"""Benchmark of the list exports: time the project export of the (scratch) database as CSV and xlsx through
Django, beside PostgreSQL's own `COPY` of the same rows and fields (the reference, in the same run), and print
seconds, size, the ratio to the reference and the process's peak memory. Run after `scripts/benchmark_watchlist
100000` (same database) with `DATABASE_URL=…/tracker_bench python manage.py benchmark_export`, or through
`bash scripts/benchmark_excel`."""
import resource
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from projects.exports import PROJECT_COLUMNS
from projects.selectors import project_queryset


def copy_reference() -> tuple[float, int]:
    """Seconds and bytes of `COPY (SELECT the export's fields, same joins, same order) TO STDOUT WITH CSV`: the
    raw values, unformatted, read by the client."""
    rows = project_queryset().order_by("code").values_list(*[column.field for column in PROJECT_COLUMNS])
    sql, params = rows.query.sql_with_params()
    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for data in copy:
                size += len(data)
    return time.perf_counter() - started, size


class Command(BaseCommand):
    help = "Time the project export (CSV and xlsx) of the scratch benchmark database beside COPY, with peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3, help="runs of the CSV export and of COPY (median)")

    def handle(self, *args, **options):
        if "bench" not in str(connection.settings_dict["NAME"]):
            raise CommandError("Run it on the scratch benchmark database (its name contains 'bench').")
        if connection.vendor != "postgresql":
            raise CommandError("The COPY reference needs PostgreSQL.")
        user, _created = get_user_model().objects.get_or_create(
            username="bench-export", defaults={"is_superuser": True, "is_staff": True}
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        count = project_queryset().count()

        def export(fmt):
            started = time.perf_counter()
            response = client.get("/projects/export/", {"format": fmt})
            size = sum(len(chunk) for chunk in response.streaming_content)
            return time.perf_counter() - started, size

        copies = [copy_reference() for _ in range(options["repeat"])]
        csvs = [export("csv") for _ in range(options["repeat"])]
        reference = statistics.median(seconds for seconds, _size in copies)
        csv_seconds = statistics.median(seconds for seconds, _size in csvs)
        self.stdout.write(f"copy reference: projects={count} bytes={copies[0][1]} seconds={reference:.2f}")
        self.stdout.write(
            f"export csv: projects={count} bytes={csvs[0][1]} seconds={csv_seconds:.2f} "
            f"ratio_to_copy={csv_seconds / reference:.1f} (goal <= 4)"
        )
        seconds, size = export("xlsx")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"export xlsx: projects={count} bytes={size} seconds={seconds:.1f} ratio_to_csv={seconds / csv_seconds:.1f} "
            f"peak_rss_mb={peak_mb:.0f}"
        )
