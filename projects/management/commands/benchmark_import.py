"""Benchmark of the import: generate a projects file of N rows in the template's shape (Vietnamese numbers, text
and real date cells, new and known investors) and time, on the scratch database, the check (the preview), the
import itself and a second import of the same file (every row unchanged), with the process's peak memory.
Run by `bash scripts/benchmark_excel`, which also times the exports of 100,000 projects."""
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from openpyxl import Workbook, load_workbook

from clusters.models import Cluster, Commune, FormerDistrict
from projects.imports.specs import KINDS
from projects.imports.engine import run_import
from projects.models import Investor
from tracker.cells import inert


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_projects_file(path: Path, rows: int, clusters: list[str], rng: random.Random) -> None:
    specs = KINDS["projects"].specs
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dự án")
    sheet.append([str(spec.label) for spec in specs])
    sheet.append([spec.key for spec in specs])
    statuses = ["registered", "Đã bàn giao đất", "under_construction", "Đang hoạt động"]
    for i in range(rows):
        irc = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
        start = irc + timedelta(days=rng.randrange(200, 400))
        values = {
            "project_code": f"IMP-{i:06d}",
            "project_name": f"Nhà máy chế biến số {i}",
            "cluster_code": clusters[i % len(clusters)],
            "investor_name": f"Công ty Cổ phần Đầu tư {i // 3}",
            "investor_tax_code": f"{8_000_000_000 + i // 3:010d}",  # three projects per investor
            "investor_country": "Việt Nam" if i % 10 else "Hàn Quốc",
            "industry": "food",
            "registered_capital_billion_vnd": f"{rng.randrange(10, 900)},5" if i % 2 else rng.randrange(10, 900),
            "land_area_ha": "1,25",
            "policy_approval_date": None,
            "irc_number": f"GCN-IMP-{i:06d}",
            "irc_date": irc if i % 2 else irc.strftime("%d/%m/%Y"),
            "land_handover_date": irc + timedelta(days=60),
            "construction_start_deadline": start.strftime("%Y-%m-%d"),
            "construction_completion_deadline": start + timedelta(days=365),
            "operation_deadline": start + timedelta(days=540),
            "status": statuses[i % len(statuses)],
            "workers": i % 300,
        }
        sheet.append([inert(values.get(spec.key)) for spec in specs])
    book.save(path)


def openpyxl_read(path) -> int:
    """The reference: openpyxl alone reading every cell of the file (read-only mode, as the import reads it)."""
    book = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    book.close()
    return cells


class Command(BaseCommand):
    help = "Time the import of a generated N-row projects file (check, import, re-import) on the scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--clusters", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, rows, clusters, seed, **options):
        if "bench" not in str(connection.settings_dict["NAME"]):
            raise CommandError("Run it on a scratch benchmark database (its name contains 'bench').")
        rng = random.Random(seed)
        district, _ = FormerDistrict.objects.get_or_create(name="Import bench district")
        commune, _ = Commune.objects.get_or_create(name="Import bench commune", defaults={"former_district": district})
        codes = [f"IMP-CCN-{i:04d}" for i in range(clusters)]
        Cluster.objects.bulk_create(
            [Cluster(code=code, name=f"Import bench cluster {code}", commune=commune, former_district=district,
                     stage="operating", establishment_date=date(2015, 1, 1), total_area_ha=Decimal(100_000),
                     industrial_land_ha=Decimal(90_000)) for code in codes],
            ignore_conflicts=True,
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "du-an.xlsx"
            started = time.perf_counter()
            write_projects_file(path, rows, codes, rng)
            self.stdout.write(
                f"generate: rows={rows} bytes={path.stat().st_size} seconds={time.perf_counter() - started:.1f}"
            )
            started = time.perf_counter()
            cells = openpyxl_read(path)
            reference = time.perf_counter() - started
            self.stdout.write(f"openpyxl reading the same file (reference): cells={cells} seconds={reference:.1f}")
            changed = Path(folder) / "du-an-sua.xlsx"
            write_projects_file(changed, rows, codes, random.Random(seed + 1))  # the same codes, other values
            steps = (("check (preview)", path, False), ("import", path, True), ("re-import (unchanged)", path, True),
                     ("re-import (every row changed)", changed, True))
            for label, source, commit in steps:
                started = time.perf_counter()
                with source.open("rb") as handle:
                    outcome = run_import(handle, source.name, commit=commit, change_reason="benchmark",
                                         max_rows=max(rows, 20_000))
                seconds = time.perf_counter() - started
                if not outcome.valid:
                    raise CommandError(f"{label}: the generated file is invalid: {outcome.file_errors or outcome.errors[:3]}")
                counts = outcome.counts()
                self.stdout.write(
                    f"{label}: rows={outcome.total_rows} created={counts['create']} updated={counts['update']} "
                    f"unchanged={counts['unchanged']} seconds={seconds:.1f} rows_per_second={rows / seconds:.0f} "
                    f"ratio_to_openpyxl={seconds / reference:.1f} peak_rss_mb={_peak_mb():.0f}"
                )
        self.stdout.write(f"investors now: {Investor.objects.count()}")
