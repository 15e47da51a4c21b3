"""Change history in words: who changed which field from what to what, values shown the Vietnamese way."""
import re
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
    # Fields the history does not keep (`excluded_fields`: a scan's bookkeeping) are no change anyone made; nor are
    # the derived ones (`derived_fields`: kept by the services, never typed): a capital report moves a project's
    # implemented capital without a historical record of the project, so the next save of the project would seem to
    # have changed it.
    tracked = getattr(model, "history", None)
    kept = {f.name for f in tracked.model._meta.fields} if tracked is not None else None
    derived = set(getattr(model, "derived_fields", ()))
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED and not f.name.startswith("history_")
            and f.name not in derived and (kept is None or f.name in kept)]


def _in_billions(model_field: models.Field) -> bool:
    return isinstance(model_field, models.BigIntegerField) and model_field.name.endswith("_vnd")


def field_label(model_field: models.Field) -> str:
    """A field's name as a change shows it, capitalised. An amount is shown in billions with its unit ("100 tỷ
    đồng"), so the "(VND)" of its name is dropped rather than contradict the value beside it."""
    label = str(model_field.verbose_name)
    if _in_billions(model_field):
        label = re.sub(r"\s*\(VND\)\s*$", "", label)
    return label[:1].upper() + label[1:]


def format_value(model_field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return str(related.get((model_field.related_model, value), value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if _in_billions(model_field):
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
            changes.append(
                (field_label(model_field), format_value(model_field, before, related), format_value(model_field, after, related))
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
    """What changed on a versioned object between two versions, the record of the newest change, and who saved it
    in between (user names in the order of their first save; empty for a save without a user)."""
    records = list(
        obj.history.filter(version__gte=old_version, version__lte=new_version).select_related("history_user")
        .order_by("history_date", "history_id")
    )
    old = next((r for r in reversed(records) if r.version == old_version), None)
    new = next((r for r in reversed(records) if r.version == new_version), None)
    savers = []
    for record in records:
        if record.version > old_version:
            name = record.history_user.get_username() if record.history_user_id and record.history_user else ""
            if name not in savers:
                savers.append(name)
    if old is None or new is None:
        return [], new, savers
    return _diff(type(obj), old, new, _related_lookup(type(obj), [old, new])), new, savers


def changes_since(obj, history_id: int):
    """What changed on an object (with a history, no version) since its historical record `history_id`: the
    API's answer to a stale If-Match. Empty when that record is not the object's."""
    records = list(obj.history.filter(history_id__gte=history_id).order_by("history_date", "history_id"))
    old = next((r for r in records if r.history_id == history_id), None)
    if old is None or not records:
        return []
    new = records[-1]
    return _diff(type(obj), old, new, _related_lookup(type(obj), [old, new]))
