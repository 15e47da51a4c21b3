"""Writes of the project package."""
from django.db import transaction
from django.db.models import F
from django.utils import timezone

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


def model_save(instance, *, fields: dict, user=None, change_reason: str = ""):
    """Apply `fields` to `instance`, validate it whole (model rules and database constraints) and save it.

    The one place where every service writes: nothing is saved that `full_clean()` refuses, and the change
    history records who changed it and why.
    """
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    if change_reason:
        instance._change_reason = change_reason
    instance.save()
    return instance
