"""The benchmark's reference SQL (`projects.benchmark_reference`) gives the findings the rules give.

The scan's benchmark prints the scan's time as a multiple of that one query; the ratio means something only if the
query does the same work and gets the same answer. The rules in Python are the reading of the law
(docs/watchlist.md); here the query is compared with them, finding by finding (project, rule, severity, since),
on the demo data and on varied projects that reach every rule: merged force-majeure periods, extensions that run
and that ran out, notices answered and not, schedule adjustments past the caps, terminated projects, year reports.
"""
import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects import benchmark_reference
from projects.models import (
    CapitalReport,
    ForceMajeurePeriod,
    LandUseExtension,
    Project,
    Rule,
    ScheduleAdjustment,
    TransferRequest,
    ViolationNotice,
)
from projects.watchlist.rules import RULES
from projects.watchlist.scans import _rule_params, evaluate
from tests.projects.test_coming_due_stored import _varied_projects

pytestmark = pytest.mark.postgres

DAY = timedelta(days=1)


def _both(as_of=None):
    as_of = as_of or timezone.localdate()
    rules = list(Rule.objects.filter(enabled=True, code__in=RULES))
    scan = {(pk, rule, finding.severity, finding.since) for pk, _code, rule, finding in evaluate(as_of, rules=rules)[0]}
    return scan, benchmark_reference.findings(as_of, _rule_params(rules, None))


def _more_records(make_project, rng: random.Random, count: int) -> None:
    """What `_varied_projects` leaves out: terminated projects, policy approvals with adjustments past 12 and 24
    months, overlapping force majeure, extensions of the delay clock and ones that ran out, transfer requests,
    year reports, a second notice."""
    today = timezone.localdate()
    for n in range(count):
        handover = today - timedelta(days=rng.randrange(300, 1800))
        completion_dl = handover + timedelta(days=rng.randrange(100, 500))
        fields = dict(code=f"DA-R-{n:03d}", irc_date=handover - timedelta(days=60), land_handover_date=handover,
                      construction_start_deadline=handover + timedelta(days=60),
                      construction_completion_deadline=completion_dl,
                      operation_deadline=completion_dl + timedelta(days=rng.randrange(0, 90)))
        kind = n % 5
        if kind == 0:
            fields.update(status="terminated", status_on=today - timedelta(days=rng.randrange(300, 1000)))
        elif kind == 1:
            fields.update(status="land_handed_over", policy_approval_number=f"QĐ-{n}",
                          policy_approval_date=fields["irc_date"])
        elif kind == 2:
            fields.update(status="under_construction", actual_construction_start=handover + timedelta(days=30))
        else:
            fields.update(status="land_handed_over")
        project = make_project(**fields)
        if kind == 1:
            for step in range(rng.randrange(1, 4)):
                ScheduleAdjustment.objects.create(
                    project=project, decision_number=f"ĐC-{n}-{step}", reason="Chậm giải phóng mặt bằng",
                    decision_date=handover + timedelta(days=100 * (step + 1)), months_added=rng.randrange(6, 14))
        if rng.random() < 0.4:  # overlapping and touching periods: one pause
            start = handover + timedelta(days=rng.randrange(0, 400))
            ForceMajeurePeriod.objects.create(project=project, start_date=start, end_date=start + 20 * DAY, reason="Lũ")
            ForceMajeurePeriod.objects.create(project=project, start_date=start + 10 * DAY, end_date=start + 40 * DAY,
                                              reason="Bão")
            ForceMajeurePeriod.objects.create(project=project, start_date=start + 41 * DAY, end_date=start + 45 * DAY,
                                              reason="Dịch bệnh")
        if kind in (2, 3) and rng.random() < 0.6:
            clock = "delay" if kind == 2 else "unused"
            start = today - timedelta(days=rng.randrange(30, 900))
            LandUseExtension.objects.create(project=project, clock=clock, start_date=start, decision_date=start,
                                            end_date=start + timedelta(days=rng.randrange(100, 700)),
                                            requested_on=start - timedelta(days=rng.randrange(1, 30)))
        if kind in (3, 4) and rng.random() < 0.5:
            for number in range(2):
                ViolationNotice.objects.create(
                    project=project, number=f"TB-R-{n}-{number}",
                    notice_date=today - timedelta(days=rng.randrange(0, 200)),
                    extension_requested_on=today - timedelta(days=rng.randrange(0, 10)) if rng.random() < 0.3 else None)
        if rng.random() < 0.2:
            TransferRequest.objects.create(project=project, request_date=today - timedelta(days=rng.randrange(0, 500)))
        if rng.random() < 0.3:
            CapitalReport.objects.create(project=project, year=today.year - 1, period=rng.choice(("Y", "Q3", "Q1")),
                                         implemented_capital_vnd=10**9, report_date=today - timedelta(days=rng.randrange(1, 400)))


def test_the_reference_gives_the_scans_findings_on_the_demo_data(db):
    call_command("load_demo", stdout=StringIO())
    scan, sql = _both()
    assert scan, "the demo has findings"
    assert sql == scan


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_reference_gives_the_scans_findings_on_varied_projects(make_project, seed):
    rng = random.Random(seed)
    _varied_projects(make_project, rng, 80)
    _more_records(make_project, rng, 60)
    scan, sql = _both()
    assert sorted(sql - scan) == [] and sorted(scan - sql) == []
    rules = {rule for _pk, rule, _severity, _since in scan}
    assert len(rules) >= 8, rules  # the data reach the rules, not only one or two
    assert {severity for _pk, _rule, severity, _since in scan} == {"info", "warning", "critical"}


def test_the_reference_follows_the_thresholds_and_the_rules_enabled(make_project):
    rng = random.Random(7)
    _varied_projects(make_project, rng, 60)
    _more_records(make_project, rng, 30)
    Rule.objects.filter(code="LAND_UNUSED_12M").update(thresholds={"months": 10, "warning_from_month": 6})
    Rule.objects.filter(code="MILESTONE_OVERDUE").update(enabled=False)
    scan, sql = _both()
    assert "MILESTONE_OVERDUE" not in {rule for _pk, rule, _severity, _since in sql}
    assert sql == scan
    assert Project.objects.exists()


def test_an_adjustment_decided_after_the_date_is_undone_as_the_scan_undoes_it(make_project):
    """The project row holds the deadlines of the latest adjustment, even one dated ahead; on the date the earlier
    ones are in force (and were missed)."""
    today = timezone.localdate()
    old = today - 700 * DAY
    project = make_project(status="land_handed_over", land_handover_date=old, irc_date=old - 30 * DAY,
                           construction_start_deadline=today + 200 * DAY, construction_completion_deadline=today + 400 * DAY,
                           operation_deadline=today + 500 * DAY)
    ScheduleAdjustment.objects.create(
        project=project, decision_number="ĐC-1", reason="Chậm giải phóng mặt bằng", months_added=13,
        decision_date=today + 10 * DAY, new_construction_start_deadline=today + 200 * DAY,
        previous_construction_start_deadline=old + 60 * DAY, new_operation_deadline=today + 500 * DAY,
        previous_operation_deadline=old + 400 * DAY)
    scan, sql = _both()
    assert (project.pk, "MILESTONE_OVERDUE", "warning", old + 61 * DAY) in scan
    assert sql == scan


def test_a_clock_of_zero_months_is_read_as_the_rules_read_it(make_project):
    rng = random.Random(11)
    _varied_projects(make_project, rng, 40)
    _more_records(make_project, rng, 20)
    Rule.objects.filter(code__in=["LAND_UNUSED_12M", "LAND_DELAY_24M"]).update(thresholds={"months": 0})
    scan, sql = _both()
    assert sql == scan


def test_the_reference_is_for_today_only():
    with pytest.raises(ValueError):
        benchmark_reference.findings(timezone.localdate() - DAY, [])


def test_every_rule_is_in_the_reference():
    assert set(benchmark_reference.FLAGS) == set(RULES)


def _years_ago(day, years):
    return day.replace(year=day.year - years) if not (day.month == 2 and day.day == 29) else day.replace(
        year=day.year - years, day=28)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_reference_agrees_on_the_day_before_the_day_of_and_the_day_after_each_threshold(make_project, offset):
    """Each clock set to end `offset` days from today: the reference must tell the same day as the rules, with a
    force-majeure period that starts exactly on a clock's nominal end (it pauses nothing) and one the day before."""
    today = timezone.localdate()
    shift = timedelta(days=offset)
    handover = _years_ago(today, 1) - shift  # the first day of month 13 is today - offset... give or take a day
    unused = make_project(status="land_handed_over", land_handover_date=handover, irc_date=handover - 30 * DAY,
                          construction_start_deadline=handover + 60 * DAY,
                          construction_completion_deadline=handover + 300 * DAY, operation_deadline=handover + 330 * DAY)
    on_the_end = make_project(status="land_handed_over", land_handover_date=handover - 5 * DAY,
                              irc_date=handover - 30 * DAY, construction_start_deadline=handover + 60 * DAY,
                              construction_completion_deadline=handover + 300 * DAY,
                              operation_deadline=handover + 330 * DAY)
    nominal_end = _years_ago(today, 0) - shift - 5 * DAY
    ForceMajeurePeriod.objects.create(project=on_the_end, start_date=nominal_end, end_date=nominal_end + 3 * DAY,
                                      reason="Lũ")
    just_before = make_project(status="land_handed_over", land_handover_date=handover - 5 * DAY,
                               irc_date=handover - 30 * DAY, construction_start_deadline=handover + 60 * DAY,
                               construction_completion_deadline=handover + 300 * DAY,
                               operation_deadline=handover + 330 * DAY)
    ForceMajeurePeriod.objects.create(project=just_before, start_date=nominal_end - DAY, end_date=nominal_end + 3 * DAY,
                                      reason="Lũ")
    # An extension of the unused clock whose day after its last day is today + offset.
    old = today - 800 * DAY
    extended = make_project(status="land_handed_over", land_handover_date=old, irc_date=old - 30 * DAY,
                            construction_start_deadline=old + 60 * DAY,
                            construction_completion_deadline=old + 900 * DAY, operation_deadline=old + 950 * DAY)
    LandUseExtension.objects.create(project=extended, clock="unused", start_date=today - 300 * DAY,
                                    decision_date=today - 300 * DAY, end_date=today + shift - DAY)
    # A notice whose 15 days end on today + offset.
    noticed = make_project(status="land_handed_over", land_handover_date=old, irc_date=old - 30 * DAY,
                           construction_start_deadline=old + 60 * DAY,
                           construction_completion_deadline=old + 900 * DAY, operation_deadline=old + 950 * DAY)
    ViolationNotice.objects.create(project=noticed, number="TB-1", notice_date=today + shift - 15 * DAY)
    scan, sql = _both()
    assert sql == scan
    codes = {(pk, rule) for pk, rule, _severity, _since in scan}
    assert ((extended.pk, "EXTENSION_EXPIRED") in codes) == (offset <= 0)
    assert ((noticed.pk, "EXTENSION_NOT_REQUESTED") in codes) == (offset < 0)
    assert {pk for pk, _rule in codes} >= {unused.pk, on_the_end.pk, just_before.pk}
