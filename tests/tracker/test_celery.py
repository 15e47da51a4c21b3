"""A task queued through a real broker and executed by a real Celery worker: the filesystem default and Redis."""
import pytest
from celery.contrib.testing.worker import start_worker

from tests.conftest import TEST_REDIS_URL
from tracker.celery import app
from tracker.models import WorkerHeartbeat
from tracker.tasks import heartbeat


def _reset_connections():
    # Connections and producers are pooled per app; drop them so the next task uses the broker just configured.
    app._pool = None
    app.amqp._producer_pool = None
    app.backend  # noqa: B018 - touch to build lazily
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker(request, tmp_path):
    """Point the Celery app at a broker for one test, then put the settings back."""
    kind = request.param
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "broker_transport_options", "task_always_eager")}
    app.conf.task_always_eager = False
    if kind == "redis":
        app.conf.update(broker_url=TEST_REDIS_URL, result_backend=TEST_REDIS_URL, broker_transport_options={})
    else:
        folder = str(tmp_path / "queue")
        (tmp_path / "queue").mkdir()
        (tmp_path / "control").mkdir()
        app.conf.update(
            broker_url="filesystem://",
            result_backend="cache+memory://",
            broker_transport_options={
                "data_folder_in": folder,
                "data_folder_out": folder,
                "control_folder": str(tmp_path / "control"),
            },
        )
    _reset_connections()
    try:
        yield kind
    finally:
        app.conf.update(saved)
        _reset_connections()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)], indirect=True)
def test_heartbeat_task_round_trip_through_a_real_worker(broker):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
        # Tasks ignore their results (CELERY_TASK_IGNORE_RESULT): the test asks for them.
        result = heartbeat.apply_async([f"test-{broker}"], ignore_result=False)
        assert result.get(timeout=30) == 1
        assert heartbeat.apply_async([f"test-{broker}"], ignore_result=False).get(timeout=30) == 2
    assert WorkerHeartbeat.objects.get(hostname=f"test-{broker}").beats == 2


def test_beat_schedule_is_declared_in_code():
    assert app.conf.beat_schedule["worker-heartbeat"]["task"] == "tracker.tasks.heartbeat"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", [pytest.param("redis", marks=pytest.mark.redis)], indirect=True)
def test_a_scan_queued_through_redis_is_run_by_a_real_worker(broker, make_project):
    from datetime import date

    from projects.models import Flag, Scan
    from projects.watchlist.tasks import scan_watchlist

    make_project(code="DA-Q", land_handover_date=date(2023, 5, 3))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
        result = scan_watchlist.apply_async(["2024-05-03"], ignore_result=False).get(timeout=60)
    assert result["opened"] >= 1
    assert Scan.objects.get(pk=result["scan"]).status == "succeeded"
    assert Flag.objects.filter(project__code="DA-Q", rule__code="LAND_UNUSED_12M").exists()


def test_every_task_queued_by_name_or_scheduled_is_registered():
    # Work is queued by task name (tracker.queue), so a renamed task must not leave a name that nothing answers.
    from projects import queue
    from projects.imports import services as import_services
    from projects.watchlist import scans

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    names |= {queue.SCAN_PROJECT, queue.SCAN_WATCHLIST, scans.NOTIFY_CRITICAL_FLAGS,
              import_services.IMPORT_CHECK, import_services.IMPORT_APPLY}
    missing = sorted(name for name in names if name not in app.tasks)
    assert not missing, missing


def _settings_with(env: dict) -> "subprocess.CompletedProcess":
    import os
    import subprocess
    import sys

    code = ("import django, json; from django.conf import settings; django.setup(); "
            "print(json.dumps([settings.CELERY_BROKER_TRANSPORT_OPTIONS, settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS, "
            "settings.CACHES['default']['BACKEND']]))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env})


def test_the_redis_visibility_timeout_outlasts_the_longest_scan_or_the_settings_refuse_to_load():
    import json

    ok = _settings_with({"REDIS_URL": "redis://127.0.0.1:1/0", "WATCHLIST_SCAN_TIME_LIMIT_SECONDS": "100",
                         "BROKER_VISIBILITY_TIMEOUT_SECONDS": "161"})
    assert ok.returncode == 0, ok.stderr
    options, hard, cache = json.loads(ok.stdout.strip().splitlines()[-1])
    assert hard == 160 and options["visibility_timeout"] == 161
    assert cache == "tracker.cache.TolerantRedisCache"  # Redis down: an import's progress is skipped, not a 500
    refused = _settings_with({"REDIS_URL": "redis://127.0.0.1:1/0", "WATCHLIST_SCAN_TIME_LIMIT_SECONDS": "100",
                              "BROKER_VISIBILITY_TIMEOUT_SECONDS": "160"})
    assert refused.returncode != 0 and "BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed 160" in refused.stderr


def test_the_redis_cache_answers_its_default_when_redis_is_down():
    # It only carries an import's progress: a page or an import in the request must not fail with Redis.
    from tracker.cache import TolerantRedisCache

    cache = TolerantRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("progress", (0, 10)) == (0, 10)
    cache.set("progress", (5, 10))
    assert cache.add("progress", (5, 10)) is False
    assert cache.delete("progress") is False
