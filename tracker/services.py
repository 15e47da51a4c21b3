"""Writes of the project package: the one place where objects are validated and saved, and the worker heartbeat."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.models import WorkerHeartbeat


def heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Touch the heartbeat row of a worker; an atomic increment, safe when several workers beat at once."""
    hostname = hostname[:255]
    with transaction.atomic():
        beat, created = WorkerHeartbeat.objects.get_or_create(
            hostname=hostname, defaults={"last_seen": timezone.now(), "beats": 1}
        )
        if not created:
            WorkerHeartbeat.objects.filter(pk=beat.pk).update(last_seen=timezone.now(), beats=F("beats") + 1)
            beat.refresh_from_db()
    return beat


class ConflictError(ValidationError):
    """Someone saved the object after the user opened it; nothing was written. Carries what changed meanwhile."""

    def __init__(self, *, instance, expected_version: int, current_version: int):
        from tracker.history import changes_between

        self.current_version = current_version
        self.changes, latest = changes_between(instance, expected_version, current_version)
        who = (latest.history_user.get_username() if latest and latest.history_user else _("someone")) if latest else _("someone")
        when = date_format(timezone.localtime(latest.history_date), "d/m/Y H:i") if latest else ""
        lines = [
            _(
                "%(who)s saved this record at %(when)s, after you opened it. Nothing of yours was saved; your input is "
                "kept below. Check what changed, then save again to apply your input."
            )
            % {"who": who, "when": when}
        ]
        lines += [f"{label}: {old} → {new}" for label, old, new in self.changes]
        super().__init__(lines, code="conflict")


def model_save(instance, *, fields: dict, user=None, change_reason: str = "", expected_version: int | None = None):
    """Apply `fields` to `instance`, validate it whole (model rules and database constraints) and save it.

    Every service writes through here: nothing is saved that `full_clean()` refuses; the change history records who
    changed it and why; a model with a `version` is locked and its version checked, so an edit made on an outdated
    copy is refused (ConflictError) instead of silently overwriting someone else's change. Call inside a transaction.
    """
    versioned = hasattr(instance, "version")
    if versioned and instance.pk:
        # Derived columns (kept by other services) are read from the locked row, never written back stale.
        derived = tuple(getattr(instance, "derived_fields", ()))
        row = type(instance)._default_manager.select_for_update().values("version", *derived).get(pk=instance.pk)
        current = row.pop("version")
        if expected_version is not None and current != expected_version:
            raise ConflictError(instance=instance, expected_version=expected_version, current_version=current)
        fields = {**fields, **row, "version": current + 1}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    if change_reason:
        instance._change_reason = change_reason[:100]
    instance.save()
    return instance
