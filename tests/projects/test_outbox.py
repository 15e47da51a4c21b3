"""Issue 13.4: a broker that cannot be reached never turns a save into a 500, and the rescan the save owed is not
lost: it is the project's empty next_check_on, written in the save's transaction, and `scan_pending` (Celery beat,
every few minutes) drains it once the broker is back. The end-to-end version, with a real worker and a Redis server
that is stopped and started again, is in tests/faults/."""
import time
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Flag, ForceMajeurePeriod, Project, Scan
from projects.watchlist import scans
from projects.watchlist.tasks import scan_pending
from tracker.celery import app

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_down():
    """Celery pointed at a broker (and result store) that refuses connections, tasks sent for real (not eager)."""
    keys = ("broker_url", "result_backend", "broker_transport_options", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=CLOSED, result_backend=CLOSED, broker_transport_options={}, task_always_eager=False)
    _reset()
    yield
    app.conf.update(saved)
    _reset()


def _reset():
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


def _edit_data(client, project, **changes):
    form = client.get(reverse("projects:update", args=[project.pk])).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data.update(changes)
    return data


def test_a_project_save_answers_normally_with_the_broker_down_and_keeps_its_rescan(
        staff_client, make_project, broker_down, django_capture_on_commit_callbacks):
    project = make_project(code="DA-OUT")
    scans.run_scan(project_id=project.pk)
    project.refresh_from_db()
    assert project.next_check_on is not None  # scanned: nothing owed
    url = reverse("projects:update", args=[project.pk])
    data = _edit_data(staff_client, project, land_handover_date="03/05/2023", registered_capital_vnd="100",
                      irc_date="01/03/2024", land_area_ha="1")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert callbacks  # the rescan was queued on commit, and failed to reach the broker without raising
    assert time.monotonic() - started < 5  # gives up quickly (CELERY_TASK_PUBLISH_RETRY_POLICY)
    project.refresh_from_db()
    assert project.land_handover_date == date(2023, 5, 3)
    assert project.next_check_on is None  # the outbox: owed a rescan
    assert not Flag.objects.filter(project=project, rule__code="LAND_UNUSED_12M").exists()  # not rescanned yet
    scan_pending()  # Celery beat's drain, once the broker is back
    assert Flag.objects.filter(project=project, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True).exists()


def test_a_capital_report_save_answers_normally_with_the_broker_down(staff_client, project, broker_down,
                                                                     django_capture_on_commit_callbacks):
    Project.objects.filter(pk=project.pk).update(next_check_on=date(2030, 1, 1))
    url = reverse("projects:record_create", args=[project.pk, "reports"])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"year": "2025", "period": "Q1", "implemented_capital_vnd": "10"})
    assert response.status_code == 302
    assert project.capital_reports.count() == 1
    assert Project.objects.get(pk=project.pk).next_check_on is None


def test_the_drain_runs_the_rescans_owed_once_the_broker_is_back(make_project):
    owed = make_project(code="DA-OWED", land_handover_date=date(2023, 5, 3))
    done = make_project(code="DA-DONE")
    scans.run_scan(project_id=done.pk)
    Project.objects.filter(pk=owed.pk).update(next_check_on=None)
    before = Scan.objects.count()
    result = scan_pending()  # what Celery beat sends every few minutes
    assert result == {"pending": 1, "scans": [Scan.objects.latest("started_at").pk], "full": False}
    assert Scan.objects.count() == before + 1 and Scan.objects.latest("started_at").project_id == owed.pk
    assert Flag.objects.filter(project=owed, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True).exists()
    assert Project.objects.get(pk=owed.pk).next_check_on is not None


def test_nothing_owed_records_no_scan(make_project):
    project = make_project()
    scans.run_scan(project_id=project.pk)
    before = Scan.objects.count()
    assert scan_pending() == {"pending": 0, "scans": [], "full": False}
    assert Scan.objects.count() == before


@pytest.mark.parametrize(("owed", "full"), [(2, False), (3, True)])
def test_a_few_projects_are_rescanned_one_by_one_more_by_one_full_scan(make_project, owed, full):
    projects = [make_project() for _ in range(owed)]
    Project.objects.update(next_check_on=None)
    result = scans.scan_pending(one_by_one=2)
    assert result["full"] is full and result["pending"] == owed
    recorded = Scan.objects.filter(pk__in=result["scans"])
    if full:
        assert list(recorded.values_list("project", flat=True)) == [None]
    else:
        assert sorted(recorded.values_list("project", flat=True)) == sorted(p.pk for p in projects)
    assert not Project.objects.filter(next_check_on__isnull=True).exists()


def test_a_project_that_cannot_be_evaluated_waits_for_the_nightly_scan_instead_of_every_drain(make_project):
    bad = make_project(code="DA-BAD", land_handover_date=date(2023, 5, 3))
    ForceMajeurePeriod.objects.bulk_create([ForceMajeurePeriod(project=bad, start_date=date(2023, 6, 1),
                                                               end_date=date(9999, 12, 31), reason="Nhập sai")])
    Project.objects.filter(pk=bad.pk).update(next_check_on=None)
    result = scan_pending()
    assert result["pending"] == 1 and "DA-BAD" in Scan.objects.get(pk=result["scans"][0]).error
    assert Project.objects.get(pk=bad.pk).next_check_on == timezone.localdate() + timedelta(days=1)
    assert scan_pending()["pending"] == 0  # not retried every few minutes
    assert bad.pk in scans.due_projects(timezone.localdate() + timedelta(days=1))  # but tomorrow night


def test_the_drain_is_on_the_beat_schedule(settings):
    entry = app.conf.beat_schedule["watchlist-pending-rescans"]
    assert entry["task"] == "projects.watchlist.tasks.scan_pending"
    assert entry["schedule"] == settings.WATCHLIST_PENDING_SCAN_MINUTES * 60
    assert app.conf.beat_schedule["watchlist-unfinished-scans"]["task"] == "projects.watchlist.tasks.fail_unfinished_scans"


# ---- issue 13.5: a scan whose worker died is marked failed, and the scan tasks are redelivered ------------------


def test_a_scan_left_running_past_the_hard_time_limit_is_marked_failed(db, settings):
    from projects.watchlist.tasks import fail_unfinished_scans

    settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS = 600
    now = timezone.now()
    lost = Scan.objects.create(started_at=now - timedelta(seconds=601), as_of=now.date())
    alive = Scan.objects.create(started_at=now - timedelta(seconds=590), as_of=now.date())
    assert fail_unfinished_scans() == 1
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == "failed" and lost.finished_at is not None and "Did not finish" in lost.error
    assert alive.status == "running"
    assert fail_unfinished_scans() == 0  # once


def test_the_scan_tasks_are_redelivered_when_their_worker_dies_and_have_time_limits(settings):
    from projects.watchlist import tasks

    for task in (tasks.scan_watchlist, tasks.scan_project, tasks.scan_pending):
        assert task.acks_late and task.reject_on_worker_lost, task.name
        assert task.soft_time_limit == settings.WATCHLIST_SCAN_TIME_LIMIT_SECONDS
        assert task.time_limit == settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS > task.soft_time_limit
    assert settings.BROKER_VISIBILITY_TIMEOUT_SECONDS > settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS
