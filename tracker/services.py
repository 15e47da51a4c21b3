"""Writes of the project package: the one place where objects are validated and saved, and the worker heartbeat."""
import operator
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.dates import date_error
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
    """Someone saved the object after the user opened it; nothing was written. Carries what changed meanwhile
    (`changes`: label, old → new, as the page shows them), who saved it (`who`) and a sentence saying so
    (`summary`); the form view lists the changes and says what to do."""

    def __init__(self, *, instance, expected_version: int, current_version: int):
        from tracker.history import changes_between

        self.current_version = current_version
        self.changes, latest, savers = changes_between(instance, expected_version, current_version)
        names = list(dict.fromkeys(name or _("someone") for name in savers)) or [_("someone")]
        self.who = ", ".join(names)
        when = date_format(timezone.localtime(latest.history_date), "d/m/Y H:i") if latest else ""
        if len(names) > 1:
            self.summary = _(
                "%(who)s saved this record after you opened it, the last at %(when)s. Your changes have not been "
                "saved."
            ) % {"who": self.who, "when": when}
        else:
            self.summary = _(
                "%(who)s saved this record at %(when)s, after you opened it. Your changes have not been saved."
            ) % {"who": self.who, "when": when}
        super().__init__([self.summary] + [f"{label}: {old} → {new}" for label, old, new in self.changes],
                         code="conflict")


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
    full_clean(instance)
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    if change_reason:
        instance._change_reason = change_reason[:100]
    instance.save()
    return instance


# --- validation without a query per check constraint ------------------------------------------------------------

_COMPARE = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


class _Unsupported(Exception):
    pass


def _operand(instance, value):
    if isinstance(value, F):
        if "__" in value.name:
            raise _Unsupported
        return getattr(instance, instance._meta.get_field(value.name).attname)
    if hasattr(value, "resolve_expression"):
        raise _Unsupported
    return value


def _condition(instance, condition: Q):
    """SQL's three-valued answer of a CHECK condition for an unsaved row: True, False or None (unknown)."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_condition(instance, child))
            continue
        if not isinstance(child, tuple):
            raise _Unsupported
        path, expected = child
        name, _sep, lookup = path.partition("__")
        lookup = lookup or "exact"
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        if lookup == "isnull":
            results.append((value is None) == bool(expected))
            continue
        if lookup == "regex":
            results.append(None if value is None else re.search(expected, value) is not None)
            continue
        compare = _COMPARE.get(lookup)
        if compare is None:
            raise _Unsupported
        other = _operand(instance, expected)
        if value is None or other is None:
            results.append(None)
            continue
        try:
            results.append(compare(value, other))
        except TypeError:
            raise _Unsupported from None
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise _Unsupported
    if condition.negated and result is not None:
        result = not result
    return result


def _fields_of(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _fields_of(child)
        elif isinstance(child, tuple):
            names.add(child[0].split("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name.split("__")[0])
    return names


def _leaves(condition: Q):
    for child in condition.children:
        if isinstance(child, Q):
            yield from _leaves(child)
        elif isinstance(child, tuple):
            yield child


def constraint_error(instance, constraint) -> ValidationError:
    """A check constraint's own message when it has one; otherwise one in words, next to the field it concerns:
    a constraint's name ("project_land_gte_0") never reaches a user."""
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
    leaves = [(path.partition("__")[0], path.partition("__")[2] or "exact", value)
              for path, value in _leaves(constraint.condition) if not path.endswith("__isnull")]
    if not leaves:
        return ValidationError(_("This value is not allowed here."), code="constraint")
    field = leaves[0][0]
    bounds = {lookup: value for name, lookup, value in leaves if name == field and not isinstance(value, F)}
    others = [(lookup, value) for name, lookup, value in leaves if name == field and isinstance(value, F)]
    if others:
        lookup, other = others[0]
        other_label = instance._meta.get_field(other.name).verbose_name
        message = (_("This date must not be after %(other)s.") if lookup in ("lt", "lte")
                   else _("This date must not be before %(other)s.")) % {"other": other_label}
    elif bounds.get("gte") == 0 and "lte" not in bounds:
        message = _("This value cannot be negative.")
    elif "gte" in bounds and "lte" in bounds:
        message = _("This value must be between %(low)s and %(high)s.") % {"low": bounds["gte"], "high": bounds["lte"]}
    elif "gte" in bounds:
        message = _("This value must be at least %(low)s.") % {"low": bounds["gte"]}
    else:
        message = _("This value is not allowed here.")
    return ValidationError({field: ValidationError(message, code="constraint")})


def unique_constraint_error(instance, model_class, constraint) -> ValidationError:
    """A unique constraint's own message when it has one; otherwise the model's words for a value in use
    (`unique_error_message`, which Django uses only for a constraint without a condition), never
    "Constraint “flag_one_open_per_project_rule” is violated."."""
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
    if constraint.fields:
        return instance.unique_error_message(model_class, tuple(constraint.fields))
    return ValidationError(_("These values are already recorded in another row."), code="unique")


def constraint_fields(model) -> dict[str, list[str]]:
    """The words of each check constraint that has its own message → the fields it compares, in the order it names
    them: where a writer that puts every message in a column (the import) puts it, since Django tells such a
    constraint for the row as a whole."""
    found = {}
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint) and (
                constraint.violation_error_message != constraint.default_violation_error_message):
            names = []
            for path, value in _leaves(constraint.condition):
                if not path.endswith("__isnull"):
                    names.append(path.partition("__")[0])
                    if isinstance(value, F):
                        names.append(value.name.partition("__")[0])
            found[str(constraint.get_violation_error_message())] = list(dict.fromkeys(names))
    return found


def validate_constraints(instance, exclude: set | None = None) -> None:
    """Model.validate_constraints, but a CheckConstraint made of plain comparisons is evaluated in Python, as the
    database would (a NULL operand passes), instead of by a query and a savepoint per constraint. Anything else
    (unique constraints, expressions) goes to Django's own validation."""
    exclude = exclude or set()
    errors = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, CheckConstraint):
                    try:
                        if _fields_of(constraint.condition) & exclude:
                            continue
                        if _condition(instance, constraint.condition) is False:
                            raise constraint_error(instance, constraint)
                        continue
                    except _Unsupported:
                        pass
                try:
                    constraint.validate(model_class, instance, exclude=exclude)
                except ValidationError as error:
                    if isinstance(constraint, CheckConstraint):
                        raise constraint_error(instance, constraint) from error
                    if isinstance(constraint, UniqueConstraint):
                        raise unique_constraint_error(instance, model_class, constraint) from error
                    raise
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def full_clean(instance, *, exclude: set | None = None, validate_unique: bool = True) -> None:
    """Model.full_clean with the check constraints evaluated by `validate_constraints` above; every error of the
    fields, of clean(), of uniqueness and of the constraints is gathered, as Django does."""
    errors = {}
    try:
        # A foreign key given as an object just read from the database is not looked up again (the database's
        # own constraint still refuses a row deleted meanwhile); only the field checks skip it, not uniqueness.
        instance.clean_fields(exclude=_loaded_relations(instance) | set(exclude or ()))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()  # run even when a field failed, as Django does
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for model_field in instance._meta.concrete_fields:  # a date outside the window (31/12/9999, a typo)
        if (isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField)
                and model_field.name not in errors and model_field.editable):
            error = date_error(getattr(instance, model_field.attname))
            if error:
                errors.setdefault(model_field.name, []).append(ValidationError(error, code="date_window"))
    # A field left out (the import's cell that could not be read) is not judged again by uniqueness or a
    # constraint, as in Django's full_clean.
    failed = {name for name in errors if name != NON_FIELD_ERRORS} | set(exclude or ())
    if validate_unique:  # a bulk writer may check uniqueness against what it loaded instead
        try:
            instance.validate_unique(exclude=failed)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS} | set(exclude or ())
    try:
        validate_constraints(instance, exclude=failed)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _loaded_relations(instance) -> set[str]:
    names = set()
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            related = instance._state.fields_cache.get(field.name)
            if related is not None and not related._state.adding and related.pk == getattr(instance, field.attname):
                names.add(field.name)
    return names
