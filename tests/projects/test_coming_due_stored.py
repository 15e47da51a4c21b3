"""The coming-due list reads the dates the scan stores (`Deadline`): they must be the dates the rules give when
computed live (`coming_due`), move when the data change and the project is rescanned, and follow an edited rule."""
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    CapitalReport,
    Deadline,
    ForceMajeurePeriod,
    LandUseExtension,
    Project,
    Rule,
    UnreachableRecord,
    ViolationNotice,
)
from projects.watchlist.coming_due import coming_due, due_deadlines, due_rows_of
from projects.watchlist.rules import AHEAD, WINDOW
from projects.watchlist.scans import run_scan, scan_pending

DAY = timedelta(days=1)


def _today():
    return timezone.localdate()


def _key(row):
    return (row.project_id, row.rule_code, row.crossing, row.days_left, row.finding.severity, row.finding.evidence,
            bool(row.finding.ground), row.extra)


def _stored(user, days, today=None):
    today = today or _today()
    return due_rows_of(due_deadlines(user=user, today=today, days=days), today)


def _varied_projects(make_project, rng: random.Random, count: int) -> None:
    """Projects at every stage, their deadlines and records spread around today: notices with and without a request,
    suspended projects with an unreachable investor, capital reports, force majeure, extensions."""
    today = _today()
    for n in range(count):
        irc = today - timedelta(days=rng.randrange(200, 1500))
        handover = irc + timedelta(days=rng.randrange(30, 200))
        start_dl = handover + timedelta(days=rng.randrange(60, 700))
        completion_dl = start_dl + timedelta(days=rng.randrange(100, 600))
        operation_dl = completion_dl + timedelta(days=rng.randrange(30, 200))
        fields = dict(code=f"DA-V-{n:03d}", irc_date=irc, construction_start_deadline=start_dl,
                      construction_completion_deadline=completion_dl, operation_deadline=operation_dl,
                      registered_capital_vnd=rng.randrange(10, 300) * 10**9, land_area_ha=Decimal("0.01"))
        kind = rng.random()
        if kind < 0.15:
            fields.update(status="registered")
        elif kind < 0.45:
            fields.update(status="land_handed_over", land_handover_date=handover)
        elif kind < 0.65 and start_dl - timedelta(days=20) <= today:
            fields.update(status="under_construction", land_handover_date=handover,
                          actual_construction_start=min(today, start_dl - timedelta(days=rng.randrange(-60, 20))))
        elif kind < 0.8:
            stopped = today - timedelta(days=rng.randrange(200, 400))
            fields.update(status="suspended", land_handover_date=handover, status_on=stopped)
        else:
            fields.update(status="land_handed_over", land_handover_date=handover,
                          latest_implemented_vnd=fields["registered_capital_vnd"] // rng.choice((5, 20)))
        if fields.get("actual_construction_start") and fields["actual_construction_start"] < handover:
            fields["actual_construction_start"] = handover
        project = make_project(**fields)
        if project.status == "suspended" and rng.random() < 0.7:
            UnreachableRecord.objects.create(project=project, since=today - timedelta(days=rng.randrange(10, 100)))
        if project.land_handover_date and rng.random() < 0.2:
            ViolationNotice.objects.create(project=project, number=f"TB-{n}", notice_date=today - timedelta(days=rng.randrange(0, 20)),
                                           extension_requested_on=today if rng.random() < 0.3 else None)
        if rng.random() < 0.3:
            year = today.year - 1
            CapitalReport.objects.create(project=project, year=year, period=rng.choice(("H1", "H2")),
                                         implemented_capital_vnd=10**9, report_date=today - timedelta(days=rng.randrange(1, 300)))
        if rng.random() < 0.1:
            start = today - timedelta(days=rng.randrange(0, 300))
            ForceMajeurePeriod.objects.create(project=project, start_date=start, end_date=start + timedelta(days=rng.randrange(10, 120)),
                                              reason="Lũ")
        if project.land_handover_date and rng.random() < 0.1:
            start = today - timedelta(days=rng.randrange(30, 700))
            LandUseExtension.objects.create(project=project, start_date=start, end_date=start + timedelta(days=rng.randrange(200, 720)),
                                            decision_date=start)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_stored_list_is_the_list_computed_live_on_varied_data(make_project, make_user, seed):
    _varied_projects(make_project, random.Random(seed), 120)
    run_scan()
    leader = make_user("lanhdao", "leadership")
    for days in (30, 60, 90):
        live = coming_due(projects=Project.objects.all(), today=_today(), days=days)
        stored = _stored(leader, days)
        assert [_key(row) for row in stored] == [_key(row) for row in live], days
    assert len({row.rule_code for row in live}) >= 3 and len(live) >= 10  # the data reach several rules
    # Further ahead than the window: as the list will be then (computed live as of that day from today's facts).
    later = _today() + timedelta(days=60)
    live = coming_due(projects=Project.objects.all(), today=later, days=90)
    assert [_key(row) for row in _stored(leader, 90, later)] == [_key(row) for row in live]


def test_a_crossing_beyond_the_window_is_stored_and_listed_when_it_comes_within_it(make_project, make_user):
    today = _today()
    project = make_project(construction_start_deadline=today + timedelta(days=199))
    run_scan()
    [deadline] = Deadline.objects.filter(project=project)
    assert (deadline.rule.code, deadline.crossing) == ("MILESTONE_OVERDUE", today + timedelta(days=200))
    leader = make_user("lanhdao", "leadership")
    assert _stored(leader, 90) == []
    assert [row.crossing for row in _stored(leader, 90, today + timedelta(days=110))] == [today + timedelta(days=200)]
    assert [row.crossing for row in _stored(leader, 90, today + timedelta(days=109))] == []


def test_a_crossing_not_yet_followed_brings_the_next_check_forward(make_project):
    """A rule's next date beyond the years the scan follows: nothing stored, and the project is scanned again
    before that date comes within the list's longest window."""
    Rule.objects.exclude(code="MILESTONE_OVERDUE").update(enabled=False)  # its next date alone decides
    today = _today()
    far = today + AHEAD + timedelta(days=200)
    near = today + AHEAD - timedelta(days=200)
    project, followed = make_project(construction_start_deadline=far), make_project(construction_start_deadline=near)
    run_scan()
    project.refresh_from_db()
    followed.refresh_from_db()
    assert not Deadline.objects.filter(project=project).exists()
    assert project.next_check_on == far + DAY - WINDOW
    assert Deadline.objects.get(project=followed).crossing == followed.next_check_on == near + DAY


def test_a_change_then_the_rescan_moves_the_stored_date(make_project, make_user):
    today = _today()
    project = make_project(construction_start_deadline=today + timedelta(days=19))
    run_scan()
    leader = make_user("lanhdao", "leadership")
    assert [row.crossing for row in _stored(leader, 90)] == [today + timedelta(days=20)]
    # An adjustment moves the deadline: the write owes a rescan (next_check_on emptied, as projects.queue does).
    Project.objects.filter(pk=project.pk).update(construction_start_deadline=today + timedelta(days=49), next_check_on=None)
    scan_pending()
    assert [row.crossing for row in _stored(leader, 90)] == [today + timedelta(days=50)]
    # A row that no longer matches its fingerprint is rewritten by the next scan; a matching one is left alone.
    [deadline] = Deadline.objects.filter(project=project)
    Deadline.objects.filter(pk=deadline.pk).update(evidence={}, digest="")
    run_scan()
    rewritten = Deadline.objects.get(project=project)
    assert rewritten.evidence == deadline.evidence and rewritten.digest == deadline.digest != ""
    run_scan()
    assert Deadline.objects.get(project=project).pk == rewritten.pk
    # Construction starts: nothing left to come due.
    Project.objects.filter(pk=project.pk).update(actual_construction_start=today, status="under_construction",
                                                 next_check_on=None)
    scan_pending()
    assert _stored(leader, 90) == [] and not Deadline.objects.filter(project=project).exists()


def test_an_edited_threshold_is_reflected(client, make_project, make_user):
    today = _today()
    project = make_project(land_handover_date=today - timedelta(days=60))
    ViolationNotice.objects.create(project=project, number="TB-1", notice_date=today - timedelta(days=5))
    run_scan()
    leader = make_user("lanhdao", "leadership")
    [row] = [r for r in _stored(leader, 90) if r.rule_code == "EXTENSION_NOT_REQUESTED"]
    assert row.crossing == today + timedelta(days=11)
    # The rule edited in the admin (15 → 20 days): every project owes a rescan, which the next drain does.
    rule = Rule.objects.get(code="EXTENSION_NOT_REQUESTED")
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("admin:projects_rule_change", args=[rule.pk]), {
        "name": rule.name, "description": rule.description, "severity": rule.severity,
        "thresholds": '{"days": 20}', "legal_basis": rule.legal_basis, "enabled": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Project.objects.get(pk=project.pk).next_check_on is None
    scan_pending()
    [row] = [r for r in _stored(leader, 90) if r.rule_code == "EXTENSION_NOT_REQUESTED"]
    assert row.crossing == today + timedelta(days=16)
    assert row.crossing == coming_due(projects=Project.objects.all(), today=today, days=90,
                                      rule_codes={"EXTENSION_NOT_REQUESTED"})[0].crossing
    # Disabled: its stored dates leave the list at once, and the next scan removes them.
    Rule.objects.filter(pk=rule.pk).update(enabled=False)
    assert [r for r in _stored(leader, 90) if r.rule_code == "EXTENSION_NOT_REQUESTED"] == []
    run_scan()
    assert not Deadline.objects.filter(rule=rule).exists()


def test_a_project_that_cannot_be_evaluated_keeps_its_stored_dates(make_project, monkeypatch):
    from projects.watchlist import scans

    today = _today()
    project = make_project(construction_start_deadline=today + timedelta(days=19))
    run_scan()
    assert Deadline.objects.filter(project=project).count() == 1

    def broken(*args, **kwargs):
        raise ValueError("bad data")

    monkeypatch.setattr(scans, "evaluate_project_ahead", broken)
    run_scan()
    assert Deadline.objects.filter(project=project).count() == 1
