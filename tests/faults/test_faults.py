"""Faults with a real broker and a real worker (issue 13.4 and 13.5): the broker down during a save, a worker
killed during a scan, a worker gone silent. PostgreSQL, a Redis server of the test's own (stopped and started by
the test) and `celery worker` subprocesses (killed by the test)."""
import time
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from projects.models import Flag, ImportJob, Project, Rule, Scan
from projects.watchlist import scans
from tests.faults.conftest import HARD_TIME_LIMIT, VISIBILITY_TIMEOUT, wait_for
from tracker.celery import app
from tracker.models import WorkerHeartbeat
from tracker.queue import send

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SCAN_WATCHLIST = "projects.watchlist.tasks.scan_watchlist"


def _edit_data(client, project, **changes):
    form = client.get(reverse("projects:update", args=[project.pk])).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data.update(changes)
    return data


def test_a_save_with_the_broker_down_answers_and_its_rescan_runs_once_the_broker_is_back(
        start_worker, celery_on, staff_client, make_project, settings):
    from tests.projects.test_imports import _upload, project_row, projects_file

    project = make_project(code="DA-FAULT")
    scans.run_scan(project_id=project.pk)
    worker = start_worker()
    data = _edit_data(staff_client, project, land_handover_date="03/05/2023", registered_capital_vnd="100",
                      irc_date="01/03/2024", land_area_ha="1")

    celery_on.stop()  # Redis goes down
    started = time.monotonic()
    response = staff_client.post(reverse("projects:update", args=[project.pk]), data)
    assert response.status_code == 302, worker.output()
    report = staff_client.post(reverse("projects:record_create", args=[project.pk, "reports"]),
                               {"year": "2025", "period": "Q1", "implemented_capital_vnd": "10"})
    assert report.status_code == 302
    assert time.monotonic() - started < 10  # each save gives up on the broker within a few seconds
    project.refresh_from_db()
    assert project.land_handover_date == date(2023, 5, 3) and project.capital_reports.count() == 1
    assert project.next_check_on is None  # the rescan is owed, in the database
    # Every import is checked by the worker (no web process opens an uploaded file): with the broker down the upload
    # says so, in Vietnamese, and the job stays at its address.
    upload = _upload(staff_client, projects_file(project_row(code="NK-DOWN", cluster=project.cluster.code)))
    job = ImportJob.objects.get()
    assert upload.status_code == 302 and job.status == "failed"
    page = staff_client.get(job.get_absolute_url())
    assert page.status_code == 200 and "Không liên lạc được với tiến trình chạy nền" in page.content.decode()

    celery_on.start()  # Redis is back, empty: the rescan was never queued
    send("projects.watchlist.tasks.scan_pending")  # what Celery beat sends every few minutes
    wait_for(lambda: Project.objects.get(pk=project.pk).next_check_on is not None, 30,
             f"the owed rescan did not run:\n{worker.output()}")
    assert Flag.objects.filter(project=project, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True).exists()
    # The file that could not be checked is uploaded again once the broker is back: the worker checks it.
    again = _upload(staff_client, projects_file(project_row(code="NK-DOWN", cluster=project.cluster.code)))
    job = ImportJob.objects.latest("pk")
    assert again.status_code == 302
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "ready", 30,
             f"the import was not checked:\n{worker.output()}")


def _scan_held_by_the_rules_lock(worker):
    """Queue a full scan while this test holds the rule rows (the scan locks them first): the scan is running,
    its row says so, and it cannot finish until the lock is released."""
    send(SCAN_WATCHLIST)
    return wait_for(lambda: Scan.objects.filter(status="running").first(), 20,
                    f"the scan did not start:\n{worker.output()}")


def test_a_scan_whose_pool_process_is_killed_is_redelivered_and_its_lost_run_marked_failed(
        start_worker, make_project, client):
    make_project(code="DA-KILL", land_handover_date=date(2023, 5, 3))
    worker = start_worker()
    with transaction.atomic():
        list(Rule.objects.select_for_update())
        lost = _scan_held_by_the_rules_lock(worker)
        worker.kill_pool_process()
        time.sleep(0.5)
    # Rejected and requeued (reject_on_worker_lost): a new pool process runs it again.
    redone = wait_for(lambda: Scan.objects.filter(status="succeeded", project__isnull=True).first(), 30,
                      f"the scan was not redelivered:\n{worker.output()}")
    assert redone.pk != lost.pk
    assert Flag.objects.filter(project__code="DA-KILL", rule__code="LAND_UNUSED_12M").exists()
    # The killed run's row is left "running"; past the hard time limit it is marked failed, never running forever.
    assert Scan.objects.get(pk=lost.pk).status == "running"
    wait_for(lambda: scans.fail_unfinished_scans() or Scan.objects.get(pk=lost.pk).status == "failed",
             HARD_TIME_LIMIT + 5, "the lost run was not marked failed")
    assert "Did not finish" in Scan.objects.get(pk=lost.pk).error


def test_a_scan_whose_whole_worker_is_killed_is_redelivered_to_the_next_worker(
        start_worker, make_project, client):
    make_project(code="DA-KILL9", land_handover_date=date(2023, 5, 3))
    worker = start_worker()
    with transaction.atomic():
        list(Rule.objects.select_for_update())
        lost = _scan_held_by_the_rules_lock(worker)
        delivered = time.monotonic()
        worker.kill()  # kill -9 of the worker and its pool: nothing acknowledged the message
    # /healthz, before anything cleans up: the latest full scan is running, then never finishes.
    assert client.get("/healthz").json()["latest_scan"] == "running"
    # The broker hands the unacknowledged message out again once its visibility timeout has passed.
    time.sleep(max(0.0, delivered + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    body = client.get("/healthz").json()
    assert body["latest_scan"] == "unfinished" and body["unfinished_scans"] == 1
    successor = start_worker()
    redone = wait_for(lambda: Scan.objects.filter(status="succeeded", project__isnull=True).first(), 30,
                      f"the scan was not redelivered:\n{successor.output()}")
    assert redone.pk != lost.pk
    assert Flag.objects.filter(project__code="DA-KILL9", rule__code="LAND_UNUSED_12M").exists()
    assert scans.fail_unfinished_scans() == 1
    assert Scan.objects.get(pk=lost.pk).status == "failed"
    assert client.get("/healthz").json()["latest_scan"] == "succeeded"


def test_healthz_answers_503_once_the_killed_workers_heartbeat_is_stale(start_worker, settings):
    settings.HEALTH_HEARTBEAT_MAX_SECONDS = 2
    worker = start_worker()
    app.send_task("tracker.tasks.heartbeat")  # what Celery beat sends every minute
    wait_for(WorkerHeartbeat.objects.exists, 20, f"no heartbeat:\n{worker.output()}")
    response = Client().get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["worker"] == "ok" and response.json()["broker"] == "ok"
    worker.kill()
    wait_for(lambda: Client().get("/healthz").status_code == 503, 10, "healthz still answers 200")
    body = Client().get("/healthz").json()
    assert body["worker"] == "stale" and body["worker_heartbeat_age_seconds"] > 2
