"""The migrations of the land-clock lifecycle keep every record and give the old ones the dates the watchlist
needs (projects/migrations/0010_watchlist_lifecycle_data.py): run from the state before them, on data made there."""
import importlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migration_state import others_as_far_as

BEFORE = [("projects", "0008_import_job")]
AFTER = [("projects", "0010_watchlist_lifecycle_data")]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _history(apps, project, when: datetime, kind: str, **changes):
    """A historical row of the project as it stood at `when` (the fields given changed)."""
    Historical = apps.get_model("projects", "HistoricalProject")
    values = {}
    for field in Historical._meta.concrete_fields:
        if field.name.startswith("history_") or field.name == "history_id":
            continue
        values[field.attname] = getattr(project, field.attname)
    values.update(changes)
    return Historical.objects.create(**values, history_date=when, history_type=kind, history_change_reason=None)


@pytest.mark.django_db(transaction=True)
def test_the_lifecycle_migrations_keep_every_record_and_date_it():
    executor = MigrationExecutor(connection)
    others = others_as_far_as(executor.loader.graph, BEFORE)  # industry's migrations need the latest projects one
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE + others).apps
    try:
        if not old.get_model("projects", "Rule").objects.exists():  # a transactional test before flushed the seed
            importlib.import_module("projects.migrations.0004_seed_rules").seed(old, None)
        district = old.get_model("clusters", "FormerDistrict").objects.create(name="Lương Sơn")
        commune = old.get_model("clusters", "Commune").objects.create(name="Lương Sơn", former_district=district)
        cluster = old.get_model("clusters", "Cluster").objects.create(
            code="CCN-M", name="Cụm M", commune=commune, former_district=district, industrial_land_ha=Decimal(40))
        investor = old.get_model("projects", "Investor").objects.create(name="Nhà đầu tư M", tax_code="0101234599")
        Project = old.get_model("projects", "Project")
        tracked = Project.objects.create(
            code="DA-M1", name="Dự án có lịch sử", cluster=cluster, investor=investor, registered_capital_vnd=10**10,
            irc_date=date(2024, 1, 10), land_handover_date=date(2024, 2, 20), operation_deadline=date(2026, 1, 1),
            status="suspended",
        )
        _history(old, tracked, at(date(2024, 1, 10)), "+", status="registered", land_handover_date=None,
                 operation_deadline=date(2025, 6, 1))
        _history(old, tracked, at(date(2024, 3, 1)), "~", status="land_handed_over", operation_deadline=date(2025, 6, 1))
        _history(old, tracked, at(date(2024, 5, 1), 15), "~", status="land_handed_over")  # the adjustment applied
        _history(old, tracked, at(date(2025, 6, 1)), "~", status="suspended")
        resumed = Project.objects.create(
            code="DA-M3", name="Dự án hoạt động lại", cluster=cluster, investor=investor, registered_capital_vnd=10**10,
            actual_construction_start=date(2018, 6, 1), actual_completion=date(2018, 12, 1),
            actual_operation_start=date(2019, 1, 1), status="operating",
        )
        _history(old, resumed, at(date(2019, 1, 5)), "+")
        _history(old, resumed, at(date(2023, 3, 1)), "~", status="suspended")
        _history(old, resumed, at(date(2024, 6, 1)), "~", status="operating")
        untracked = Project.objects.create(
            code="DA-M2", name="Dự án không có lịch sử", cluster=cluster, investor=investor,
            registered_capital_vnd=10**10, actual_construction_start=date(2022, 6, 1),
            actual_completion=date(2023, 3, 1), actual_operation_start=date(2023, 5, 1), status="operating",
        )
        Adjustment = old.get_model("projects", "ScheduleAdjustment")
        adjustment = Adjustment.objects.create(project=tracked, decision_number="QĐ-1", decision_date=date(2024, 4, 25),
                                               months_added=7, new_operation_deadline=date(2026, 1, 1), reason="Lý do")
        Adjustment.objects.filter(pk=adjustment.pk).update(created_at=at(date(2024, 5, 1), 14))
        Extension = old.get_model("projects", "LandUseExtension")
        for start, end in ((date(2025, 2, 20), date(2026, 2, 19)), (date(2025, 3, 1), date(2025, 9, 1)),
                           (date(2025, 4, 1), date(2025, 10, 1)), (date(2025, 5, 1), date(2025, 11, 1))):
            Extension.objects.create(project=tracked, start_date=start, end_date=end)
        Report = old.get_model("projects", "CapitalReport")
        report = Report.objects.create(project=untracked, year=2024, period="Y", period_end=date(2024, 12, 31),
                                       implemented_capital_vnd=10**9)
        Report.objects.filter(pk=report.pk).update(created_at=at(date(2025, 2, 3)))
        counts = {name: old.get_model("projects", name).objects.count()
                  for name in ("Project", "ScheduleAdjustment", "LandUseExtension", "CapitalReport")}

        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER + others).apps
        assert counts == {name: new.get_model("projects", name).objects.count() for name in counts}
        Change = new.get_model("projects", "ProjectStatusChange")
        assert list(Change.objects.filter(project_id=tracked.pk).order_by("recorded_at")
                    .values_list("status", "effective_on")) == [
            ("registered", date(2024, 1, 10)),  # the certificate's date
            ("land_handed_over", date(2024, 2, 20)),  # the handover's date
            ("suspended", date(2025, 6, 1)),  # no date of its own: the day it was recorded
        ]
        assert list(Change.objects.filter(project_id=untracked.pk).values_list("status", "effective_on")) == [
            ("operating", date(2023, 5, 1))]
        # Operating again after a suspension: from the day it was recorded, not from the first operation in 2019.
        assert list(Change.objects.filter(project_id=resumed.pk).order_by("recorded_at")
                    .values_list("status", "effective_on")) == [
            ("operating", date(2019, 1, 1)), ("suspended", date(2023, 3, 1)), ("operating", date(2024, 6, 1))]
        assert new.get_model("projects", "HistoricalProjectStatusChange").objects.count() == 7
        NewProject = new.get_model("projects", "Project")
        assert NewProject.objects.get(pk=tracked.pk).status_since == date(2025, 6, 1)
        assert NewProject.objects.get(pk=untracked.pk).status_since == date(2023, 5, 1)
        adjusted = new.get_model("projects", "ScheduleAdjustment").objects.get(pk=adjustment.pk)
        assert adjusted.previous_operation_deadline == date(2025, 6, 1)  # read from the history before it
        clocks = list(new.get_model("projects", "LandUseExtension").objects.filter(project_id=tracked.pk)
                      .order_by("start_date").values_list("clock", "decision_date"))
        # Two old extensions beyond one per clock are kept, on no clock (outside the constraint, counted by no rule).
        assert clocks == [("unused", date(2025, 2, 20)), ("delay", date(2025, 3, 1)), ("", date(2025, 4, 1)),
                          ("", date(2025, 5, 1))]
        assert new.get_model("projects", "CapitalReport").objects.get(pk=report.pk).report_date == date(2025, 2, 3)
        Rule = new.get_model("projects", "Rule")
        assert Rule.objects.get(code="REPORT_MISSING").thresholds == {"periods": 2, "h1_due": "06-20", "h2_due": "12-20"}
        assert Rule.objects.get(code="EXTENSION_NOT_REQUESTED").severity == "critical"
        assert Rule.objects.filter(code="TERMINATED_LAND_24M").exists()
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
