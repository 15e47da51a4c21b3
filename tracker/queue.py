"""Queueing background work by task name once the transaction commits.

The module that queues work never imports the module that defines the task (which imports it back, through the
engine it calls), so no import runs in a loop: a service says "rescan project 7", the watchlist's tasks module
knows how. The task modules are imported when the apps are ready (`ProjectsConfig.ready`), so the name always
resolves to the task object, and eager mode (tests, CELERY_TASK_ALWAYS_EAGER) runs it in the process.

A broker that cannot be reached never fails the request that queued the work (the transaction has committed by
then): the error is logged and the caller's `on_error` runs. What the work was for must therefore be in the
database already, written in the same transaction: a rescan owed to a project is its empty `next_check_on`
(`projects.queue`), which the watchlist's `scan_pending` task drains every few minutes.
"""
import logging
from collections.abc import Callable

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from tracker.celery import app

logger = logging.getLogger(__name__)

# What sending raises when the broker (or the Redis result store it subscribes to) cannot be reached: kombu wraps
# most connection errors in OperationalError; a refused or reset socket is an OSError; Redis's own errors are not.
BROKER_ERRORS = (OperationalError, OSError, RedisError)


def send(task_name: str, *args) -> None:
    """Send the task now (outside a transaction, or from inside an on-commit callback)."""
    app.tasks[task_name].delay(*args)


def send_on_commit(task_name: str, *args, on_error: Callable[[], None] | None = None) -> None:
    """Send the task once the current transaction commits (at once outside one); a rollback sends nothing.
    A broker that cannot be reached is logged and calls `on_error` (when given) instead of raising."""

    def deliver():
        try:
            send(task_name, *args)
        except BROKER_ERRORS:
            logger.exception("could not queue %s %s: the broker is unreachable", task_name, list(args))
            if on_error is not None:
                on_error()

    transaction.on_commit(deliver)
