"""Deferring a per-row side effect of a bulk write: inside `collect`, writers note ids instead of acting on each,
and the action runs once at the end, for all of them (only if the block succeeded)."""
import contextvars
from collections.abc import Callable, Iterable
from contextlib import contextmanager


class Batch:
    def __init__(self, name: str):
        self._ids: contextvars.ContextVar = contextvars.ContextVar(name, default=None)

    def note(self, ids: Iterable) -> bool:
        """Inside `collect`: remember the ids and return True (the caller does nothing more). Outside: False."""
        collected = self._ids.get()
        if collected is None:
            return False
        collected.update(ids)
        return True

    @contextmanager
    def collect(self, then: Callable[[set], None]):
        collected: set = set()
        token = self._ids.set(collected)
        try:
            yield collected
        finally:
            self._ids.reset(token)
        if collected:
            then(collected)
