"""The fault suite's machinery: a private Redis server that a test may stop and start again (the machine's Redis is
shared and never touched), and real Celery workers started as subprocesses against the test database, which a
test may kill. PostgreSQL and Redis are required: skipped locally without them, failed under CI=true."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import CI
from tracker.celery import app

ROOT = Path(__file__).resolve().parents[2]
# The fault workers' time limits, short enough to watch them work: a scan is stopped after 3 s and killed after 6 s
# (WATCHLIST_SCAN_TIME_LIMIT_SECONDS, and as much again); a message whose worker died goes back to the queue 7 s
# after it was delivered.
SCAN_TIME_LIMIT = 3
HARD_TIME_LIMIT = 6
VISIBILITY_TIMEOUT = 7


def wait_for(condition, timeout: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"after {timeout} s: {what}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, on a free port, without persistence."""

    def __init__(self, binary: str, folder: Path):
        self.binary, self.folder, self.port = binary, folder, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, f"redis-server on port {self.port} did not start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        pytest.fail(f"CI=true and {message}") if CI else pytest.skip(message)
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def _reset_connections():
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def celery_on(private_redis, settings):
    """This process sends its tasks to the private Redis for real (not eager) and caches there, with the fault
    workers' limits."""
    keys = ("broker_url", "result_backend", "broker_transport_options", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=private_redis.url, result_backend=private_redis.url, task_always_eager=False,
                    broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT})
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # The cache on the same Redis, as in production (REDIS_URL; tests/tracker/test_celery.py checks the backend).
    settings.CACHES = {"default": {"BACKEND": "tracker.cache.TolerantRedisCache", "LOCATION": private_redis.url,
                                   "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
    settings.WATCHLIST_SCAN_TIME_LIMIT_SECONDS = SCAN_TIME_LIMIT
    settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS = HARD_TIME_LIMIT
    _reset_connections()
    yield private_redis
    app.conf.update(saved)
    _reset_connections()


class Worker:
    """`celery -A tracker worker` in its own process group: one pool process (prefork), the test database."""

    def __init__(self, env: dict, log: Path, name: str):
        self.log = log
        self.handle = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=prefork", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-n", f"{name}@%h"],
            cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(lambda: b" ready." in log.read_bytes() or self.process.poll() is not None, 60,
                 f"the worker did not start:\n{self.output()}", step=0.2)
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def pool_processes(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill_pool_process(self):
        """kill -9 of the pool process running the task; the worker's main process lives on."""
        pids = self.pool_processes()
        assert pids, self.output()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)

    def kill(self):
        """kill -9 of the whole worker (main and pool processes): a machine or container that died."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)



@pytest.fixture
def start_worker(celery_on, transactional_db, tmp_path):
    """Start real workers on the private Redis and the test database (committed data: transactional tests);
    every one is stopped before the database is flushed."""
    from django.db import connection

    db = connection.settings_dict
    database_url = (f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}:"
                    f"{db['PORT'] or 5432}/{db['NAME']}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": celery_on.url,
        # The same folder as this process's: the worker reads the files uploaded here (MEDIA_ROOT is VAR_DIR/media).
        "VAR_DIR": str(tmp_path),
        "WATCHLIST_SCAN_TIME_LIMIT_SECONDS": str(SCAN_TIME_LIMIT),
        "BROKER_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_TIMEOUT),
        "PYTHONUNBUFFERED": "1",
    }
    workers = []

    def start() -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log", f"fault{len(workers)}")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()  # nothing to finish: the test is over
        worker.handle.close()
