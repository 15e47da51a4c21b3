"""Many rows updated with their own values in one statement per batch, on PostgreSQL:
`UPDATE t SET a = v.a, … FROM unnest(%s::bigint[], %s::type[], …) AS v(pk, a, …) WHERE t.pk = v.pk`.

Django's `bulk_update` writes the same rows with a `CASE WHEN pk = … THEN …` per field and per row, which it
builds and resolves as expressions in Python: for 10,000 projects and 16 fields, 60 of the import's 110 seconds
(profiled), most of it before PostgreSQL saw the statement. This does what `bulk_update` does (the named fields of
each object, as they are on the object, no `save()`, no signals, `auto_now` untouched; uniqueness checked by the
one statement, row by row) and is used only where it can say the same thing: PostgreSQL and plain column types.
Elsewhere the caller falls back to Django's (tests/tracker/test_bulk_update.py compares the two).

This module imports no app: the models' querysets import it.
"""
import time

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, transaction
from django.utils import timezone

# Field types whose database value psycopg sends as an array element of the column's own type.
PLAIN = (
    models.CharField, models.TextField, models.DateField, models.DecimalField, models.IntegerField,
    models.BooleanField, models.ForeignKey, models.FloatField, models.UUIDField,
)


def _plain(field) -> bool:
    return field.concrete and not field.many_to_many and isinstance(field, PLAIN) and not field.primary_key


def can_update_by_unnest(model, fields: list[str], using: str) -> bool:
    if connections[using].vendor != "postgresql":
        return False
    try:
        return all(_plain(model._meta.get_field(name)) for name in fields)
    except FieldDoesNotExist:  # an unknown name: let Django's bulk_update say so
        return False


def update_by_unnest(model, objs: list, fields: list[str], *, using: str, batch_size: int | None = None) -> int:
    """Write `fields` of each of `objs` (saved rows) in one UPDATE per batch; the number of rows updated."""
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in dict.fromkeys(fields)]
    pk = model._meta.pk
    types = [pk.rel_db_type(connection) if isinstance(pk, models.ForeignKey) else pk.db_type(connection)]
    types += [column.db_type(connection) for column in columns]
    aliases = ["v_pk", *[f"v_{index}" for index in range(len(columns))]]
    assignments = ", ".join(f"{quote(column.column)} = v.{alias}" for column, alias in zip(columns, aliases[1:]))
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} FROM unnest({arrays}) AS v({', '.join(aliases)}) "
        f"WHERE {quote(model._meta.db_table)}.{quote(pk.column)} = v.v_pk"
    )
    size = batch_size or 5000
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start:start + size]
            params = [[pk.get_db_prep_save(obj.pk, connection) for obj in batch]]
            for column in columns:
                params.append([column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in batch])
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


# ---- Many new rows by COPY ----------------------------------------------------------------------------------------
# Django's bulk_create on PostgreSQL sends each batch as an INSERT … SELECT * FROM unnest(…): every value goes
# through the field's preparation, then into a Python-built array. For the import's 10,000 new projects and their
# history rows (about a million values) that was most of the write (profiled: docs/benchmarks.md). COPY takes the
# rows as they are, formatted by psycopg's C code. The primary keys are taken from the table's own sequence first,
# so the objects have them as after bulk_create.

# Field types whose value on a validated object psycopg can send as it is (the preparation Django would do is the
# identity on PostgreSQL); any other field's value goes through get_db_prep_save (a JSON field's, say).
AS_IS = (
    models.CharField, models.TextField, models.DateField, models.DecimalField, models.IntegerField,
    models.BooleanField, models.ForeignKey, models.FloatField,
)


def can_copy(model, using: str) -> bool:
    """COPY on PostgreSQL, for a model whose key is an automatic integer (taken from its sequence) and whose columns
    all take the value on the object: no generated column, no default the database computes (bulk_create leaves
    those out; COPY would write them)."""
    if connections[using].vendor != "postgresql" or not isinstance(model._meta.pk, models.AutoField):
        return False
    return not any(isinstance(field, models.GeneratedField) or field.db_default is not models.NOT_PROVIDED
                   for field in model._meta.concrete_fields)


def _keys(cursor, model, count: int) -> list[int]:
    """`count` new primary keys from the table's sequence."""
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                   [model._meta.db_table, model._meta.pk.column, count])
    return [key for (key,) in cursor.fetchall()]


def _copy(connection, cursor, model, fields: list, rows) -> None:
    """One COPY of `rows` (lists of database values, in the order of `fields`) into the model's table."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    started = time.monotonic()
    # psycopg's own cursor (Django's has no copy()): its errors are turned into Django's, as for any query, and the
    # statement is logged where Django logs queries (DEBUG, the tests' query counts), with the rows it wrote.
    with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        count = 0
        for row in rows:
            copy.write_row(row)
            count += 1
    if connection.queries_logged:
        connection.queries_log.append({"sql": f"{sql} -- {count} rows", "time": f"{time.monotonic() - started:.3f}"})


def _as_is(field) -> bool:
    return field.primary_key or (isinstance(field, AS_IS) and not isinstance(field, models.DateTimeField))


def copy_insert(model, objs: list, *, using: str) -> list:
    """Insert new objects (no primary key yet) by one COPY; each gets its key, as bulk_create gives it. Fields'
    `pre_save` runs as in an INSERT (`auto_now_add` and `auto_now` are set); no `save()`, no signals."""
    if not objs:
        return objs
    connection = connections[using]
    fields = list(model._meta.concrete_fields)
    plain = [_as_is(field) for field in fields]
    for obj in objs:  # as bulk_create: a related object saved since it was assigned gives its key; an unsaved one
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # is refused
    with connection.cursor() as cursor:
        keys = _keys(cursor, model, len(objs))
        try:
            for obj, key in zip(objs, keys):
                obj.pk = key
            _copy(connection, cursor, model, fields, (
                [field.pre_save(obj, True) if as_is else field.get_db_prep_save(field.pre_save(obj, True), connection)
                 for field, as_is in zip(fields, plain)]
                for obj in objs))
        except BaseException:
            for obj in objs:  # not written: without a key, as after a failed bulk_create
                obj.pk = None
            raise
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


def bulk_insert(model, objs: list, *, using: str = "default", batch_size: int | None = None) -> list:
    """New rows without history (flags, stored dates): by COPY where it can (`copy_insert`), else bulk_create."""
    if can_copy(model, using):
        return copy_insert(model, objs, using=using)
    return model.objects.using(using).bulk_create(objs, batch_size=batch_size)


def copy_create_with_history(objs: list, model, *, using: str, user=None, change_reason: str | None = None,
                             when=None) -> list:
    """What simple-history's bulk_create_with_history does, by COPY: the new objects (their search text computed, as
    the searchable models' bulk_create does), then one history row each ("+", the user, the reason, one instant),
    written straight from the objects' values (no historical object is built)."""
    if not objs:
        return objs
    with transaction.atomic(using=using, savepoint=False):  # the rows and their history, or neither
        return _copy_create_with_history(objs, model, using, user, change_reason, when)


def _copy_create_with_history(objs, model, using, user, change_reason, when):
    for obj in objs:
        compute = getattr(obj, "compute_search_text", None)
        if compute is not None:
            obj.search_text = compute()
    copy_insert(model, objs, using=using)
    _copy_history(objs, model, using=using, user=user, change_reason=change_reason, when=when, history_type="+")
    return objs


def copy_update_with_history(objs: list, model, fields: list[str], *, using: str, user=None,
                             change_reason: str | None = None, when=None) -> None:
    """What simple-history's bulk_update_with_history does: the named fields of saved objects written (the model's
    bulk_update: by unnest on PostgreSQL for the searchable models), then one history row each ("~") by COPY."""
    if not objs:
        return
    with transaction.atomic(using=using, savepoint=False):
        model._default_manager.db_manager(using).bulk_update(objs, fields, batch_size=5000)
        _copy_history(objs, model, using=using, user=user, change_reason=change_reason, when=when, history_type="~")


def _copy_history(objs, model, *, using, user, change_reason, when, history_type) -> None:
    """One history row per object, written straight from the object's values (no historical object is built)."""
    history = model.history.model
    if user is None:  # as simple-history: the user of the request being served, if any
        user = history.get_default_history_user(objs[0])
    connection = connections[using]
    given = {"history_date": when or timezone.now(), "history_user": getattr(user, "pk", None),
             "history_change_reason": change_reason, "history_type": history_type}
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    tracked = {field.attname for field in history.tracked_fields}
    sources = []  # per column: (True, its value) or (False, the object's attribute, the field to prepare it or None)
    for field in fields:
        if field.name in given:
            value = given[field.name]
            sources.append((True, value if _as_is(field) else field.get_db_prep_save(value, connection), None))
        elif field.attname in tracked:
            sources.append((False, field.attname, None if _as_is(field) else field))
        else:
            raise ValueError(f"{history.__name__}.{field.name}: no value for it")  # a history field not foreseen
    key = history._meta.pk
    with connection.cursor() as cursor:
        keys = _keys(cursor, history, len(objs))
        _copy(connection, cursor, history, [key, *fields], (
            [pk, *[value if fixed else (getattr(obj, value) if prep is None
                                        else prep.get_db_prep_save(getattr(obj, value), connection))
                   for fixed, value, prep in sources]]
            for pk, obj in zip(keys, objs)))
