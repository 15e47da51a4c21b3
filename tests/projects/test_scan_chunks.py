"""A scan reads and evaluates the projects a chunk at a time (`scans._chunks`) and brings each chunk's flags, stored
dates and next check dates in line before the next, so that its memory does not grow with the number of projects.
Chunked or not, a scan must leave exactly the same watchlist."""
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import Deadline, Flag, Project, ScanFailure
from projects.watchlist import scans
from projects.watchlist.scans import _chunks, _restrict, run_scan
from tests.projects.test_coming_due_stored import _varied_projects


def _watchlist():
    """Everything a scan leaves: the open flags, the stored coming dates, each project's next check."""
    flags = sorted(Flag.objects.filter(cleared_at__isnull=True).values_list(
        "project_id", "rule__code", "severity", "since", "evidence", "ground"))
    deadlines = sorted(Deadline.objects.values_list(
        "project_id", "rule__code", "crossing", "digest", "severity", "project_code", "commune_id"))
    checks = sorted(Project.objects.values_list("pk", "next_check_on"))
    return flags, deadlines, checks


def _forget():
    Flag.objects.all().delete()
    Deadline.objects.all().delete()
    Project.objects.update(next_check_on=None)


@pytest.fixture
def varied(make_project):
    _varied_projects(make_project, random.Random(7), 40)


def test_chunks_cover_every_project_once_even_with_gaps_in_the_ids(make_project):
    projects = [make_project() for _ in range(11)]
    for project in projects[3:6]:  # a gap in the ids
        project.delete()
    chunks = list(_chunks(None, size=3))
    members = [sorted(_restrict(Project.objects.all(), chunk, "pk").values_list("pk", flat=True)) for chunk in chunks]
    assert [len(ids) for ids in members] == [3, 3, 2]
    assert sorted(pk for ids in members for pk in ids) == sorted(Project.objects.values_list("pk", flat=True))
    assert chunks[0][1] is None and chunks[-1][2] is None  # no bound below the first, none above the last
    # A project created after the last bound was read still falls in the last chunk.
    later = make_project()
    assert later.pk in _restrict(Project.objects.all(), chunks[-1], "pk").values_list("pk", flat=True)


def test_a_scope_is_cut_into_slices_of_ids():
    assert list(_chunks([5, 1, 3, 3, 9], size=2)) == [([1, 3], None, None), ([5, 9], None, None)]
    assert list(_chunks([], size=2)) == []


def test_a_scan_in_chunks_leaves_the_watchlist_one_pass_leaves(varied, monkeypatch):
    whole = run_scan()
    expected = _watchlist()
    assert expected[0] and expected[1]  # the data give flags and coming dates
    _forget()
    monkeypatch.setattr(scans, "SCAN_CHUNK", 7)
    assert len(list(_chunks(None))) == 6  # 40 projects
    chunked = run_scan()
    assert _watchlist() == expected
    assert (chunked.opened, chunked.kept, chunked.closed, chunked.evaluated) == (whole.opened, 0, 0, 40)
    assert [row[:3] for row in chunked.findings] == [row[:3] for row in whole.findings]
    assert chunked.next_checks == whole.next_checks
    # A rerun in chunks keeps every flag: none is closed because its project is in another chunk.
    rerun = run_scan()
    assert (rerun.opened, rerun.kept, rerun.closed) == (0, whole.opened, 0)
    assert _watchlist() == expected


def test_a_change_in_a_later_chunk_closes_and_opens_only_its_own_flags(varied, make_project, monkeypatch):
    monkeypatch.setattr(scans, "SCAN_CHUNK", 7)
    run_scan()
    flagged = Flag.objects.filter(cleared_at__isnull=True).order_by("-project_id").first().project
    others = Flag.objects.filter(cleared_at__isnull=True).exclude(project=flagged).count()
    flagged.delete()
    newest = make_project(code="DA-MOI", construction_start_deadline=timezone.localdate() - timedelta(days=400),
                          land_handover_date=timezone.localdate() - timedelta(days=900), status="land_handed_over")
    result = run_scan()
    assert result.closed == 0  # the deleted project's flags went with it
    assert result.opened == Flag.objects.filter(project=newest, cleared_at__isnull=True).count() >= 1
    assert Flag.objects.filter(cleared_at__isnull=True).exclude(project=newest).count() == others


def test_a_project_that_fails_in_one_chunk_keeps_its_flags_and_the_others_are_scanned(varied, monkeypatch):
    monkeypatch.setattr(scans, "SCAN_CHUNK", 7)
    run_scan()
    expected = _watchlist()
    broken = Flag.objects.filter(cleared_at__isnull=True).order_by("project_id")[10].project_id
    real = scans.evaluate_project_ahead

    def fails_for_one(facts, *args):
        if facts.project_id == broken:
            raise ValueError("bad data")
        return real(facts, *args)

    monkeypatch.setattr(scans, "evaluate_project_ahead", fails_for_one)
    result = run_scan()
    assert [pk for pk, _code, _error in result.failures] == [broken]
    assert (result.opened, result.closed) == (0, 0)
    assert _watchlist() == expected
    assert list(ScanFailure.objects.values_list("project_id", flat=True)) == [broken]


def test_a_scan_without_details_counts_its_findings_and_keeps_none(varied):
    result = run_scan(details=False)
    assert result.findings == [] and result.next_checks == {}
    assert result.found == result.opened == Flag.objects.filter(cleared_at__isnull=True).count() > 0
    assert result.evaluated == 40
    assert run_scan(details=False).found == run_scan().found == len(run_scan().findings)


def test_the_queries_of_a_scan_grow_with_its_chunks_not_its_projects(make_project, monkeypatch):
    monkeypatch.setattr(scans, "SCAN_CHUNK", 5)
    for _ in range(10):
        make_project(construction_start_deadline=timezone.localdate() - timedelta(days=30))
    run_scan()
    with CaptureQueriesContext(connection) as two_chunks:
        run_scan()
    for _ in range(10):
        make_project(construction_start_deadline=timezone.localdate() - timedelta(days=30))
    run_scan()
    with CaptureQueriesContext(connection) as four_chunks:
        run_scan()
    monkeypatch.setattr(scans, "SCAN_CHUNK", 20)
    with CaptureQueriesContext(connection) as one_chunk:
        run_scan()
    per_chunk = (len(four_chunks) - len(two_chunks)) / 2
    assert per_chunk == len(two_chunks) - len(one_chunk)  # a fixed number of queries for each further chunk
    assert per_chunk <= 16


@pytest.mark.parametrize("as_recorded", [False, True])
def test_a_scan_of_a_past_date_in_chunks_finds_what_one_pass_finds(varied, monkeypatch, as_recorded):
    """A past date reads the history tables (`as_recorded`) or today's rows; both by ranges of ids, and a project
    deleted since is still found in the history (its id lies in a range even though its row is gone)."""
    from django.apps import apps
    from django.db.models import F

    for model in apps.get_models():  # everything was recorded 60 days ago
        if model.__name__.startswith("Historical"):
            model.objects.update(history_date=F("history_date") - timedelta(days=60))
    day = timezone.localdate() - timedelta(days=45)
    whole_now = run_scan(as_of=day, dry_run=True)
    deleted = whole_now.findings[len(whole_now.findings) // 2][0]
    Project.objects.filter(pk=deleted).delete()
    whole = run_scan(as_of=day, dry_run=True, as_recorded=as_recorded)
    monkeypatch.setattr(scans, "SCAN_CHUNK", 6)
    chunked = run_scan(as_of=day, dry_run=True, as_recorded=as_recorded)
    assert chunked.findings == whole.findings and chunked.next_checks == whole.next_checks
    assert whole.evaluated == (40 if as_recorded else 39)
    assert (deleted in {row[0] for row in chunked.findings}) == as_recorded


def _recorded_sixty_days_ago():
    from django.apps import apps
    from django.db.models import F

    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            model.objects.update(history_date=F("history_date") - timedelta(days=60))


def test_a_past_date_scan_opens_no_flag_for_a_project_deleted_since(varied, monkeypatch):
    """As recorded 45 days ago the project existed and broke a rule; it has been deleted since. The scan (a real
    one, not a dry run) finds it in the history, but a flag can only be kept on a project that exists."""
    _recorded_sixty_days_ago()
    day = timezone.localdate() - timedelta(days=45)
    deleted = run_scan(as_of=day, as_recorded=True, dry_run=True).findings[0][0]
    Project.objects.filter(pk=deleted).delete()
    monkeypatch.setattr(scans, "SCAN_CHUNK", 7)
    result = run_scan(as_of=day, as_recorded=True)
    assert result.opened == Flag.objects.count() > 0
    assert not Flag.objects.filter(project_id=deleted).exists()


def test_a_past_date_scan_with_a_rule_disabled_since_keeps_flags_only_for_the_rules_enabled_now(varied):
    from projects.models import Rule

    day = timezone.localdate() - timedelta(days=45)
    rule = Rule.objects.get(code=run_scan(as_of=day, dry_run=True).findings[0][2])
    rule.save()  # its history: enabled (moved 60 days back below)
    _recorded_sixty_days_ago()
    rule.enabled = False
    rule.save()  # disabled today
    assert rule.code in {row[2] for row in run_scan(as_of=day, as_recorded=True, dry_run=True).findings}
    result = run_scan(as_of=day, as_recorded=True)
    assert result.opened == Flag.objects.count() > 0
    assert not Flag.objects.filter(rule=rule).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_projects_of_an_early_chunk_can_be_written_while_the_scan_goes_on(make_project, monkeypatch):
    """Every write to a project empties its next check date in its own transaction: the scan writes the dates it
    changed only at its end, so a project of the first chunk is not locked while later chunks are scanned."""
    import psycopg

    _varied_projects(make_project, random.Random(7), 40)
    Project.objects.update(next_check_on=None)  # as after an import: every project owed a scan
    first = min(Project.objects.values_list("pk", flat=True))
    monkeypatch.setattr(scans, "SCAN_CHUNK", 7)
    real, seen = scans._evaluate, []

    def probe(as_of, chunk, *args, **kwargs):
        if chunk[1] is not None and not seen:  # the second chunk, before it is read
            s = connection.settings_dict
            with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                                 dbname=s["NAME"], autocommit=True) as other:
                other.execute("SET lock_timeout = '500ms'")
                try:  # what a user's edit of the project does
                    other.execute("UPDATE projects_project SET next_check_on = NULL WHERE id = %s", [first])
                    seen.append("free")
                except psycopg.errors.LockNotAvailable:
                    seen.append("locked")
        return real(as_of, chunk, *args, **kwargs)

    monkeypatch.setattr(scans, "_evaluate", probe)
    run_scan()
    assert seen == ["free"]
    assert not Project.objects.filter(next_check_on__isnull=True).exists()  # every date written at the end
