"""A project the scan could not evaluate carries the failure (when, which scan, why) until a later scan evaluates
it; its page tells the people who can correct it, in words, and the administrator the technical text."""
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import ForceMajeurePeriod, ScanFailure
from projects.watchlist.scans import run_scan

NOTICE = "Lần rà soát gần nhất không đánh giá được dự án này"


def _page(user, project) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def broken(make_project):
    """Two projects; the second has a record written around the checks whose end date overflows every clock."""
    good = make_project(code="DA-GOOD", land_handover_date=date(2023, 5, 3))
    bad = make_project(code="DA-BAD", land_handover_date=date(2023, 5, 3))
    ForceMajeurePeriod.objects.bulk_create([ForceMajeurePeriod(project=bad, start_date=date(2023, 6, 1),
                                                               end_date=date(9999, 12, 31), reason="Nhập sai")])
    return good, bad


def test_the_failure_is_recorded_on_the_project_and_cleared_by_a_later_scan(broken, make_user):
    good, bad = broken
    result = run_scan()
    failure = ScanFailure.objects.get()
    assert failure.project == bad and failure.scan_id == result.scan_id
    assert failure.error.startswith("OverflowError") and failure.date_overflow

    staff, leader = make_user("chuyenvien", "staff"), make_user("lanhdao", "leadership")
    for user in (staff, leader):
        html = _page(user, bad)
        assert 'id="scan-failure"' in html and NOTICE in html and "quá xa nên không tính được" in html
        assert "OverflowError" not in html  # the technical text is for the administrator
        assert 'id="scan-failure"' not in _page(user, good)
    assert 'id="scan-failure"' not in _page(make_user("xem", "viewer"), bad)  # cannot correct it
    admin = make_user("quantri", is_superuser=True, is_staff=True)
    assert "OverflowError" in _page(admin, bad)

    # A scan of another project leaves the failure as it is; a scan that evaluates the project clears it.
    run_scan(project_id=good.pk)
    assert ScanFailure.objects.filter(project=bad).exists()
    ForceMajeurePeriod.objects.filter(project=bad).delete()
    run_scan(project_id=bad.pk)
    assert not ScanFailure.objects.exists()
    assert 'id="scan-failure"' not in _page(staff, bad)


def test_a_second_failing_scan_updates_the_record_instead_of_adding_one(broken):
    _good, bad = broken
    first = run_scan()
    second = run_scan()
    failure = ScanFailure.objects.get(project=bad)
    assert second.scan_id != first.scan_id and failure.scan_id == second.scan_id


def test_a_full_scan_clears_the_failures_of_the_projects_it_evaluated(broken):
    _good, bad = broken
    run_scan()
    ForceMajeurePeriod.objects.filter(project=bad).delete()
    result = run_scan()
    assert result.failures == [] and not ScanFailure.objects.exists()


def test_a_failure_other_than_a_date_says_to_check_the_data(broken, make_user):
    _good, bad = broken
    run_scan()
    ScanFailure.objects.filter(project=bad).update(error="KeyError: 'months'")
    html = _page(make_user("chuyenvien", "staff"), bad)
    assert NOTICE in html and "quá xa nên không tính được" not in html and "Hãy kiểm tra dữ liệu của dự án" in html
