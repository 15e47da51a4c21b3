"""The arguments of a background task, checked before it runs: a task queued by hand (a shell, a beat schedule
edited in the admin, an old message) with a malformed argument is refused with a line in the log and returns;
it never raises inside the worker, where a traceback helps nobody and an automatic retry would repeat it."""
import logging
from datetime import date, datetime

from tracker.dates import date_error

logger = logging.getLogger("tracker.tasks")


class BadArgument(ValueError):
    """A task argument that cannot be used; its message says which and why (in English, for the log)."""


def task_id(value, name: str = "id") -> int:
    """A database id: a positive whole number (or its digits as text)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise BadArgument(f"{name} must be a positive whole number, not {value!r:.80}")
    return value


def task_ids(value, name: str = "ids") -> list[int]:
    """A list of database ids."""
    if not isinstance(value, (list, tuple)):
        raise BadArgument(f"{name} must be a list of ids, not {value!r:.80}")
    return [task_id(item, name) for item in value]


def task_date(value, name: str = "as_of") -> date | None:
    """An ISO date (YYYY-MM-DD) or a date, inside the window of dates the tracker accepts; None or "" for none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and len(value) == 10:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            pass
    if not isinstance(value, date):
        raise BadArgument(f"{name} must be a date as YYYY-MM-DD, not {value!r:.80}")
    if date_error(value):
        raise BadArgument(f"{name} {value.isoformat()} lies outside the window of dates the tracker accepts")
    return value


def task_flag(value, name: str) -> bool:
    """A yes/no argument: True or False, nothing that merely looks true ("false" is a non-empty string)."""
    if not isinstance(value, bool):
        raise BadArgument(f"{name} must be true or false, not {value!r:.80}")
    return value


def refuse(task: str, error: BadArgument) -> str:
    """Log the refusal of a task; returns the reason, for the task's result."""
    logger.error("task %s refused: %s", task, error)
    return str(error)
