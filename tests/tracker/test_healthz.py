"""/healthz: no login, no secrets; 503 when the database or the broker is down."""
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


def test_a_stale_worker_is_reported_without_failing_the_check(client, db, settings):
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now() - timedelta(seconds=301))
    body = client.get("/healthz").json()
    assert body["worker"] == "stale"


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
