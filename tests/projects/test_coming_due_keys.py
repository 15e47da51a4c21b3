"""The stored coming dates carry copies of what the list sorts and filters by (`Deadline.project_code`, `commune`):
the scan sets them, and every write that changes a project's code or cluster, or a cluster's commune, keeps them
right, so the list (its sort by project, the commune filter, a commune officer's scope) shows what the projects say."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.utils import timezone

from clusters.models import Cluster, Commune
from clusters.services import cluster_update
from projects.models import Deadline, Project
from projects.services import project_bulk_save, project_update
from projects.watchlist.coming_due import due_deadlines, due_rows_of
from projects.watchlist.scans import run_scan


def _today():
    return timezone.localdate()


def _keys(project):
    return set(Deadline.objects.filter(project=project).values_list("project_code", "commune_id"))


def _listed(user, **options):
    today = _today()
    return [row.project_code for row in due_rows_of(due_deadlines(user=user, today=today, days=90, **options), today)]


@pytest.fixture
def other_commune(district):
    return Commune.objects.create(name="Cao Phong", kind="commune", former_district=district)


@pytest.fixture
def due(make_project):
    """Two projects with a coming date each (a construction start due in 20 and 30 days), scanned."""
    today = _today()
    first = make_project(code="DA-B", construction_start_deadline=today + timedelta(days=19))
    second = make_project(code="DA-C", construction_start_deadline=today + timedelta(days=29))
    run_scan()
    return first, second


def test_the_scan_copies_the_code_and_the_commune_onto_new_rows(due, commune):
    first, second = due
    assert _keys(first) == {("DA-B", commune.pk)} and _keys(second) == {("DA-C", commune.pk)}


def test_a_new_code_follows_through_project_update_and_the_sort_by_project(due, make_user):
    first, second = due
    leader = make_user("lanhdao", "leadership")
    assert _listed(leader, order="project") == ["DA-B", "DA-C"]
    project_update(project=first, code="DA-Z", change_reason="đổi mã")
    assert _keys(first) == {("DA-Z", first.cluster.commune_id)}
    assert _listed(leader, order="project") == ["DA-C", "DA-Z"]
    assert _listed(leader, order="-project") == ["DA-Z", "DA-C"]
    assert _keys(second) == {("DA-C", second.cluster.commune_id)}  # the other project's rows are left alone


def test_a_move_to_a_cluster_of_another_commune_follows_through_project_update(due, make_user, make_cluster, commune,
                                                                                other_commune):
    first, _second = due
    elsewhere = make_cluster(code="CCN-CP", commune=other_commune)
    here_officer = make_user("canbo1", "commune_officer", communes=[commune])
    there_officer = make_user("canbo2", "commune_officer", communes=[other_commune])
    assert _listed(there_officer) == []
    project_update(project=first, cluster=elsewhere, change_reason="chuyển cụm")
    assert _keys(first) == {("DA-B", other_commune.pk)}
    assert _listed(there_officer) == ["DA-B"] and _listed(here_officer) == ["DA-C"]
    leader = make_user("lanhdao", "leadership")
    assert _listed(leader, commune=other_commune) == ["DA-B"] and _listed(leader, commune=commune) == ["DA-C"]


def test_an_edit_that_changes_neither_leaves_the_rows_alone(due):
    first, _second = due
    Deadline.objects.filter(project=first).update(project_code="STALE")  # would be rewritten by a refresh
    project_update(project=first, name="Tên mới", change_reason="đổi tên")
    assert _keys(first) == {("STALE", first.cluster.commune_id)}


def test_a_new_code_and_cluster_follow_through_the_bulk_save_of_the_import(due, make_cluster, other_commune):
    first, second = due
    elsewhere = make_cluster(code="CCN-CP", commune=other_commune)
    first.code = "DA-Y"
    second.cluster = elsewhere
    project_bulk_save(investors=[], creates=[], updates=[(first, ["code"]), (second, ["cluster"])], change_reason="nhập")
    assert _keys(first) == {("DA-Y", first.cluster.commune_id)}
    assert _keys(second) == {("DA-C", other_commune.pk)}


def test_a_cluster_moved_to_another_commune_takes_its_projects_rows_along(due, make_user, cluster, commune,
                                                                           other_commune, make_project):
    first, second = due
    officer = make_user("canbo2", "commune_officer", communes=[other_commune])
    assert _listed(officer) == []
    cluster_update(cluster=cluster, commune=other_commune, change_reason="sáp nhập xã")
    assert _keys(first) == {("DA-B", other_commune.pk)} and _keys(second) == {("DA-C", other_commune.pk)}
    assert _listed(officer) == ["DA-B", "DA-C"]
    assert _listed(make_user("canbo1", "commune_officer", communes=[commune])) == []


def _admin_form(changed):
    return SimpleNamespace(changed_data=changed)


def test_the_admin_keeps_the_copies_of_a_project_and_of_a_cluster(due, make_user, cluster, other_commune, rf):
    first, second = due
    admin_user = make_user("admin", is_superuser=True, is_staff=True)
    request = rf.post("/admin/")
    request.user = admin_user
    project = Project.objects.get(pk=first.pk)
    project.code = "DA-X"
    site._registry[Project].save_model(request, project, _admin_form(["code"]), True)
    assert _keys(first) == {("DA-X", first.cluster.commune_id)}
    cluster = Cluster.objects.get(pk=cluster.pk)
    cluster.commune = other_commune
    site._registry[Cluster].save_model(request, cluster, _admin_form(["commune"]), True)
    assert _keys(first) == {("DA-X", other_commune.pk)} and _keys(second) == {("DA-C", other_commune.pk)}


def test_a_row_saved_alone_takes_its_copies_from_its_project(project, commune):
    from projects.models import Rule

    deadline = Deadline.objects.create(project=project, rule=Rule.objects.get(code="MILESTONE_OVERDUE"),
                                       severity="warning", crossing=_today() + timedelta(days=5))
    assert (deadline.project_code, deadline.commune_id) == (project.code, commune.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_copies_of_the_stored_dates():
    from decimal import Decimal

    from tests.migration_state import migrated_back

    with migrated_back([("projects", "0018_flag_open_by_severity")]) as (old, forward):
        district = old.get_model("clusters", "FormerDistrict").objects.create(name="Lương Sơn")
        communes = [old.get_model("clusters", "Commune").objects.create(name=name, former_district=district)
                    for name in ("Lương Sơn", "Cao Phong")]
        clusters = [old.get_model("clusters", "Cluster").objects.create(
            code=f"CCN-M{n}", name=f"Cụm M{n}", commune=commune, former_district=district,
            industrial_land_ha=Decimal(40)) for n, commune in enumerate(communes)]
        investor = old.get_model("projects", "Investor").objects.create(name="Nhà đầu tư M", tax_code="0101234599")
        rule = old.get_model("projects", "Rule").objects.get(code="MILESTONE_OVERDUE")
        projects = [old.get_model("projects", "Project").objects.create(
            code=f"DA-M{n}", name=f"Dự án {n}", cluster=cluster, investor=investor, registered_capital_vnd=10**10)
            for n, cluster in enumerate(clusters)]
        for project in projects:
            old.get_model("projects", "Deadline").objects.create(project=project, rule=rule, severity="warning",
                                                                 crossing=_today() + timedelta(days=9), digest="x")
        new = forward([("projects", "0019_deadline_keys")])
        assert set(new.get_model("projects", "Deadline").objects.values_list("project_code", "commune_id")) == {
            ("DA-M0", communes[0].pk), ("DA-M1", communes[1].pk)}


def test_the_scan_corrects_stale_copies_on_the_rows_it_keeps(due, commune, other_commune):
    """A write that raced a scan may leave a kept row with old copies: the rescan it owes puts them right without
    rewriting the row."""
    first, second = due
    [kept] = Deadline.objects.filter(project=first)
    Deadline.objects.filter(pk=kept.pk).update(project_code="OLD", commune=other_commune)
    run_scan()
    fixed = Deadline.objects.get(project=first)
    assert fixed.pk == kept.pk and (fixed.project_code, fixed.commune_id) == ("DA-B", commune.pk)
    assert _keys(second) == {("DA-C", commune.pk)}
