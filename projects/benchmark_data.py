"""Synthetic data for the benchmarks (scratch databases only): clusters, investors, projects and their records."""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from clusters.models import Cluster, Commune, FormerDistrict
from projects.models import (
    CapitalReport,
    ForceMajeurePeriod,
    Investor,
    Project,
    ProjectStatusChange,
    ScheduleAdjustment,
    TransferRequest,
)

BILLION = 10**9


def fill(count: int, rng: random.Random, clusters_count: int | None = None) -> None:
    """N synthetic projects in the scratch database: the mix described in docs/benchmarks.md."""
    districts = FormerDistrict.objects.bulk_create(FormerDistrict(name=f"Bench district {i}") for i in range(10))
    communes = Commune.objects.bulk_create(
        Commune(name=f"Bench commune {i}", former_district=districts[i % 10]) for i in range(100)
    )
    clusters = Cluster.objects.bulk_create(
        Cluster(code=f"B-CCN-{i:04d}", name=f"Bench cluster {i}", commune=communes[i % 100],
                former_district=districts[i % 100 % 10],
                stage="operating", establishment_date=date(2015, 1, 1), total_area_ha=Decimal(100_000),
                industrial_land_ha=Decimal(90_000))
        for i in range(clusters_count or max(1, count // 50))
    )
    investors = Investor.objects.bulk_create(
        Investor(name=f"Bench investor {i}", tax_code=f"{9_000_000_000 + i:010d}") for i in range(max(1, count // 10))
    )
    batch, reports, extras = [], [], []
    for i in range(count):
        kind = rng.random()
        irc = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
        handover = irc + timedelta(days=rng.randrange(30, 180))
        start_dl = handover + timedelta(days=rng.randrange(120, 360))
        completion_dl = start_dl + timedelta(days=rng.randrange(300, 720))
        operation_dl = completion_dl + timedelta(days=rng.randrange(30, 180))
        values = dict(
            code=f"B-{i:07d}", name=f"Bench project {i}", cluster=clusters[i % len(clusters)],
            investor=investors[i % len(investors)], registered_capital_vnd=rng.randrange(10, 500) * BILLION,
            land_area_ha=Decimal("1.5"), irc_date=irc, land_handover_date=handover,
            construction_start_deadline=start_dl, construction_completion_deadline=completion_dl,
            operation_deadline=operation_dl,
        )
        if kind < 0.10:  # ~10 % break a rule: land handed over long ago, nothing started
            values.update(status="land_handed_over", irc_date=date(2021, 1, 1), land_handover_date=date(2021, 3, 1),
                          construction_start_deadline=date(2022, 1, 1), construction_completion_deadline=date(2023, 1, 1),
                          operation_deadline=date(2023, 6, 1))
        elif kind < 0.20:  # terminated
            values.update(status="terminated")
        else:  # on time: everything done, or deadlines still ahead
            values.update(
                status="operating", latest_implemented_vnd=values["registered_capital_vnd"], actual_construction_start=start_dl - timedelta(days=10),
                actual_completion=completion_dl - timedelta(days=10), actual_operation_start=operation_dl - timedelta(days=10),
            )
        status = values.get("status", "registered")
        values["status_since"] = {"operating": values.get("actual_operation_start"),
                                  "land_handed_over": values["land_handover_date"]}.get(status) or date(2024, 6, 1)
        batch.append(Project(**values))
    created = Project.objects.bulk_create(batch, batch_size=5000)
    ProjectStatusChange.objects.bulk_create(
        (ProjectStatusChange(project=p, status=p.status, effective_on=p.status_since) for p in created), batch_size=5000
    )
    for project in created:
        if project.status == "operating":
            for year, period in ((2025, "H1"), (2025, "H2"), (2026, "H1")):
                reports.append(CapitalReport(project=project, year=year, period=period,
                                             implemented_capital_vnd=project.registered_capital_vnd,
                                             period_end=date(year, 6 if period == "H1" else 12, 30 if period == "H1" else 31),
                                             report_date=date(year, 6 if period == "H1" else 12, 15)))
        if rng.random() < 0.02:
            extras.append(ForceMajeurePeriod(project=project, start_date=date(2024, 9, 1), end_date=date(2024, 9, 30), reason="Lũ"))
    CapitalReport.objects.bulk_create(reports, batch_size=5000)
    ForceMajeurePeriod.objects.bulk_create(extras, batch_size=5000)
    sample = created[: max(1, count // 100)]
    ScheduleAdjustment.objects.bulk_create(
        [ScheduleAdjustment(project=p, decision_number="B", decision_date=date(2024, 1, 1), months_added=13, reason="b") for p in sample]
    )
    TransferRequest.objects.bulk_create([TransferRequest(project=p, request_date=date(2025, 1, 1)) for p in sample[: len(sample) // 2]])


def analyze() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would give a real database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
