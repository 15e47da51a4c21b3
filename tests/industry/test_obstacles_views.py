"""Obstacle pages: the list (filters, sort, pages, export, a fixed number of queries), the forms, the actions, the
conversion through the page for each role, and the open and overdue obstacles on the cluster, project and dashboard
pages."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Commune
from industry.models import Obstacle
from projects.models import ForceMajeurePeriod

D = date


@pytest.fixture
def make_obstacle(db):
    counter = {"n": 0}

    def make(**values):
        counter["n"] += 1
        base = {"title": f"Vướng mắc {counter['n']}", "kind": "land_clearance", "agency": "UBND xã Lương Sơn",
                "raised_on": D(2024, 1, 10)}
        base.update(values)
        obstacle = Obstacle(**base)
        obstacle.full_clean()
        obstacle.save()
        return obstacle

    return make


@pytest.fixture
def officer_world(make_cluster, make_project, make_user, district, make_obstacle):
    """Commune A (the officer's) and commune B, each with a cluster, a project and an obstacle on it."""
    other = Commune.objects.create(name="Xã Khác", former_district=district)
    cluster_b = make_cluster(name="Cụm B", commune=other)
    project_a = make_project(code="DA-A")
    project_b = make_project(code="DA-B", cluster=cluster_b)
    obstacles = {"A": make_obstacle(project=project_a, title="Vướng A"), "B": make_obstacle(project=project_b, title="Vướng B")}
    officer = make_user("canbo", "commune_officer", communes=[project_a.cluster.commune])
    return {"A": project_a, "B": project_b}, obstacles, officer


def test_the_list_filters_by_kind_agency_unresolved_and_overdue(staff_client, cluster, make_obstacle):
    today = timezone.localdate()
    late = make_obstacle(cluster=cluster, title="Đấu nối điện trễ", kind="power_grid", agency="Điện lực Hòa Bình",
                         target_date=today - timedelta(days=1), raised_on=today - timedelta(days=30))
    due_today = make_obstacle(cluster=cluster, title="Cấp nước", kind="water", target_date=today, raised_on=today - timedelta(days=30))
    done = make_obstacle(cluster=cluster, title="Đã xong", status="resolved", resolved_on=D(2024, 2, 1),
                         target_date=D(2024, 1, 20))
    url = reverse("industry:obstacle_list")

    def titles(**params):
        return {o.title for o in staff_client.get(url, params).context["object_list"]}

    assert titles() == {late.title, due_today.title, done.title}
    assert titles(overdue="true") == {late.title}  # the target day itself is not overdue; a resolved one never is
    assert titles(unresolved="true") == {late.title, due_today.title}
    assert titles(kind="power_grid") == {late.title}
    assert titles(agency="Điện lực Hòa Bình") == {late.title}
    assert titles(q="nước") == {due_today.title}
    ordered = [o.title for o in staff_client.get(url, {"o": "target_date"}).context["object_list"]]
    assert ordered == [done.title, late.title, due_today.title]
    html = staff_client.get(url, {"overdue": "true"}).content.decode()
    assert "quá hạn" in html and "power_grid" not in html.replace('value="power_grid"', "")


def test_an_empty_list_and_bad_filters_do_not_break(staff_client, db):
    response = staff_client.get(reverse("industry:obstacle_list"), {"raised_from": "31/02/2024", "page": "x"})
    assert response.status_code == 200 and "Chưa có vướng mắc nào" in response.content.decode() or \
        "raised_from" in response.context["filter"].form.errors


def test_the_list_costs_the_same_queries_for_1_and_50_rows(staff_client, cluster, make_project, make_obstacle,
                                                          django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = make_project()
    make_obstacle(project=project)
    url = reverse("industry:obstacle_list") + "?per_page=50"
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for _ in range(49):
        make_obstacle(project=project)
    with django_assert_num_queries(len(one.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["object_list"]) == 50


def test_the_export_is_the_filtered_list(staff_client, cluster, make_project, make_obstacle):
    project = make_project(code="DA-XK")
    make_obstacle(project=project, title="Thiếu đường vào", kind="roads", target_date=D(2024, 3, 1))
    make_obstacle(cluster=cluster, title="Khác", kind="other")
    response = staff_client.get(reverse("industry:obstacle_export"), {"format": "csv", "kind": "roads"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3 and "Thiếu đường vào" in rows[2] and "DA-XK" in rows[2] and "Giao thông" in rows[2]
    assert "01/03/2024" in rows[2] or "2024-03-01" in rows[2]
    xlsx = staff_client.get(reverse("industry:obstacle_export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_create_through_the_form_keeps_what_was_typed_on_an_error(staff_client, project):
    url = reverse("industry:obstacle_create")
    data = {"title": "Chưa cấp phép xây dựng", "kind": "procedures", "project": project.code, "agency": "Sở Xây dựng",
            "raised_on": "05/02/2024", "target_date": "01/02/2024", "status": "open"}
    response = staff_client.get(url, {"project": project.pk})
    assert response.context["form"].initial["project"] == project.pk
    assert f'value="{project.code}"' in response.content.decode()  # the project's page links here: its code is shown
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "target_date" in response.context["form"].errors
    assert 'value="Chưa cấp phép xây dựng"' in response.content.decode()
    data["target_date"] = "30/06/2024"
    response = staff_client.post(url, data)
    obstacle = Obstacle.objects.get()
    assert response.status_code == 302 and response.url == obstacle.get_absolute_url()
    assert obstacle.cluster == project.cluster and obstacle.target_date == D(2024, 6, 30)


def test_an_action_is_added_on_the_obstacle_page(staff_client, project, make_obstacle):
    obstacle = make_obstacle(project=project)
    url = reverse("industry:obstacle_action_create", args=[obstacle.pk])
    response = staff_client.post(url, {"taken_on": "01/03/2024", "description": "Họp với UBND xã, thống nhất phương án"})
    assert response.status_code == 302
    page = staff_client.get(obstacle.get_absolute_url()).content.decode()
    assert "01/03/2024" in page and "thống nhất phương án" in page
    assert staff_client.post(url, {"taken_on": "01/01/2024", "description": "Trước"}).status_code == 200  # before raised


def test_the_conversion_page_needs_both_confirmations(staff_client, project, make_obstacle):
    obstacle = make_obstacle(project=project, status="resolved", resolved_on=D(2024, 2, 9))
    url = reverse("industry:obstacle_convert", args=[obstacle.pk])
    page = staff_client.get(url).content.decode()
    assert "10/01/2024" in page and "09/02/2024" in page
    response = staff_client.post(url, {"state_caused": "on"})
    assert response.status_code == 200 and "blocks_land_use" in response.context["form"].errors
    assert not ForceMajeurePeriod.objects.exists()
    response = staff_client.post(url, {"state_caused": "on", "blocks_land_use": "on"})
    assert response.status_code == 302
    period = ForceMajeurePeriod.objects.get()
    assert (period.project, period.start_date, period.end_date) == (project, D(2024, 1, 10), D(2024, 2, 9))
    # Twice is refused, and the project page lists the period.
    assert staff_client.post(url, {"state_caused": "on", "blocks_land_use": "on"}).status_code == 400
    assert ForceMajeurePeriod.objects.count() == 1
    assert "09/02/2024" in staff_client.get(project.get_absolute_url()).content.decode()


def test_commune_officers_convert_only_within_their_communes(client, officer_world, make_user):
    projects, obstacles, officer = officer_world
    client.force_login(officer)
    confirm = {"state_caused": "on", "blocks_land_use": "on"}
    assert client.post(reverse("industry:obstacle_convert", args=[obstacles["B"].pk]), confirm).status_code == 404
    assert client.post(reverse("industry:obstacle_convert", args=[obstacles["A"].pk]), confirm).status_code == 302
    assert list(ForceMajeurePeriod.objects.values_list("project__code", flat=True)) == ["DA-A"]
    viewer = make_user("xem", "viewer")
    client.force_login(viewer)
    assert client.post(reverse("industry:obstacle_convert", args=[obstacles["B"].pk]), confirm).status_code == 403
    assert ForceMajeurePeriod.objects.count() == 1


def test_commune_officers_see_and_edit_only_their_communes_obstacles(client, officer_world):
    projects, obstacles, officer = officer_world
    client.force_login(officer)
    response = client.get(reverse("industry:obstacle_list"))
    assert [o.title for o in response.context["object_list"]] == ["Vướng A"]
    export = b"".join(client.get(reverse("industry:obstacle_export"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Vướng A" in export and "Vướng B" not in export
    form = client.get(reverse("industry:obstacle_create")).context["form"]
    assert list(form.fields["project"].queryset) == [projects["A"]]
    assert client.get(reverse("industry:obstacle_update", args=[obstacles["B"].pk])).status_code == 404
    # An obstacle cannot be moved to another commune's project.
    obstacle = obstacles["A"]
    response = client.post(reverse("industry:obstacle_update", args=[obstacle.pk]), {
        "title": obstacle.title, "kind": obstacle.kind, "project": projects["B"].code, "agency": obstacle.agency,
        "raised_on": "10/01/2024", "status": "open", "version": obstacle.version})
    assert response.status_code == 200 and "project" in response.context["form"].errors


def test_cluster_and_project_pages_show_open_and_overdue_obstacles(staff_client, cluster, make_project, make_obstacle):
    today = timezone.localdate()
    project = make_project(code="DA-VM")
    make_obstacle(project=project, title="Chưa đấu nối điện", kind="power_grid", target_date=today - timedelta(days=3),
                  raised_on=today - timedelta(days=40))
    make_obstacle(cluster=cluster, title="Trạm xử lý nước thải chưa xong", kind="wastewater")
    make_obstacle(project=project, title="Đã giải quyết xong", status="resolved", resolved_on=D(2024, 2, 1))
    cluster_page = staff_client.get(cluster.get_absolute_url()).content.decode()
    assert "Chưa đấu nối điện" in cluster_page and "Trạm xử lý nước thải chưa xong" in cluster_page
    assert "Đã giải quyết xong" not in cluster_page and "1 quá hạn" in cluster_page
    project_page = staff_client.get(project.get_absolute_url()).content.decode()
    assert "Chưa đấu nối điện" in project_page and "Trạm xử lý nước thải chưa xong" not in project_page
    assert "Đã giải quyết xong" not in project_page


def test_the_cluster_page_costs_one_query_for_its_obstacles(staff_client, cluster, make_project, make_obstacle):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_obstacle(cluster=cluster)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(cluster.get_absolute_url())
    project = make_project()
    for _ in range(10):
        make_obstacle(project=project)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(cluster.get_absolute_url())
    assert len(many.captured_queries) == len(few.captured_queries)
    assert sum("industry_obstacle" in q["sql"] for q in many.captured_queries) == 1


def test_the_dashboard_counts_open_obstacles_by_kind_and_agency(staff_client, cluster, make_obstacle):
    today = timezone.localdate()
    make_obstacle(cluster=cluster, kind="land_clearance", agency="UBND xã Lương Sơn", target_date=today - timedelta(days=1),
                  raised_on=today - timedelta(days=10))
    make_obstacle(cluster=cluster, kind="land_clearance", agency="Điện lực")
    make_obstacle(cluster=cluster, kind="power_grid", agency="Điện lực")
    make_obstacle(cluster=cluster, kind="roads", agency="Điện lực", status="resolved", resolved_on=D(2024, 2, 1))
    response = staff_client.get(reverse("home"))
    summary = response.context["obstacles"]
    assert summary["total"] == 3 and summary["overdue"] == 1
    assert [(row["kind"], row["n"], row["overdue"]) for row in summary["by_kind"]] == [("land_clearance", 2, 1), ("power_grid", 1, 0)]
    assert [(row["agency"], row["n"]) for row in summary["by_agency"]] == [("Điện lực", 2), ("UBND xã Lương Sơn", 1)]
    html = response.content.decode()
    assert reverse("industry:obstacle_list") + "?overdue=true" in html
    assert "?unresolved=true&amp;agency=%C4%90i%E1%BB%87n%20l%E1%BB%B1c" in html
