"""Queueing background work by task name once the transaction commits.

The module that queues work never imports the module that defines the task (which imports it back, through the
engine it calls), so no import runs in a loop: a service says "rescan project 7", the watchlist's tasks module
knows how. The task modules are imported when the apps are ready (`ProjectsConfig.ready`), so the name always
resolves to the task object, and eager mode (tests, CELERY_TASK_ALWAYS_EAGER) runs it in the process.
"""
from collections.abc import Callable

from django.db import transaction

from tracker.celery import app


def send(task_name: str, *args) -> None:
    """Send the task now (outside a transaction, or from inside an on-commit callback)."""
    app.tasks[task_name].delay(*args)


def send_on_commit(task_name: str, *args, on_error: Callable[[], None] | None = None) -> None:
    """Send the task once the current transaction commits (at once outside one); a rollback sends nothing.
    With `on_error`, a broker that cannot be reached calls it instead of raising."""

    def deliver():
        if on_error is None:
            send(task_name, *args)
            return
        try:
            send(task_name, *args)
        except Exception:
            on_error()

    transaction.on_commit(deliver)
