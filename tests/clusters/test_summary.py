"""The clusters' summary (projects by cluster and status, with capital and land) always equals a recount from the
projects and their capital reports, whichever way they were written: services, web forms, the admin."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import ClusterSummary
from clusters.services import cluster_summary_refresh
from projects import services
from projects.models import CapitalReport, Project

BILLION = 10**9


def recount() -> dict:
    """From scratch, in Python: each project's implemented capital read from its latest capital report."""
    latest = {}
    for report in CapitalReport.objects.order_by("period_end", "pk"):
        latest[report.project_id] = report.implemented_capital_vnd
    rows = {}
    for project in Project.objects.all():
        row = rows.setdefault((project.cluster_id, project.status), [0, 0, Decimal(0), 0])
        row[0] += 1
        row[1] += project.registered_capital_vnd
        row[2] += project.land_area_ha
        row[3] += latest.get(project.pk) or 0
    return {key: tuple(row) for key, row in rows.items()}


def summary() -> dict:
    return {
        (row.cluster_id, row.status): (row.projects, row.registered_capital_vnd, row.land_area_ha, row.implemented_capital_vnd)
        for row in ClusterSummary.objects.all()
    }


def assert_fresh():
    assert summary() == recount()


@pytest.fixture
def other_cluster(make_cluster):
    return make_cluster(name="Cụm khác", industrial_land_ha=Decimal(80), total_area_ha=Decimal(100))


def _create(cluster, investor, code, **fields):
    values = {"code": code, "name": code, "cluster": cluster, "investor": investor,
              "registered_capital_vnd": 100 * BILLION, "land_area_ha": Decimal("2.5"), "irc_date": date(2024, 3, 1)}
    return services.project_create(**{**values, **fields})


def test_creates_and_updates_through_the_services_keep_the_summary_equal_to_a_recount(cluster, other_cluster, investor,
                                                                                     watchlist_rules):
    first = _create(cluster, investor, "DA-1")
    second = _create(cluster, investor, "DA-2", status="operating", land_area_ha=Decimal("4.25"))
    _create(other_cluster, investor, "DA-3", status="operating")
    assert_fresh()
    assert summary()[(cluster.pk, "operating")] == (1, 100 * BILLION, Decimal("4.25"), 0)

    services.project_update(project=first, status="terminated")  # status change
    assert_fresh()
    services.project_update(project=second, land_area_ha=Decimal("7.5"), registered_capital_vnd=30 * BILLION)
    assert_fresh()
    services.project_update(project=second, cluster=other_cluster)  # moved: both clusters change
    assert_fresh()
    assert (cluster.pk, "operating") not in summary()
    assert summary()[(other_cluster.pk, "operating")][0] == 2


def test_a_move_through_the_web_form_updates_the_cluster_it_left(staff_client, project, other_cluster):
    # The form puts the new cluster on the instance before the service runs: the old one is read from the database.
    url = reverse("projects:update", args=[project.pk])
    form = staff_client.get(url).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data.update(cluster=other_cluster.code, land_area_ha="1", registered_capital_vnd="100", irc_date="01/03/2024")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get(pk=project.pk).cluster_id == other_cluster.pk
    assert_fresh()
    assert list(ClusterSummary.objects.values_list("cluster_id", flat=True)) == [other_cluster.pk]


def test_capital_reports_added_changed_and_removed_move_the_implemented_capital(make_project, cluster):
    project = make_project(status="operating")
    h1 = services.project_record_create(model=CapitalReport, project=project, year=2024, period="H1",
                                        implemented_capital_vnd=20 * BILLION)
    assert_fresh()
    h2 = services.project_record_create(model=CapitalReport, project=project, year=2024, period="H2",
                                        implemented_capital_vnd=35 * BILLION)
    assert_fresh()
    assert summary()[(cluster.pk, "operating")][3] == 35 * BILLION
    services.project_record_update(record=h2, implemented_capital_vnd=40 * BILLION)
    assert_fresh()
    services.project_record_delete(record=h2)
    assert_fresh()
    assert summary()[(cluster.pk, "operating")][3] == 20 * BILLION
    services.project_record_delete(record=h1)
    assert_fresh()
    assert summary()[(cluster.pk, "operating")][3] == 0


def test_a_termination_recorded_by_a_review_leaves_the_active_figures(make_project, cluster):
    project = make_project(status="operating", land_area_ha=Decimal(3))
    services.project_update(project=project, status="terminated", change_reason="Quyết định thu hồi")
    assert_fresh()
    assert set(summary()) == {(cluster.pk, "terminated")}


def _admin_form_data(response):
    form = response.context["adminform"].form
    return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}


def test_admin_writes_of_projects_keep_the_summary(admin_client, make_project, cluster, other_cluster, investor):
    project = make_project(code="DA-ADM", status="operating")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = _admin_form_data(admin_client.get(url))
    data.update(cluster=other_cluster.pk, status="suspended", land_area_ha="6")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Project.objects.get(pk=project.pk).cluster_id == other_cluster.pk
    assert_fresh()
    assert set(summary()) == {(other_cluster.pk, "suspended")}

    data.update(code="DA-ADM-2", name="Dự án mới", cluster=cluster.pk, status="registered")
    response = admin_client.post(reverse("admin:projects_project_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_fresh()
    assert set(summary()) == {(other_cluster.pk, "suspended"), (cluster.pk, "registered")}

    response = admin_client.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_fresh()
    added = Project.objects.get(code="DA-ADM-2")
    response = admin_client.post(reverse("admin:projects_project_changelist"),
                                 {"action": "delete_selected", "_selected_action": [added.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.exists() and not ClusterSummary.objects.exists()


def test_admin_writes_of_capital_reports_keep_the_summary(admin_client, make_project, cluster, other_cluster):
    first = make_project(code="DA-A", status="operating")
    second = make_project(code="DA-B", status="operating", cluster=other_cluster)
    response = admin_client.post(reverse("admin:projects_capitalreport_add"), {
        "project": first.pk, "year": 2024, "period": "H1", "implemented_capital_vnd": 20 * BILLION,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_fresh()
    assert summary()[(cluster.pk, "operating")][3] == 20 * BILLION
    report = CapitalReport.objects.get()
    url = reverse("admin:projects_capitalreport_change", args=[report.pk])
    data = _admin_form_data(admin_client.get(url))
    data.update(project=second.pk)  # filed against the wrong project: moved to the other cluster's project
    assert admin_client.post(url, data).status_code == 302
    assert_fresh()
    assert summary()[(cluster.pk, "operating")][3] == 0 and summary()[(other_cluster.pk, "operating")][3] == 20 * BILLION
    response = admin_client.post(reverse("admin:projects_capitalreport_changelist"),
                                 {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"})
    assert response.status_code == 302 and not CapitalReport.objects.exists()
    assert_fresh()


def test_the_rebuild_repairs_rows_written_around_the_services(make_project, cluster, other_cluster):
    make_project(status="operating")
    make_project(cluster=other_cluster)
    Project.objects.update(land_area_ha=Decimal(9))  # a write no service saw
    ClusterSummary.objects.create(cluster=cluster, status="suspended", projects=7, registered_capital_vnd=0,
                                  land_area_ha=0, implemented_capital_vnd=0)
    assert summary() != recount()
    cluster_summary_refresh([cluster.pk])
    assert {k: v for k, v in summary().items() if k[0] == cluster.pk} == {k: v for k, v in recount().items() if k[0] == cluster.pk}
    cluster_summary_refresh()
    assert_fresh()
    cluster_summary_refresh([])  # nothing to do
    assert_fresh()


def test_the_command_and_the_nightly_scan_rebuild_it(make_project, cluster, settings):
    from django.core.management import call_command

    from projects.watchlist.tasks import scan_watchlist

    make_project(status="operating")
    ClusterSummary.objects.all().delete()
    call_command("cluster_summary_refresh")
    assert ClusterSummary.objects.exists()
    assert_fresh()
    ClusterSummary.objects.all().delete()
    scan_watchlist()
    assert ClusterSummary.objects.exists()
    assert_fresh()


def test_refreshing_one_cluster_is_a_few_queries_whatever_the_data(make_project, make_cluster, cluster,
                                                                 django_assert_num_queries):
    for n in range(10):
        make_project(cluster=make_cluster() if n % 2 else cluster)
    with django_assert_num_queries(4):  # lock, delete, group, insert
        cluster_summary_refresh([cluster.pk])
    assert_fresh()


def test_the_migration_fills_it_from_the_existing_projects(make_project, cluster):
    import importlib

    from django.apps import apps

    make_project(status="operating")
    make_project(status="terminated")
    ClusterSummary.objects.all().delete()
    importlib.import_module("clusters.migrations.0005_cluster_summary").fill(apps, None)
    assert_fresh()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_of_one_cluster_at_the_same_moment_leave_it_equal_to_a_recount(make_project, cluster, other_cluster, investor):
    import threading

    from django.db import connection

    projects = [make_project(code=f"DA-C-{n}", status="operating", land_area_ha=Decimal("0.5")) for n in range(6)]
    barrier = threading.Barrier(6)
    errors = []

    def run(write):
        try:
            barrier.wait(timeout=10)
            write()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    def report(project, amount):
        return lambda: services.project_record_create(
            model=CapitalReport, project=Project.objects.get(pk=project.pk), year=2024, period="H1",
            implemented_capital_vnd=amount,
        )

    writes = [
        report(projects[0], 10 * BILLION),
        report(projects[1], 20 * BILLION),
        report(projects[2], 30 * BILLION),
        lambda: services.project_update(project=Project.objects.get(pk=projects[3].pk), cluster=other_cluster),
        lambda: services.project_update(project=Project.objects.get(pk=projects[4].pk), status="terminated"),
        lambda: _create(cluster, investor, "DA-C-NEW", land_area_ha=Decimal(1)),
    ]
    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert_fresh()
    assert summary()[(cluster.pk, "operating")][3] == 60 * BILLION
