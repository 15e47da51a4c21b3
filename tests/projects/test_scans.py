"""Scans: open, keep and close flags; reruns change nothing; as-of dates reproduce the past; the command line."""
import json
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Flag, ForceMajeurePeriod, Project, Scan
from projects.watchlist.scans import run_scan

D = date


@pytest.fixture
def unused_land(make_project):
    """Land handed over on 03/05/2023, construction not started: critical from 03/05/2024."""
    return make_project(code="DA-UNUSED", land_handover_date=D(2023, 5, 3), irc_date=D(2023, 1, 10))


def test_scan_opens_a_flag_with_its_evidence_and_records_itself(unused_land):
    result = run_scan(as_of=D(2024, 5, 3))
    flag = Flag.objects.get(project=unused_land, rule__code="LAND_UNUSED_12M")
    assert flag.severity == "critical" and flag.since == D(2024, 5, 3) and flag.is_open
    assert flag.evidence["land_handover_date"] == "2023-05-03"
    scan = Scan.objects.get(pk=result.scan_id)
    assert scan.status == "succeeded" and scan.as_of == D(2024, 5, 3) and scan.opened == result.opened >= 1


def test_a_rerun_changes_nothing(unused_land):
    first = run_scan(as_of=D(2024, 5, 3))
    flags = list(Flag.objects.values_list("pk", "severity", "since", "cleared_at"))
    second = run_scan(as_of=D(2024, 5, 3))
    assert second.opened == 0 and second.closed == 0 and second.kept == first.opened
    assert list(Flag.objects.values_list("pk", "severity", "since", "cleared_at")) == flags


def test_a_warning_escalates_in_place_to_critical(unused_land):
    run_scan(as_of=D(2024, 1, 3))
    warning = Flag.objects.get(rule__code="LAND_UNUSED_12M")
    assert warning.severity == "warning"
    run_scan(as_of=D(2024, 5, 3))
    critical = Flag.objects.get(rule__code="LAND_UNUSED_12M")
    assert critical.pk == warning.pk and critical.severity == "critical" and critical.since == D(2024, 5, 3)


def test_a_flag_closes_when_its_condition_stops_and_stays_in_the_history(unused_land, staff_user):
    run_scan(as_of=D(2024, 6, 1))
    Project.objects.filter(pk=unused_land.pk).update(actual_construction_start=D(2024, 6, 15))
    result = run_scan(as_of=D(2024, 7, 1))
    flag = Flag.objects.get(rule__code="LAND_UNUSED_12M")
    assert result.closed >= 1 and flag.cleared_at is not None
    # Should it hold again later, a new flag opens; the closed one remains.
    Project.objects.filter(pk=unused_land.pk).update(actual_construction_start=None)
    run_scan(as_of=D(2024, 8, 1))
    assert Flag.objects.filter(rule__code="LAND_UNUSED_12M").count() == 2


def test_force_majeure_recorded_later_closes_a_flag_it_explains(unused_land):
    run_scan(as_of=D(2024, 5, 3))
    ForceMajeurePeriod.objects.create(project=unused_land, start_date=D(2023, 8, 1), end_date=D(2023, 8, 31), reason="Lũ")
    run_scan(as_of=D(2024, 5, 3))
    flag = Flag.objects.get(rule__code="LAND_UNUSED_12M", cleared_at__isnull=True)
    assert flag.severity == "warning"  # the critical date moved to 03/06/2024


def test_as_of_a_past_date_ignores_what_happened_after_it(unused_land):
    Project.objects.filter(pk=unused_land.pk).update(actual_construction_start=D(2024, 9, 1))
    past = {(r[1], r[2]) for r in run_scan(as_of=D(2024, 6, 1), dry_run=True).findings}
    now = {(r[1], r[2]) for r in run_scan(as_of=D(2024, 10, 1), dry_run=True).findings}
    assert ("DA-UNUSED", "LAND_UNUSED_12M") in past and ("DA-UNUSED", "LAND_UNUSED_12M") not in now


def test_terminated_projects_are_flagged_only_by_their_own_clock(unused_land):
    from projects.services import project_update

    project_update(project=unused_land, status=Project.Status.TERMINATED, status_effective_on=D(2024, 12, 1))
    assert run_scan(as_of=D(2025, 1, 1), dry_run=True).findings == []
    # Decree 102/2024 Art. 35(2): 24 months after the termination the land not transferred is recovered.
    later = run_scan(as_of=D(2026, 12, 1), dry_run=True).findings
    assert [(code, rule) for _pk, code, rule, _finding in later] == [("DA-UNUSED", "TERMINATED_LAND_24M")]


def test_dry_run_writes_nothing(unused_land):
    result = run_scan(as_of=D(2024, 5, 3), dry_run=True)
    assert result.findings and not Flag.objects.exists() and not Scan.objects.exists()


def test_saving_a_project_rescans_it(staff_client, unused_land, django_capture_on_commit_callbacks):
    from projects.services import project_update

    with django_capture_on_commit_callbacks(execute=True):
        project_update(project=unused_land, name="Tên mới")
    assert Flag.objects.filter(project=unused_land, rule__code="LAND_UNUSED_12M").exists()
    assert Scan.objects.filter(project=unused_land, status="succeeded").exists()


def test_a_new_critical_flag_emails_leadership_once(make_user, unused_land, django_capture_on_commit_callbacks):
    leader = make_user("lanhdao", "leadership", email="lanhdao@soct.example")
    with django_capture_on_commit_callbacks(execute=True):
        run_scan(as_of=D(2024, 5, 3))
    with django_capture_on_commit_callbacks(execute=True):
        run_scan(as_of=D(2024, 5, 4))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [leader.email]
    assert "DA-UNUSED" in mail.outbox[0].body


def test_weekly_digest_goes_out_once_a_week(make_user, unused_land):
    from projects.watchlist.notifications import send_weekly_digest

    make_user("lanhdao", "leadership", email="lanhdao@soct.example")
    run_scan(as_of=D(2024, 5, 3))
    assert send_weekly_digest(today=D(2024, 5, 6)) == 1
    assert send_weekly_digest(today=D(2024, 5, 8)) == 0
    assert send_weekly_digest(today=D(2024, 5, 13)) == 1
    assert len(mail.outbox) == 2


def test_scan_command_prints_json_sorted_by_project_then_rule(make_project):
    make_project(code="DA-B", land_handover_date=D(2023, 5, 3), construction_start_deadline=D(2023, 11, 1))
    make_project(code="DA-A", land_handover_date=D(2023, 5, 3))
    out = StringIO()
    call_command("scan_watchlist", "--as-of", "2024-05-03", "--known-now", "--format", "json", "--dry-run", stdout=out)
    rows = json.loads(out.getvalue())
    keys = [(row["project_code"], row["rule"]) for row in rows]
    assert keys == sorted(keys) and ("DA-A", "LAND_UNUSED_12M") in keys and ("DA-B", "MILESTONE_OVERDUE") in keys
    assert set(rows[0]) == {"project_code", "rule", "severity", "since", "evidence", "ground"}
    unused = next(row for row in rows if row["project_code"] == "DA-A" and row["rule"] == "LAND_UNUSED_12M")
    assert unused == {
        "project_code": "DA-A", "rule": "LAND_UNUSED_12M", "severity": "critical", "since": "2024-05-03",
        "evidence": {"land_handover_date": "2023-05-03", "threshold_date": "2024-05-03", "force_majeure_days": 0,
                     "construction_start_deadline": None, "clock_state": "reached"},
        "ground": False,
    }
    assert not Flag.objects.exists()


def test_scan_command_writes_and_summarises(unused_land):
    out = StringIO()
    call_command("scan_watchlist", "--as-of", "2024-05-03", "--known-now", stdout=out)
    assert "flags opened" in out.getvalue() and Flag.objects.exists()


def test_scan_command_of_a_past_date_reads_what_was_recorded_by_then(unused_land):
    # The project was recorded today: on 03/05/2024 the tracker knew nothing of it.
    out = StringIO()
    call_command("scan_watchlist", "--as-of", "2024-05-03", "--dry-run", stdout=out)
    assert out.getvalue().startswith("0 finding(s) as of 2024-05-03")


def test_scan_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("scan_watchlist", "--as-of", "03/05/2024")


def test_a_disabled_rule_opens_nothing(unused_land):
    from projects.models import Rule

    Rule.objects.filter(code="LAND_UNUSED_12M").update(enabled=False)
    run_scan(as_of=D(2024, 5, 3))
    assert not Flag.objects.filter(rule__code="LAND_UNUSED_12M").exists()


def test_thresholds_are_data(unused_land):
    from projects.models import Rule

    Rule.objects.filter(code="LAND_UNUSED_12M").update(thresholds={"months": 6, "warning_from_month": 4})
    finding = next(r for r in run_scan(as_of=D(2023, 11, 3), dry_run=True).findings if r[2] == "LAND_UNUSED_12M")
    assert finding[3].severity == "critical"


def test_a_request_after_the_15_days_never_hides_the_flag(make_project):
    from projects.models import ViolationNotice

    project = make_project(code="DA-NOTICE", land_handover_date=D(2024, 9, 1))
    ViolationNotice.objects.create(project=project, number="TB-1", notice_date=D(2025, 10, 1),
                                   extension_requested_on=D(2025, 12, 1))
    past = {(r[1], r[2]) for r in run_scan(as_of=D(2025, 11, 1), dry_run=True).findings}
    later = {(r[1], r[2]) for r in run_scan(as_of=D(2025, 12, 2), dry_run=True).findings}
    assert ("DA-NOTICE", "EXTENSION_NOT_REQUESTED") in past and ("DA-NOTICE", "EXTENSION_NOT_REQUESTED") in later


def test_a_request_within_15_days_dated_after_the_as_of_date_does_not_hide_that_day(make_project):
    from projects.models import ViolationNotice

    project = make_project(code="DA-NOTICE", land_handover_date=D(2024, 9, 1))
    ViolationNotice.objects.create(project=project, number="TB-1", notice_date=D(2025, 10, 1),
                                   extension_requested_on=D(2025, 10, 16))
    # The window ends on 16/10: the request of that day answers it; as of 15/10 the window is still open.
    assert not any(r[2] == "EXTENSION_NOT_REQUESTED" for r in run_scan(as_of=D(2025, 10, 15), dry_run=True).findings)
    assert not any(r[2] == "EXTENSION_NOT_REQUESTED" for r in run_scan(as_of=D(2025, 10, 17), dry_run=True).findings)


def test_editing_a_project_never_writes_back_a_stale_implemented_capital(make_project):
    from projects.models import CapitalReport
    from projects.services import project_record_create, project_update

    project = make_project(code="DA-STALE")
    stale = Project.objects.get(pk=project.pk)  # opened before the report arrives
    project_record_create(model=CapitalReport, project=project, year=2025, period="Q1", implemented_capital_vnd=7 * 10**9)
    project_update(project=stale, name="Tên mới")
    assert Project.objects.get(pk=project.pk).latest_implemented_vnd == 7 * 10**9
