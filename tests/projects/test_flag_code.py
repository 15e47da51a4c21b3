"""Every flag carries a copy of its project's code (`Flag.project_code`), the last key of the watchlist's order, so
that a page of the list is read from the index `flag_open_by_severity` alone. The copy is written with the flag (the
scan, `save`, `bulk_create`) and kept right by every write that changes a project's code; the list's order by project
must be the projects' codes as they are now."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from projects.models import Flag, Project, Rule
from projects.services import project_bulk_save, project_update
from projects.watchlist.scans import run_scan
from tests.projects.test_scan_chunks import _recorded_sixty_days_ago, varied  # noqa: F401 (a fixture)


def _codes(project):
    return set(Flag.objects.filter(project=project).values_list("project_code", flat=True))


@pytest.fixture
def late(make_project):
    """Two projects whose construction should have started 40 days ago (an open flag each), scanned."""
    long_ago = timezone.localdate() - timedelta(days=40)
    first = make_project(code="DA-B", construction_start_deadline=long_ago)
    second = make_project(code="DA-C", construction_start_deadline=long_ago)
    run_scan()
    assert Flag.objects.filter(project=first, cleared_at__isnull=True).exists()
    return first, second


def _listed(client, **params):
    response = client.get(reverse("watchlist:list"), {"per_page": 100, **params})
    return [flag.project.code for flag in response.context["object_list"]]


def test_the_scan_copies_the_code_onto_the_flags_it_opens(late):
    first, second = late
    assert _codes(first) == {"DA-B"} and _codes(second) == {"DA-C"}


def test_a_new_code_follows_through_project_update_onto_open_and_closed_flags(late, staff_client):
    first, second = late
    rank = {"critical": 3, "warning": 2, "info": 1}
    opened = Flag.objects.filter(cleared_at__isnull=True)
    b, c = opened.filter(project=first).count(), opened.filter(project=second).count()
    Flag.objects.create(project=first, rule=Rule.objects.get(code="LAND_UNUSED_12M"), severity="info",
                        since=date(2024, 1, 1), first_seen=timezone.now(), last_confirmed=timezone.now(),
                        cleared_at=timezone.now())
    assert _listed(staff_client, o="project") == ["DA-B"] * b + ["DA-C"] * c
    project_update(project=first, code="DA-Z", change_reason="đổi mã")
    assert _codes(first) == {"DA-Z"}
    assert _codes(second) == {"DA-C"}  # the other project's flags are left alone
    assert _listed(staff_client, o="project") == ["DA-C"] * c + ["DA-Z"] * b
    assert _listed(staff_client, o="-project") == ["DA-Z"] * b + ["DA-C"] * c
    assert _listed(staff_client, o="project", shown="all") == ["DA-C"] * c + ["DA-Z"] * (b + 1)
    # The default order (most severe, the longest open, then the project's code as it is now): DA-C before DA-Z
    # wherever their flags are alike but for the code.
    expected = [flag.pk for flag in sorted(opened.select_related("project"), key=lambda flag: (
        -rank[flag.severity], flag.since, flag.project.code, flag.pk))]
    response = staff_client.get(reverse("watchlist:list"), {"per_page": 100})
    assert [flag.pk for flag in response.context["object_list"]] == expected


def test_a_new_code_follows_through_the_bulk_save_of_the_import(late):
    first, second = late
    first.code = "DA-Y"
    project_bulk_save(investors=[], creates=[], updates=[(first, ["code"])], change_reason="nhập")
    assert _codes(first) == {"DA-Y"} and _codes(second) == {"DA-C"}


def test_a_new_code_follows_through_the_admin(late, make_user, rf):
    first, _second = late
    request = rf.post("/admin/")
    request.user = make_user("admin", is_superuser=True, is_staff=True)
    project = Project.objects.get(pk=first.pk)
    project.code = "DA-X"
    site._registry[Project].save_model(request, project, SimpleNamespace(changed_data=["code"]), True)
    assert _codes(first) == {"DA-X"}


def test_a_flag_written_alone_or_in_bulk_takes_its_code_from_its_project(project, make_project):
    rule = Rule.objects.get(code="MILESTONE_OVERDUE")
    now = timezone.now()
    alone = Flag.objects.create(project=project, rule=rule, severity="warning", since=date(2025, 1, 1),
                                first_seen=now, last_confirmed=now)
    assert alone.project_code == project.code == Flag.objects.get(pk=alone.pk).project_code
    other = make_project(code="DA-BULK")
    by_id = Flag(project_id=other.pk, rule=Rule.objects.get(code="LAND_UNUSED_12M"), severity="info",
                 since=date(2025, 1, 1), first_seen=now, last_confirmed=now)
    Flag.objects.bulk_create([by_id])
    assert Flag.objects.get(project=other).project_code == "DA-BULK"


def test_a_scan_corrects_a_stale_copy_on_a_flag_it_keeps(late):
    """A write that raced a scan may leave a kept flag with the old code: the rescan it owes puts it right, full or
    of the one project, without reopening the flag."""
    first, second = late
    kept = set(Flag.objects.filter(project=first, cleared_at__isnull=True).values_list("pk", flat=True))
    Flag.objects.filter(pk__in=kept).update(project_code="OLD")
    run_scan(project_id=first.pk)
    assert set(Flag.objects.filter(pk__in=kept, cleared_at__isnull=True).values_list("project_code", flat=True)) == {
        "DA-B"}
    Flag.objects.filter(project=second).update(project_code="OLD")
    result = run_scan()
    assert result.opened == 0 and _codes(second) == {"DA-C"}


def test_a_flag_the_scan_closes_takes_the_code_the_project_has_then(late):
    """A rename that raced a scan can leave the old code on a flag; if the rescan closes that flag (the same edit
    removed the condition), the closed flag still sorts by the project's code as it is now."""
    first, _second = late
    opened = set(Flag.objects.filter(project=first, cleared_at__isnull=True).values_list("pk", flat=True))
    Flag.objects.filter(pk__in=opened).update(project_code="OLD")
    Project.objects.filter(pk=first.pk).update(code="DA-NEW", construction_start_deadline=None)
    run_scan(project_id=first.pk)
    closed = Flag.objects.filter(pk__in=opened, cleared_at__isnull=False)
    assert closed.exists()
    assert set(closed.values_list("project_code", flat=True)) == {"DA-NEW"}
    assert not Flag.objects.filter(project_code="OLD").exists()


def test_a_past_date_scan_writes_the_code_the_project_has_now(varied):
    """As recorded 45 days ago the project had another code (its history says so); the flag the scan opens today
    is sorted by the code it has now."""
    _recorded_sixty_days_ago()
    day = timezone.localdate() - timedelta(days=45)
    project_id = run_scan(as_of=day, as_recorded=True, dry_run=True).findings[0][0]
    Project.objects.filter(pk=project_id).update(code="DA-RENAMED")  # no history row: the past keeps the old code
    run_scan(as_of=day, as_recorded=True)
    assert _codes(Project.objects.get(pk=project_id)) == {"DA-RENAMED"}
    assert not Flag.objects.exclude(project_code__in=Project.objects.values("code")).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_copies_of_the_flags():
    from decimal import Decimal

    from tests.migration_state import migrated_back

    with migrated_back([("projects", "0021_flag_open_counts")]) as (old, forward):
        district = old.get_model("clusters", "FormerDistrict").objects.create(name="Lương Sơn")
        commune = old.get_model("clusters", "Commune").objects.create(name="Lương Sơn", former_district=district)
        cluster = old.get_model("clusters", "Cluster").objects.create(
            code="CCN-M", name="Cụm M", commune=commune, former_district=district, industrial_land_ha=Decimal(40))
        investor = old.get_model("projects", "Investor").objects.create(name="Nhà đầu tư M", tax_code="0101234599")
        rule = old.get_model("projects", "Rule").objects.get(code="MILESTONE_OVERDUE")
        now = timezone.now()
        for n in range(2):
            project = old.get_model("projects", "Project").objects.create(
                code=f"DA-M{n}", name=f"Dự án {n}", cluster=cluster, investor=investor, registered_capital_vnd=10**10)
            old.get_model("projects", "Flag").objects.create(project=project, rule=rule, severity="warning",
                                                             since=date(2025, 1, 1), first_seen=now, last_confirmed=now)
        new = forward([("projects", "0022_flag_project_code")])
        assert sorted(new.get_model("projects", "Flag").objects.values_list("project_code", flat=True)) == [
            "DA-M0", "DA-M1"]
