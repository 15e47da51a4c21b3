"""/healthz: no login, no secrets; 503 when the database or the broker is down, or the worker is stale."""
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from tests.conftest import TEST_REDIS_URL
from tracker.celery import app
from tracker.models import WorkerHeartbeat


@pytest.fixture
def broker_url():
    saved = app.conf.broker_url, app.conf.broker_transport_options

    def use(url, options=None):
        app.conf.broker_url, app.conf.broker_transport_options = url, options or {}
        app._pool = None

    yield use
    app.conf.broker_url, app.conf.broker_transport_options = saved
    app._pool = None


def test_healthy_with_a_recent_worker_heartbeat(client, db):
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now() - timedelta(seconds=70))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"] == "ok"
    assert body["worker"] == "ok" and 69 <= body["worker_heartbeat_age_seconds"] <= 80


@pytest.mark.parametrize(("age", "worker", "status"), [(149, "ok", 200), (152, "stale", 503)])
def test_a_stale_worker_answers_503_past_two_minutes_and_a_half(client, db, age, worker, status):
    # The default threshold: a heartbeat every minute, two missed and a margin (it was 300 s, and said "ok" for five
    # minutes after the worker died).
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now() - timedelta(seconds=age))
    response = client.get("/healthz")
    assert response.json()["worker"] == worker and response.status_code == status
    assert response.json()["status"] == ("ok" if status == 200 else "error")


def test_the_heartbeat_threshold_is_a_setting(client, db, settings):
    settings.HEALTH_HEARTBEAT_MAX_SECONDS = 30
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now() - timedelta(seconds=40))
    assert client.get("/healthz").status_code == 503
    WorkerHeartbeat.objects.create(hostname="w2", last_seen=timezone.now() - timedelta(seconds=20))
    assert client.get("/healthz").status_code == 200  # the latest heartbeat of any worker counts


def test_no_heartbeat_ever_is_a_stale_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["worker"] == "stale"
    assert response.json()["worker_heartbeat_age_seconds"] is None


def test_unreachable_broker_is_503(client, db, broker_url):
    broker_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert "127.0.0.1" not in response.content.decode()  # no connection details leak


def test_missing_filesystem_broker_folder_is_503(client, db, broker_url, tmp_path):
    broker_url("filesystem://", {"data_folder_in": str(tmp_path / "absent"), "data_folder_out": str(tmp_path / "absent")})
    assert client.get("/healthz").status_code == 503


@pytest.mark.redis
def test_reachable_redis_broker_is_ok(client, db, broker_url):
    broker_url(TEST_REDIS_URL)
    assert client.get("/healthz").json()["broker"] == "ok"


def test_database_down_is_503(client, db, monkeypatch):
    import tracker.views

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(tracker.views, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_the_age_of_the_last_successful_scan_is_reported(client, db):
    from projects.models import Scan

    assert client.get("/healthz").json()["watchlist"] == "stale"  # never scanned
    Scan.objects.create(started_at=timezone.now(), finished_at=timezone.now() - timedelta(hours=2), as_of=timezone.localdate(), status="succeeded")
    Scan.objects.create(started_at=timezone.now(), finished_at=timezone.now(), as_of=timezone.localdate(), status="failed")
    body = client.get("/healthz").json()
    assert body["watchlist"] == "ok" and 7190 <= body["last_scan_age_seconds"] <= 7300
    Scan.objects.filter(status="succeeded").update(finished_at=timezone.now() - timedelta(hours=37))
    assert client.get("/healthz").json()["watchlist"] == "stale"


def _scan(minutes_ago, status="running", project=None):
    from projects.models import Scan

    started = timezone.now() - timedelta(minutes=minutes_ago)
    return Scan.objects.create(started_at=started, as_of=timezone.localdate(), status=status, project=project,
                               finished_at=None if status == "running" else started)


def test_the_latest_full_scan_that_failed_or_never_finished_is_reported(client, db, settings):
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now())
    assert client.get("/healthz").json()["latest_scan"] is None
    settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS = 600
    _scan(30, "succeeded")
    assert client.get("/healthz").json()["latest_scan"] == "succeeded"
    running = _scan(9)  # within the limit: still running
    body = client.get("/healthz").json()
    assert body["latest_scan"] == "running" and body["unfinished_scans"] == 0
    running.delete()
    _scan(11)  # past the limit: its worker died, it will never finish
    response = client.get("/healthz")
    assert response.json()["latest_scan"] == "unfinished" and response.json()["unfinished_scans"] == 1
    assert response.status_code == 200  # reported; the web itself still serves
    _scan(1, "failed")
    assert client.get("/healthz").json()["latest_scan"] == "failed"
