"""load_demo: the former Hòa Bình province's clusters, sample projects at every stage, 2024 targets, demo users."""
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from clusters.models import Cluster
from projects.models import AnnualTarget, Project


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_loads_the_province_and_changes_nothing_the_second_time(db, capsys):
    call_command("load_demo")
    first = _row_counts()
    output = capsys.readouterr().out
    assert "chuyenvien /" in output and "lanhdao /" in output

    assert Cluster.objects.count() == 33
    xom_rut = Cluster.objects.get(name="Xóm Rụt")
    assert xom_rut.total_area_ha == Decimal("74.5") and xom_rut.former_district.name == "Lương Sơn"
    for name, district in (("Tiên Tiến", "Thành phố Hòa Bình"), ("Phú Thành II", "Lạc Thủy"), ("Thanh Nông", "Lạc Thủy")):
        assert Cluster.objects.get(name=name).former_district.name == district
    assert set(Project.objects.values_list("status", flat=True)) == set(Project.Status.values)
    assert all(project.is_sample and project.name.startswith("[MẪU]") for project in Project.objects.all())
    target = AnnualTarget.objects.get(year=2024)
    assert (target.projects_min, target.projects_max) == (5, 8)
    assert (target.capital_min_vnd, target.capital_max_vnd) == (400 * 10**9, 600 * 10**9)
    assert (target.clusters_min, target.clusters_max) == (1, 2)
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {name: [g.name for g in users[name].groups.all()] for name in ("chuyenvien", "lanhdao", "canboxa", "xem")} == {
        "chuyenvien": ["staff"], "lanhdao": ["leadership"], "canboxa": ["commune_officer"], "xem": ["viewer"]
    }
    assert [c.name for c in users["canboxa"].access_scope.communes.all()] == ["Lương Sơn"]
    assert users["quantri"].is_superuser

    call_command("load_demo")
    assert _row_counts() == first  # history tables included: a second run writes nothing


def test_demo_users_can_log_in_with_the_printed_passwords(client, db, capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    logged_in = 0
    for line in output.splitlines():
        if " / " in line and line.strip().startswith(("chuyenvien", "lanhdao", "canboxa", "xem", "quantri")):
            username, password = line.split("(")[0].strip().split(" / ")
            response = client.post("/login/", {"username": username, "password": password})
            assert response.status_code == 302 and response.url == "/", username
            client.post("/logout/")
            logged_in += 1
    assert logged_in == 5


def test_the_demo_watchlist_shows_every_rule_on_the_dates_checked_by_hand(db):
    """docs/watchlist.md walks through these by hand."""
    import json
    from io import StringIO

    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("scan_watchlist", "--as-of", "2026-11-27", "--known-now", "--format", "json", "--dry-run", stdout=out)
    rows = json.loads(out.getvalue())
    found = {(row["project_code"], row["rule"]): (row["severity"], row["since"]) for row in rows}
    found_grounds = {(row["project_code"], row["rule"]): row["ground"] for row in rows}
    assert {rule for _code, rule in found} == {
        "LAND_UNUSED_12M", "LAND_DELAY_24M", "EXTENSION_EXPIRED", "EXTENSION_NOT_REQUESTED", "MILESTONE_OVERDUE",
        "ADJUSTMENT_CAP", "SUSPENDED_12M", "LAND_HOLDING_SIGNS", "REPORT_MISSING", "TERMINATED_LAND_24M",
    }
    assert found[("DA-MAU-03", "LAND_UNUSED_12M")] == ("critical", "2025-05-10")
    assert found[("DA-MAU-02", "LAND_DELAY_24M")] == ("critical", "2026-10-01")
    assert found[("DA-MAU-12", "EXTENSION_EXPIRED")] == ("critical", "2025-12-01")
    assert found[("DA-MAU-09", "EXTENSION_NOT_REQUESTED")] == ("critical", "2025-10-17")
    # Handled under the Land Law (its delay clock was reached on 01/04/2024): a warning, not a ground.
    assert found[("DA-MAU-06", "MILESTONE_OVERDUE")] == ("warning", "2022-04-02")
    assert found[("DA-MAU-06", "LAND_DELAY_24M")] == ("critical", "2024-04-01")
    assert found[("DA-MAU-08", "ADJUSTMENT_CAP")] == ("warning", "2026-02-01")
    assert found[("DA-MAU-06", "SUSPENDED_12M")] == ("critical", "2025-03-01")  # stopped 01/03/2024
    assert found[("DA-MAU-07", "TERMINATED_LAND_24M")] == ("critical", "2026-01-15")
    assert found[("DA-MAU-03", "LAND_HOLDING_SIGNS")] == ("warning", "2024-11-11")
    assert found[("DA-MAU-05", "REPORT_MISSING")] == ("info", "2026-06-21")  # 2025-H2 and 2026-H1, due 20/06
    assert ("DA-MAU-11", "REPORT_MISSING") not in found  # registered after the first of the two half-years began
    assert not any(code in ("DA-MAU-01", "DA-MAU-04", "DA-MAU-10") for code, _rule in found)
    grounds = {(code, rule) for code, rule in found if found_grounds.get((code, rule))}
    assert grounds == {("DA-MAU-12", "EXTENSION_EXPIRED"), ("DA-MAU-09", "EXTENSION_NOT_REQUESTED"),
                       ("DA-MAU-06", "SUSPENDED_12M"), ("DA-MAU-07", "TERMINATED_LAND_24M")}


def test_the_demo_holds_sample_obstacles_and_khuyen_cong_schemes_and_the_dashboard_shows_the_obstacles(client, db):
    from datetime import date
    from io import StringIO

    from industry.models import Obstacle, ObstacleAction, Scheme, SchemePlan
    from projects.models import ForceMajeurePeriod

    call_command("load_demo", stdout=StringIO())
    obstacles = list(Obstacle.objects.all())
    assert len(obstacles) == 5
    assert all(o.is_sample and o.title.startswith("[MẪU]") for o in obstacles)
    assert {o.status for o in obstacles} == set(Obstacle.Status.values)
    assert ObstacleAction.objects.count() == 7
    converted = Obstacle.objects.get(force_majeure_period__isnull=False)
    period = ForceMajeurePeriod.objects.get()  # the demo's only period is the obstacle's
    assert converted.force_majeure_period == period and period.project.code == "DA-MAU-01"
    assert (period.start_date, period.end_date) == (date(2021, 6, 10), date(2021, 7, 20))  # raised to resolved
    plan = SchemePlan.objects.get()
    assert plan.is_sample and plan.year == 2026
    schemes = list(Scheme.objects.all())
    assert len(schemes) == 5 and all(s.is_sample and s.name.startswith("[MẪU]") and s.year == 2026 for s in schemes)
    assert {s.kind for s in schemes} == set(Scheme.Kind.values)
    assert all(s.investor_id or s.business_name.startswith("[MẪU]") for s in schemes)

    client.post("/login/", {"username": "lanhdao", "password": "LanhDao@2026"})
    page = client.get("/").content.decode()
    assert 'id="obstacle-kind-table"' in page and "Sở Xây dựng" in page and "Điện lực Lạc Thủy" in page
    assert "[MẪU] Vướng giải phóng mặt bằng" not in page  # resolved: not among those waiting
