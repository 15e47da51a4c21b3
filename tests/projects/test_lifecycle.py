"""The watchlist over time, on stored projects (docs/watchlist.md): the past reproduced from what was recorded
then and from what is known now, reports counted from the day they were received, one land clock from handover to
recovery, one extension per clock, no revocation during an extension, the recovery steps' due dates, and the
nightly scan of the projects due."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    CapitalReport,
    Flag,
    LandUseExtension,
    Project,
    ProjectStatusChange,
    ScheduleAdjustment,
    ViolationNotice,
)
from projects.services import project_record_create, schedule_adjustment_create
from projects.watchlist.reviews import allowed_steps, recovery_next, review_step_record
from projects.watchlist.scans import run_scan

D = date
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """The department's today, read when the test runs: a value taken at import goes stale when the suite crosses
    midnight in Vietnam (CI once collected at 23:50 and ran these tests at 00:02, a day behind the server)."""
    return timezone.localdate()


def at(day: date) -> datetime:
    """Noon of a day, as a history timestamp."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=TZ)


def months_ago(months: int) -> date:
    return today() - relativedelta(months=months)


def found(result, code=None) -> set:
    return {(rule, finding.severity) for _pk, project_code, rule, finding in result.findings
            if code is None or project_code == code}


def saved_on(instance, day: date):
    """Save as if recorded on that day (the history's timestamp)."""
    instance._history_date = at(day)
    instance.save()
    return instance


@pytest.fixture
def changed_after(cluster, investor, watchlist_rules):
    """A project as it stood on 30/06/2025, then changed: an adjustment decided on 15/08/2025 (recorded 01/09),
    a violation notice dated 01/05/2025 but recorded only on 01/08/2025, terminated on 01/10/2025 (recorded
    02/10)."""
    project = Project(code="DA-PAST", name="Dự án quá khứ", cluster=cluster, investor=investor,
                      registered_capital_vnd=50 * 10**9, land_area_ha=Decimal(1), irc_date=D(2024, 1, 10),
                      land_handover_date=D(2024, 2, 1), construction_start_deadline=D(2024, 6, 1),
                      operation_deadline=D(2025, 1, 1), status="land_handed_over", status_since=D(2024, 2, 1))
    saved_on(project, D(2024, 1, 10))
    saved_on(ProjectStatusChange(project=project, status="land_handed_over", effective_on=D(2024, 2, 1),
                                 recorded_at=at(D(2024, 2, 1))), D(2024, 2, 1))
    saved_on(ViolationNotice(project=project, number="TB-9", notice_date=D(2025, 5, 1)), D(2025, 8, 1))
    saved_on(ScheduleAdjustment(project=project, decision_number="QĐ-7", decision_date=D(2025, 8, 15), months_added=19,
                                new_construction_start_deadline=D(2026, 1, 1), new_operation_deadline=D(2026, 12, 31),
                                previous_construction_start_deadline=D(2024, 6, 1),
                                previous_operation_deadline=D(2025, 1, 1), reason="Điều chỉnh"), D(2025, 9, 1))
    project.construction_start_deadline, project.operation_deadline = D(2026, 1, 1), D(2026, 12, 31)
    saved_on(project, D(2025, 9, 1))
    saved_on(ProjectStatusChange(project=project, status="terminated", effective_on=D(2025, 10, 1),
                                 recorded_at=at(D(2025, 10, 2))), D(2025, 10, 2))
    project.status, project.status_since = "terminated", D(2025, 10, 1)
    saved_on(project, D(2025, 10, 2))
    return project


def test_the_past_as_recorded_then_ignores_later_deadlines_statuses_and_records(changed_after):
    past = run_scan(as_of=D(2025, 6, 30), dry_run=True, as_recorded=True)
    # Not yet terminated on that day; the deadlines of that day; the notice not yet known.
    assert found(past, "DA-PAST") == {("LAND_UNUSED_12M", "critical"), ("MILESTONE_OVERDUE", "warning"),
                                      ("LAND_HOLDING_SIGNS", "warning"), ("REPORT_MISSING", "info")}
    milestone = next(f for _p, _c, rule, f in past.findings if rule == "MILESTONE_OVERDUE")
    assert [m["deadline"] for m in milestone.evidence["missed"]] == ["2024-06-01", "2025-01-01"]


def test_the_past_as_known_now_adds_what_was_recorded_later_about_that_day(changed_after):
    known_now = run_scan(as_of=D(2025, 6, 30), dry_run=True)
    # The notice dated 01/05/2025 was recorded later; what we know today says its 15 days ran out unanswered.
    assert ("EXTENSION_NOT_REQUESTED", "critical") in found(known_now, "DA-PAST")
    milestone = next(f for _p, _c, rule, f in known_now.findings if rule == "MILESTONE_OVERDUE")
    # The adjustment was decided after that day: the deadlines in force were still the first ones.
    assert [m["deadline"] for m in milestone.evidence["missed"]] == ["2024-06-01", "2025-01-01"]
    # After the decision the deadlines moved; after the termination only its own clock runs.
    assert ("MILESTONE_OVERDUE", "warning") not in found(run_scan(as_of=D(2025, 8, 20), dry_run=True), "DA-PAST")
    assert found(run_scan(as_of=D(2025, 10, 1), dry_run=True), "DA-PAST") == set()


def test_the_scan_command_reproduces_the_past_as_recorded_by_default(changed_after):
    from io import StringIO

    from django.core.management import call_command

    recorded, known = StringIO(), StringIO()
    call_command("scan_watchlist", "--as-of", "2025-06-30", "--dry-run", stdout=recorded)
    call_command("scan_watchlist", "--as-of", "2025-06-30", "--known-now", "--dry-run", stdout=known)
    assert "EXTENSION_NOT_REQUESTED" not in recorded.getvalue() and "EXTENSION_NOT_REQUESTED" in known.getvalue()


def test_a_capital_report_counts_from_the_day_it_was_received(make_project):
    project = make_project(code="DA-REPORT", irc_date=D(2023, 3, 1))
    # The 2024-H1 report was received on 01/03/2025, long after it was due on 20/06/2024.
    project_record_create(model=CapitalReport, project=project, year=2024, period="H1", report_date=D(2025, 3, 1),
                          implemented_capital_vnd=10**9)
    before = run_scan(as_of=D(2024, 12, 21), dry_run=True)
    assert ("REPORT_MISSING", "info") in found(before, "DA-REPORT")  # 2024-H1 and 2024-H2 missing then
    after = run_scan(as_of=D(2025, 3, 1), dry_run=True)
    assert ("REPORT_MISSING", "info") not in found(after, "DA-REPORT")


def test_a_report_without_a_date_is_received_the_day_it_is_recorded(make_project):
    project = make_project(code="DA-REPORT2")
    report = project_record_create(model=CapitalReport, project=project, year=2024, period="H1",
                                   implemented_capital_vnd=10**9)
    assert report.report_date == today()


# ---- One clock from handover to recovery -------------------------------------------------------------------------


def test_one_land_clock_from_handover_to_recovery(make_project, make_user):
    leader = make_user("lanhdao", "leadership")
    handover = months_ago(40)
    project = make_project(code="DA-LIFE", land_handover_date=handover, irc_date=months_ago(44), land_area_ha=Decimal(3))
    reached = handover + relativedelta(months=12)

    def state(day):
        return found(run_scan(as_of=day, dry_run=True), "DA-LIFE") & {
            ("LAND_UNUSED_12M", "warning"), ("LAND_UNUSED_12M", "critical"), ("LAND_UNUSED_12M", "info"),
            ("EXTENSION_EXPIRED", "critical"),
        }

    # Running: nothing in the first 8 months, a warning from month 9, reached on the first day of month 13.
    assert state(handover + relativedelta(months=8) - timedelta(days=1)) == set()
    assert state(handover + relativedelta(months=8)) == {("LAND_UNUSED_12M", "warning")}
    assert state(reached - timedelta(days=1)) == {("LAND_UNUSED_12M", "warning")}
    assert state(reached) == {("LAND_UNUSED_12M", "critical")}
    # Reached: leadership grants the one extension (24 months from month 13) on the flag.
    run_scan(as_of=reached)
    flag = Flag.objects.get(project=project, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True)
    assert "propose_revocation" not in allowed_steps(flag, leader)
    review_step_record(flag=flag, user=leader, action="grant_extension", letter_number="5/QĐ-UBND",
                       letter_date=reached + timedelta(days=10), months=24, due_date=reached + timedelta(days=40),
                       requested_on=reached + timedelta(days=2))
    extension = LandUseExtension.objects.get(project=project)
    assert (extension.clock, extension.start_date) == ("unused", reached)
    last_day = extension.end_date
    assert last_day == reached + relativedelta(months=24) - timedelta(days=1)
    # Extended: information only, lawful, until its last day.
    assert state(reached + timedelta(days=30)) == {("LAND_UNUSED_12M", "info")}
    assert state(last_day) == {("LAND_UNUSED_12M", "info")}
    # Expired, still unused: recovery without compensation is a ground.
    assert state(last_day + timedelta(days=1)) == {("EXTENSION_EXPIRED", "critical")}
    run_scan()
    expired = Flag.objects.get(project=project, rule__code="EXTENSION_EXPIRED", cleared_at__isnull=True)
    assert expired.ground == "recovery"
    assert Flag.objects.get(pk=flag.pk).cleared_at is not None  # the clock's flag closed, its review kept
    review_step_record(flag=expired, user=leader, action="propose_revocation", note="Đề nghị thu hồi đất")
    review_step_record(flag=expired, user=leader, action="record_decision", letter_number="9/QĐ-UBND", letter_date=today())
    project.refresh_from_db()
    assert project.status == "terminated" and project.land_recovered_on == today()


def test_revocation_is_refused_while_an_extension_runs(make_project, make_user):
    leader = make_user("lanhdao", "leadership")
    # Handed over 30 months ago, never used; a violation notice five months ago went unanswered for 15 days
    # (a ground), yet an extension of the clock was granted and runs for 6 more months: lawful while it runs.
    project = make_project(code="DA-EXT", land_handover_date=months_ago(30), irc_date=months_ago(32))
    ViolationNotice.objects.create(project=project, number="TB-1", notice_date=months_ago(5))
    LandUseExtension.objects.create(project=project, clock="unused", start_date=months_ago(18),
                                    end_date=months_ago(-6), decision_date=months_ago(4), requested_on=months_ago(4))
    run_scan()
    flag = Flag.objects.get(project=project, rule__code="EXTENSION_NOT_REQUESTED")
    assert flag.ground == "recovery"
    assert "propose_revocation" not in allowed_steps(flag, leader)
    with pytest.raises(ValidationError) as refused:
        review_step_record(flag=flag, user=leader, action="propose_revocation", note="Đề nghị thu hồi")
    assert months_ago(-6).strftime("%d/%m/%Y") in str(refused.value)
    clock = Flag.objects.get(project=project, rule__code="LAND_UNUSED_12M")
    assert clock.severity == "info" and clock.evidence["extension_end"] == months_ago(-6).isoformat()
    # The page shows the extension's end on the watchlist and on the flag.
    client = Client()
    client.force_login(leader)
    assert months_ago(-6).strftime("%d/%m/%Y") in client.get(reverse("watchlist:list")).content.decode()


def test_one_extension_per_clock_in_the_model_the_form_and_the_review(make_project, make_user, staff_client):
    leader = make_user("lanhdao", "leadership")
    project = make_project(code="DA-ONE", land_handover_date=months_ago(20), irc_date=months_ago(22))
    project_record_create(model=LandUseExtension, project=project, clock="unused", start_date=months_ago(8),
                          end_date=months_ago(-10), decision_date=months_ago(8))
    with pytest.raises(ValidationError, match="Luật Đất đai chỉ cho phép"):
        project_record_create(model=LandUseExtension, project=project, clock="unused", start_date=months_ago(2),
                              end_date=months_ago(-20), decision_date=months_ago(2))
    response = staff_client.post(
        reverse("projects:record_create", args=[project.pk, "extensions"]),
        {"clock": "unused", "decision_number": "2", "decision_date": months_ago(1).strftime("%d/%m/%Y"),
         "start_date": months_ago(1).strftime("%d/%m/%Y"), "end_date": months_ago(-12).strftime("%d/%m/%Y")},
    )
    assert response.status_code == 200 and "Luật Đất đai chỉ cho phép" in response.content.decode()
    assert LandUseExtension.objects.filter(project=project).count() == 1
    # The other clock still has its own extension.
    project_record_create(model=LandUseExtension, project=project, clock="delay", start_date=months_ago(1),
                          end_date=months_ago(-12), decision_date=months_ago(1))
    # A flag of the clock cannot grant another one.
    Flag.objects.all().delete()
    flag = Flag.objects.create(project=project, rule_id=_rule_id("LAND_UNUSED_12M"), severity="critical",
                               since=months_ago(8), evidence={"threshold_date": months_ago(8).isoformat()},
                               first_seen=at(today()), last_confirmed=at(today()))
    assert "grant_extension" not in allowed_steps(flag, leader)
    with pytest.raises(ValidationError, match="Luật Đất đai chỉ cho phép"):
        review_step_record(flag=flag, user=leader, action="grant_extension", letter_number="7", letter_date=today(),
                           months=12, due_date=today())


def _rule_id(code):
    from projects.models import Rule

    return Rule.objects.get(code=code).pk


def test_recovery_steps_have_due_dates_and_show_overdue(make_project, make_user):
    leader = make_user("lanhdao", "leadership")
    staff = make_user("chuyenvien", "staff")
    project = make_project(code="DA-REC", land_handover_date=months_ago(40), irc_date=months_ago(44))
    LandUseExtension.objects.create(project=project, clock="unused", start_date=months_ago(28),
                                    end_date=months_ago(4), decision_date=months_ago(28))
    run_scan()
    flag = Flag.objects.get(project=project, rule__code="EXTENSION_EXPIRED")
    review_step_record(flag=flag, user=leader, action="propose_revocation", note="Đề nghị thu hồi")
    flag.refresh_from_db()
    proposed_on = today()
    step = recovery_next(flag, today=proposed_on + timedelta(days=30))
    assert step["action"] == "recovery_file" and step["due"] == proposed_on + timedelta(days=30)
    assert step["overdue_days"] == 0
    assert recovery_next(flag, today=proposed_on + timedelta(days=31))["overdue_days"] == 1
    review_step_record(flag=flag, user=staff, action="recovery_file", letter_number="HS-1", letter_date=today())
    flag.refresh_from_db()
    assert recovery_next(flag)["action"] == "recovery_notice" and recovery_next(flag)["due"] == today() + timedelta(days=10)
    review_step_record(flag=flag, user=staff, action="recovery_notice", letter_number="TB-2", letter_date=today())
    flag.refresh_from_db()
    assert recovery_next(flag)["due"] == today() + timedelta(days=45)
    review_step_record(flag=flag, user=staff, action="recovery_assets", letter_date=today(), note="Đã kiểm đếm")
    flag.refresh_from_db()
    assert recovery_next(flag) == {"action": "record_decision", "label": recovery_next(flag)["label"],
                                   "due": today() + timedelta(days=15), "overdue_days": 0}
    # The flag page says what comes next and by when.
    client = Client()
    client.force_login(leader)
    html = client.get(reverse("watchlist:flag", args=[flag.pk])).content.decode()
    assert (today() + timedelta(days=15)).strftime("%d/%m/%Y") in html


def test_recovery_steps_are_only_for_a_land_recovery_ground(make_project, make_user):
    leader = make_user("lanhdao", "leadership")
    project = make_project(code="DA-SUSP", status="suspended", status_on=months_ago(14), irc_date=months_ago(30))
    from projects.models import UnreachableRecord

    UnreachableRecord.objects.create(project=project, since=months_ago(13))
    run_scan()
    flag = Flag.objects.get(project=project, rule__code="SUSPENDED_12M")
    assert flag.ground == "termination"
    review_step_record(flag=flag, user=leader, action="propose_revocation", note="Đề nghị chấm dứt")
    flag.refresh_from_db()
    assert "recovery_file" not in allowed_steps(flag, leader) and recovery_next(flag) is None
    assert "record_decision" in allowed_steps(flag, leader)


# ---- The nightly scan of the projects due ------------------------------------------------------------------------


def test_the_nightly_scan_evaluates_only_the_projects_due(make_project):
    quiet = make_project(code="DA-QUIET", irc_date=months_ago(1))
    busy = make_project(code="DA-BUSY", land_handover_date=months_ago(12) + timedelta(days=1), irc_date=months_ago(13))
    first = run_scan()
    assert first.evaluated == 2
    quiet.refresh_from_db()
    busy.refresh_from_db()
    # Land handed over 12 months less a day ago: month 13 begins tomorrow.
    assert busy.next_check_on == today() + timedelta(days=1)
    assert quiet.next_check_on > today()
    assert run_scan(incremental=True).evaluated == 0
    # A write marks the project due in its own transaction (even if the broker is down), and only it is scanned.
    project_record_create(model=ViolationNotice, project=quiet, number="TB-3", notice_date=today())
    assert Project.objects.get(pk=quiet.pk).next_check_on is None
    assert run_scan(incremental=True).evaluated == 1
    # The next day, the project whose clock turns is due.
    tomorrow = run_scan(as_of=today() + timedelta(days=1), incremental=True, dry_run=True)
    assert tomorrow.evaluated == 1 and ("LAND_UNUSED_12M", "critical") in found(tomorrow, "DA-BUSY")


def test_a_schedule_adjustment_keeps_the_deadlines_it_replaced(make_project):
    project = make_project(code="DA-ADJ", construction_start_deadline=D(2025, 1, 1), operation_deadline=D(2026, 1, 1))
    adjustment = schedule_adjustment_create(project=project, decision_number="QĐ-1", decision_date=D(2025, 2, 1),
                                            months_added=6, new_operation_deadline=D(2026, 7, 1), reason="Lý do")
    assert adjustment.previous_operation_deadline == D(2026, 1, 1)
    assert adjustment.previous_construction_start_deadline == D(2025, 1, 1)
    project.refresh_from_db()
    assert project.operation_deadline == D(2026, 7, 1)
    before = run_scan(as_of=D(2025, 1, 31), dry_run=True)
    milestone = next(f for _p, code, rule, f in before.findings if code == "DA-ADJ" and rule == "MILESTONE_OVERDUE")
    assert milestone.evidence["missed"][0]["deadline"] == "2025-01-01"


def test_a_status_change_records_its_effective_date_and_refuses_the_future(make_project, staff_client):
    project = make_project(code="DA-STATUS", status="operating", actual_construction_start=D(2024, 5, 1),
                           actual_completion=D(2024, 12, 1), actual_operation_start=D(2025, 1, 1))
    url = reverse("projects:update", args=[project.pk])
    post = {
        "code": project.code, "name": project.name, "cluster": project.cluster.code, "investor": project.investor.tax_code,
        "industry": "other", "registered_capital_vnd": "100", "land_area_ha": "1", "irc_date": "01/03/2024",
        "actual_construction_start": "01/05/2024", "actual_completion": "01/12/2024",
        "actual_operation_start": "01/01/2025", "workers": "0", "version": project.version, "status": "suspended",
        "status_effective_on": (today() + timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    response = staff_client.post(url, post)
    assert response.status_code == 200 and "tương lai" in response.content.decode()
    post["status_effective_on"] = "01/06/2025"
    assert staff_client.post(url, post).status_code == 302
    project.refresh_from_db()
    assert project.status == "suspended" and project.status_since == D(2025, 6, 1)
    assert list(project.status_changes.values_list("status", "effective_on").order_by("effective_on")) == [
        ("operating", D(2025, 1, 1)), ("suspended", D(2025, 6, 1))]
    # Before the change last in force: refused.
    post.update({"status": "operating", "status_effective_on": "01/05/2025", "version": project.version})
    response = staff_client.post(url, post)
    assert response.status_code == 200 and "01/06/2025" in response.content.decode()


def test_changing_a_rules_thresholds_in_the_admin_makes_every_project_due(make_project, admin_client):
    import json

    from projects.models import Rule

    project = make_project(code="DA-RULE")
    run_scan()
    assert Project.objects.get(pk=project.pk).next_check_on is not None
    rule = Rule.objects.get(code="LAND_UNUSED_12M")
    response = admin_client.post(reverse("admin:projects_rule_change", args=[rule.pk]), {
        "name": rule.name, "description": rule.description, "severity": rule.severity,
        "thresholds": json.dumps({"months": 6, "warning_from_month": 4}), "legal_basis": rule.legal_basis,
        "enabled": "on",
    })
    assert response.status_code == 302
    assert Rule.objects.get(pk=rule.pk).thresholds == {"months": 6, "warning_from_month": 4}
    assert Project.objects.get(pk=project.pk).next_check_on is None


def test_a_decision_is_refused_once_the_flag_is_no_longer_a_ground(make_project, make_user):
    leader = make_user("lanhdao", "leadership")
    project = make_project(code="DA-LOST", land_handover_date=months_ago(30), irc_date=months_ago(32))
    ViolationNotice.objects.create(project=project, number="TB-1", notice_date=months_ago(5))
    run_scan()
    flag = Flag.objects.get(project=project, rule__code="EXTENSION_NOT_REQUESTED")
    review_step_record(flag=flag, user=leader, action="propose_revocation", note="Đề nghị thu hồi")
    # An extension is granted afterwards on the land clock: no decision, no recovery step while it runs.
    LandUseExtension.objects.create(project=project, clock="unused", start_date=months_ago(18),
                                    end_date=months_ago(-6), decision_date=months_ago(1))
    flag.refresh_from_db()
    assert not {"record_decision", "recovery_file"} & set(allowed_steps(flag, leader))
    with pytest.raises(ValidationError):
        review_step_record(flag=flag, user=leader, action="record_decision", letter_number="9", letter_date=today())
    assert Project.objects.get(pk=project.pk).status != "terminated"


def test_adjustments_are_recorded_in_the_order_they_were_decided(make_project):
    project = make_project(code="DA-ORDER", operation_deadline=D(2026, 1, 1))
    schedule_adjustment_create(project=project, decision_number="QĐ-2", decision_date=D(2025, 6, 1), months_added=3,
                               new_operation_deadline=D(2026, 4, 1), reason="Lý do")
    with pytest.raises(ValidationError) as refused:
        schedule_adjustment_create(project=project, decision_number="QĐ-1", decision_date=D(2025, 3, 1),
                                   months_added=2, new_operation_deadline=D(2026, 6, 1), reason="Lý do")
    assert "01/06/2025" in str(refused.value)


def test_a_scan_does_not_overwrite_a_next_check_emptied_meanwhile(make_project):
    from projects.watchlist import scans

    project = make_project(code="DA-RACE")
    Project.objects.filter(pk=project.pk).update(next_check_on=today() + timedelta(days=30))
    # The scan read 30 days ahead; a write emptied it since; the scan's new date must not hide the change.
    Project.objects.filter(pk=project.pk).update(next_check_on=None)
    scans._store_next_checks({project.pk: (today() + timedelta(days=60), today() + timedelta(days=30))})
    assert Project.objects.get(pk=project.pk).next_check_on is None
    scans._store_next_checks({project.pk: (today() + timedelta(days=60), None)})
    assert Project.objects.get(pk=project.pk).next_check_on == today() + timedelta(days=60)


def test_a_past_scan_as_recorded_uses_the_thresholds_of_that_day(make_project):
    from projects.models import Rule

    make_project(code="DA-THEN", land_handover_date=D(2024, 1, 1))
    rule = Rule.objects.get(code="LAND_UNUSED_12M")
    rule.thresholds = {"months": 12, "warning_from_month": 9}
    rule._history_date = at(D(2024, 1, 1))
    rule.save()
    rule.thresholds = {"months": 6, "warning_from_month": 4}
    rule._history_date = at(D(2025, 6, 1))
    rule.save()
    # On 01/10/2024 the rule said 12 months (a warning from month 9), not the 6 months decided in 2025.
    Project.history.filter(code="DA-THEN").update(history_date=at(D(2024, 1, 1)))
    from projects.models import ProjectStatusChange

    ProjectStatusChange.history.filter(project_id__in=Project.objects.filter(code="DA-THEN").values("pk")).update(
        history_date=at(D(2024, 1, 1)))
    recorded = run_scan(as_of=D(2024, 10, 1), dry_run=True, as_recorded=True)
    assert ("LAND_UNUSED_12M", "warning") in found(recorded, "DA-THEN")
    known_now = run_scan(as_of=D(2024, 10, 1), dry_run=True)
    assert ("LAND_UNUSED_12M", "critical") in found(known_now, "DA-THEN")


@pytest.mark.parametrize("thresholds", [{"months": "12"}, {"months": 0}, {"h2_due": "02-29"}, {"grace": 30}, [12]])
def test_thresholds_that_would_stop_every_scan_are_refused(watchlist_rules, thresholds):
    from projects.models import Rule

    rule = Rule.objects.get(code="REPORT_MISSING")
    rule.thresholds = thresholds
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_a_status_changed_in_the_admin_is_dated_today_and_owes_the_watchlist_a_rescan(make_project, admin_client):
    from tests.clusters.test_summary import _admin_form_data

    project = make_project(code="DA-ADMIN", status="operating", actual_construction_start=D(2018, 6, 1),
                           actual_completion=D(2018, 12, 1), actual_operation_start=D(2019, 1, 1))
    Project.objects.filter(pk=project.pk).update(next_check_on=today() + timedelta(days=5))
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = _admin_form_data(admin_client.get(url))
    data["status"] = "suspended"
    assert admin_client.post(url, data).status_code == 302
    project.refresh_from_db()
    # Suspended today, not since 2019: Art. 48(2)(c)'s 12 months start now.
    assert project.status_since == today() and project.next_check_on is None
    assert project.status_changes.order_by("-recorded_at").first().status == "suspended"


def test_the_watchlist_pages_speak_vietnamese_words_not_codes(make_project, make_user):
    import re

    leader = make_user("lanhdao", "leadership")
    project = make_project(code="DA-WORDS", name="Nhà máy giấy", land_handover_date=months_ago(40), irc_date=months_ago(44))
    LandUseExtension.objects.create(project=project, clock="unused", start_date=months_ago(28),
                                    end_date=months_ago(4), decision_date=months_ago(28))
    run_scan()
    flag = Flag.objects.get(project=project, rule__code="EXTENSION_EXPIRED")
    client = Client()
    client.force_login(leader)
    listing = client.get(reverse("watchlist:list")).content.decode()
    page = client.get(reverse("watchlist:flag", args=[flag.pk])).content.decode()
    visible = re.sub(r'title="[^"]*"', "", listing + page)  # a code may stay in a tooltip for the technical team
    assert "EXTENSION_EXPIRED" not in visible and "LAND_UNUSED_12M" not in visible
    assert "Hết thời hạn gia hạn" in listing and "Nhà máy giấy" in listing
    # The evidence as labelled fields with dd/mm/yyyy dates, not a dictionary with English keys.
    assert "extension_end" not in page and "Gia hạn đến" in page
    assert (months_ago(4) - timedelta(days=0)).strftime("%d/%m/%Y") in page


def test_the_flag_page_and_export_leave_out_the_developers_note_on_the_legal_basis(make_project, make_user):
    leader = make_user("lanhdao", "leadership")
    make_project(code="DA-NOTE", construction_start_deadline=months_ago(6), irc_date=months_ago(12))
    run_scan()
    flag = Flag.objects.get(project__code="DA-NOTE", rule__code="MILESTONE_OVERDUE")
    client = Client()
    client.force_login(leader)
    page = client.get(reverse("watchlist:flag", args=[flag.pk])).content.decode()
    export = client.get(reverse("watchlist:export"), {"format": "csv"})
    csv_text = b"".join(export.streaming_content).decode("utf-8-sig") if export.streaming else export.content.decode("utf-8-sig")
    assert "Luật Đầu tư 2020" in page and "đối chiếu" not in page
    assert "Luật Đầu tư 2020" in csv_text and "đối chiếu" not in csv_text
