"""A date the tracker accepts lies in a plausible window (DATE_MIN to DATE_MAX_YEARS_AHEAD years after today), in
the forms, the services and the import; and one project's bad data never stops the scan of the others."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import Flag, ForceMajeurePeriod, Project, Scan
from projects.services import project_record_create
from projects.watchlist.scans import run_scan
from tracker.dates import date_window


def test_the_window_ends_30_years_ahead_and_starts_in_1990():
    earliest, latest = date_window()
    assert earliest == date(1990, 1, 1) and latest.year == timezone.localdate().year + 30


def test_the_window_follows_its_settings_at_once_and_the_day_within_a_second(settings, monkeypatch):
    """The window is kept for a second (an import checks many dates): a change of its settings is seen at once, a new
    day after at most that second."""
    import tracker.dates

    first = date_window()
    settings.DATE_MAX_YEARS_AHEAD = 5
    settings.DATE_MIN = date(2000, 1, 1)
    assert date_window() == (date(2000, 1, 1), first[1].replace(year=first[1].year - 25))
    tomorrow = timezone.localdate() + timedelta(days=40)
    monkeypatch.setattr(tracker.dates.timezone, "localdate", lambda **kwargs: tomorrow)
    clock = [tracker.dates.time.monotonic()]
    monkeypatch.setattr(tracker.dates.time, "monotonic", lambda: clock[0])
    date_window()
    clock[0] += 1.01
    assert date_window()[1] == tomorrow.replace(year=tomorrow.year + 5, day=min(tomorrow.day, 28))


def test_a_form_refuses_31_12_9999_and_keeps_what_was_typed(staff_client, project):
    url = reverse("projects:record_create", args=[project.pk, "force-majeure"])
    response = staff_client.post(url, {"start_date": "01/01/2025", "end_date": "31/12/9999", "reason": "Lũ"})
    html = response.content.decode()
    assert response.status_code == 200 and "Ngày phải nằm trong khoảng" in html and "31/12/9999" in html
    assert not ForceMajeurePeriod.objects.exists()


def test_a_service_refuses_a_date_outside_the_window(project):
    with pytest.raises(ValidationError) as refused:
        project_record_create(model=ForceMajeurePeriod, project=project, start_date=date(2025, 1, 1),
                              end_date=date(9999, 12, 31), reason="Lũ")
    assert "end_date" in refused.value.message_dict
    with pytest.raises(ValidationError):
        project_record_create(model=ForceMajeurePeriod, project=project, start_date=date(1900, 1, 1),
                              end_date=date(1900, 1, 2), reason="Lũ")


def test_the_import_refuses_it_in_its_cell(cluster):
    from projects.imports.engine import run_import
    from tests.projects.test_imports import project_row, projects_file

    outcome = run_import(projects_file(project_row(land_handover_date="31/12/9999")), "du-an.xlsx", commit=True)
    assert not outcome.committed
    assert "Ngày phải nằm trong khoảng" in str(outcome.errors[0]) and "31/12/9999" in str(outcome.errors[0])


def test_one_projects_bad_data_does_not_stop_the_scan_of_the_others(make_project, make_user, monkeypatch):
    good = make_project(code="DA-GOOD", land_handover_date=date(2023, 5, 3))
    bad = make_project(code="DA-BAD", land_handover_date=date(2023, 5, 3))
    run_scan()
    kept = Flag.objects.get(project=bad, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True)
    # A record written around the checks (a shell, an old row) that makes a clock overflow.
    ForceMajeurePeriod.objects.bulk_create([ForceMajeurePeriod(project=bad, start_date=date(2023, 6, 1),
                                                               end_date=date(9999, 12, 31), reason="Nhập sai")])
    result = run_scan()
    assert [code for _pk, code, _error in result.failures] == ["DA-BAD"]
    assert Flag.objects.filter(project=good, cleared_at__isnull=True).exists()
    assert Flag.objects.get(pk=kept.pk).cleared_at is None  # its flags as they were
    scan = Scan.objects.get(pk=result.scan_id)
    assert scan.status == "succeeded" and "DA-BAD" in scan.error and "OverflowError" in scan.error
    # The watchlist page and /healthz say so.
    client = Client()
    client.force_login(make_user("lanhdao", "leadership"))
    assert 'id="scan-partial"' in client.get(reverse("watchlist:list")).content.decode()
    assert Client().get("/healthz").json()["watchlist"] == "partial"
    assert Project.objects.filter(code="DA-GOOD").exists()
