"""Change history in words: who changed which field from what to what, values shown the Vietnamese way."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.numbers import format_billions, format_decimal

# Bookkeeping columns that say nothing to a reader.
SKIPPED = {"id", "created_at", "updated_at", "version", "period_end"}


@dataclass
class Entry:
    when: datetime
    user: str
    kind: str  # "+" created, "~" changed, "-" deleted
    subject: str  # what the entry is about: empty for the object itself, else the record ("capital report 2024 Q1")
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.kind]


def _fields(model) -> list[models.Field]:
    # Fields the history does not keep (`excluded_fields`: a scan's bookkeeping) are no change anyone made.
    tracked = getattr(model, "history", None)
    kept = {f.name for f in tracked.model._meta.fields} if tracked is not None else None
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED and not f.name.startswith("history_")
            and (kept is None or f.name in kept)]


def format_value(model_field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return str(related.get((model_field.related_model, value), value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.BigIntegerField) and model_field.name.endswith("_vnd"):
        return format_billions(value) + " " + _("billion VND")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, date):
        return date_format(value, "d/m/Y")
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)  # years, counts and codes as they are (no thousands separator in 2024)


def _related_lookup(model, records) -> dict:
    """One query per foreign-key target: every related object the records name, by (model, pk)."""
    related = {}
    for model_field in _fields(model):
        if isinstance(model_field, models.ForeignKey):
            ids = {getattr(r, model_field.attname) for r in records} - {None}
            if ids:
                for pk, obj in model_field.related_model._default_manager.in_bulk(ids).items():
                    related[(model_field.related_model, pk)] = obj
    return related


def _diff(model, old, new, related) -> list[tuple[str, str, str]]:
    changes = []
    for model_field in _fields(model):
        before, after = getattr(old, model_field.attname), getattr(new, model_field.attname)
        if before != after:
            label = str(model_field.verbose_name)
            changes.append(
                (label[:1].upper() + label[1:], format_value(model_field, before, related), format_value(model_field, after, related))
            )
    return changes


def entries_for(model, records, subject=lambda record: "") -> list[Entry]:
    """Entries for the historical records of one or more objects of `model` (any order)."""
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    related = _related_lookup(model, records)
    previous: dict = {}
    entries = []
    for record in records:
        object_id = record.id
        before = previous.get(object_id)
        kind = record.history_type
        changes = _diff(model, before, record, related) if before is not None and kind == "~" else []
        if kind == "~" and before is not None and not changes and not record.history_change_reason:
            previous[object_id] = record
            continue  # a save that changed nothing a reader cares about
        entries.append(
            Entry(
                when=record.history_date,
                user=record.history_user.get_username() if record.history_user_id and record.history_user else "",
                kind=kind,
                subject=subject(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous[object_id] = record
    return entries


def object_history(obj, related_histories=()) -> list[Entry]:
    """The object's own history, newest first, merged with the histories of its records.

    `related_histories` is a sequence of (historical queryset, subject function) for records that belong to the
    object (a project's capital reports, say).
    """
    own = obj.history.select_related("history_user")
    entries = entries_for(type(obj), list(own))
    for queryset, subject in related_histories:
        records = list(queryset.select_related("history_user"))
        if records:
            entries += entries_for(queryset.model.instance_type, records, subject)
    return sorted(entries, key=lambda e: e.when, reverse=True)


def created_and_changed(obj) -> tuple:
    """(first historical record, last historical record) of the object, for "created by / last changed by"."""
    records = obj.history.select_related("history_user").order_by("history_date", "history_id")
    return records.first(), records.last()


def changes_between(obj, old_version: int, new_version: int):
    """What changed on a versioned object between two versions, and the record of the newest change."""
    records = list(
        obj.history.filter(version__in=[old_version, new_version]).select_related("history_user").order_by("history_date")
    )
    old = next((r for r in reversed(records) if r.version == old_version), None)
    new = next((r for r in reversed(records) if r.version == new_version), None)
    if old is None or new is None:
        return [], new
    return _diff(type(obj), old, new, _related_lookup(type(obj), [old, new])), new
