"""Exports of a list: exactly its filtered rows, every column, as CSV (UTF-8 with BOM, so Excel reads Vietnamese
text) or xlsx. Both stream: CSV row by row, xlsx through openpyxl's write-only mode into a temporary file. Every text
cell goes through `tracker.cells.inert`, so no text becomes a formula in the reader's spreadsheet.

A list whose every column names its database field (`Column.field`, with its `kind`) is exported as CSV on
PostgreSQL by one `COPY (SELECT …) TO STDOUT`: the same filtered, ordered queryset, each cell formatted in SQL
exactly as `_csv_text` formats it in Python (dates dd/mm/yyyy, a decimal comma, choices as their labels in the
page's language, text made inert). A test on PostgreSQL reads both files and finds the same cells
(tests/tracker/test_export_copy.py); 100,000 projects went from 10–28 s to about 1 s (docs/benchmarks.md)."""
import csv
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connections
from django.db.models import CharField, DecimalField, F, Func, Value, When
from django.db.models import Case as CaseExpression
from django.db.models.functions import Cast, Concat, Left, Replace
from django.db.models.lookups import In
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from tracker.cells import PREFIX, TRIGGERS, inert
from tracker.numbers import vnd_to_billions

FORMATS = ("csv", "xlsx")
KINDS = ("text", "int", "decimal", "billions", "date", "choice")


def _attribute(row, path: str):
    for name in path.split("__"):
        if row is None:
            return None
        row = getattr(row, name)
    return row


@dataclass(frozen=True)
class Column:
    header: str  # the Vietnamese (or English) label
    key: str  # the machine key, as in the import template
    value: Callable | None = None  # row -> value; derived from `field` and `kind` when not given
    field: str | None = None  # the ORM path of the value (`cluster__commune__name`), for the COPY export
    kind: str = "text"  # how the field is written: one of KINDS

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}")
        if self.value is None:
            if self.field is None:
                raise ValueError(f"Column {self.key!r} needs a value or a field")
            object.__setattr__(self, "value", self._from_field)

    def _from_field(self, row):
        if self.kind == "choice":
            *path, name = self.field.split("__")
            owner = _attribute(row, "__".join(path)) if path else row
            return None if owner is None else getattr(owner, f"get_{name}_display")()
        value = _attribute(row, self.field)
        return vnd_to_billions(value) if self.kind == "billions" else value


def _cell(value):
    """A value as a spreadsheet cell: dates as dates, money as exact integers, text as inert text."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return inert(value)


class _Echo:
    def write(self, value):
        return value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        # A decimal comma and no grouping: what Excel reads in the Vietnamese locale, and what the import reads
        # back unambiguously (12.345 would be twelve thousand three hundred and forty-five).
        return format(value, "f").replace(".", ",")
    if isinstance(value, (int, float)):
        return str(value)
    return inert(value)


def _text(expression):
    return Cast(expression, output_field=CharField())


def _inert_sql(expression):
    """`tracker.cells.inert` in SQL: a leading apostrophe before text that starts, after any apostrophes, with one
    of the characters a spreadsheet evaluates."""
    stripped = Func(expression, Value(PREFIX), function="ltrim", output_field=CharField())
    return CaseExpression(
        When(In(Left(stripped, 1), list(TRIGGERS)), then=Concat(Value(PREFIX), expression, output_field=CharField())),
        default=expression, output_field=CharField(),
    )


def _decimal_comma(expression):
    return Replace(_text(expression), Value("."), Value(","))


def _field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def column_sql(model, column: Column):
    """The expression that writes `column` into the CSV as `_csv_text` writes it (None stays NULL: an empty
    field)."""
    value = F(column.field)
    if column.kind == "text":
        return _inert_sql(_text(value))
    if column.kind == "int":
        return _text(value)
    if column.kind == "decimal":
        return _decimal_comma(value)
    if column.kind == "billions":
        amount = Func(value, template="(%(expressions)s)::numeric / 1000000000", output_field=DecimalField())
        return _decimal_comma(Func(amount, function="trim_scale", output_field=DecimalField()))
    if column.kind == "date":
        return Func(value, Value("DD/MM/YYYY"), function="to_char", output_field=CharField())
    # A choice: its label in the active language (as get_FOO_display); an unknown key (which no form, import or API
    # call can store) as it is, made inert as any text.
    choices = _field(model, column.field).flatchoices
    return CaseExpression(
        *[When(**{column.field: key}, then=Value(str(label))) for key, label in choices],
        default=_inert_sql(_text(value)), output_field=CharField(),
    )


def copy_csv_chunks(queryset, columns: list[Column]):
    """The rows of `queryset` as CSV (no header), written by PostgreSQL's COPY: bytes, chunk by chunk."""
    names = [f"export_{index}" for index in range(len(columns))]
    rows = queryset.annotate(**{name: column_sql(queryset.model, column) for name, column in zip(names, columns)})
    rows = rows.values_list(*names)
    sql, params = rows.query.sql_with_params()
    connection = connections[rows.db]
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for data in copy:
                yield bytes(data)


def copies(queryset, columns: list[Column], fmt: str) -> bool:
    """Whether this export is written by COPY: CSV, on PostgreSQL, every column naming its field."""
    return (fmt == "csv" and queryset is not None and connections[queryset.db].vendor == "postgresql"
            and all(column.field for column in columns))


def field_values(queryset, columns: list[Column]):
    """The rows of `queryset` as lists of the columns' values (what `Column.value` gives for a model instance),
    read as tuples of the named fields instead of model instances: choices through one dict of labels each."""
    labels = {index: {key: str(label) for key, label in _field(queryset.model, column.field).flatchoices}
              for index, column in enumerate(columns) if column.kind == "choice"}
    amounts = [index for index, column in enumerate(columns) if column.kind == "billions"]
    for values in queryset.values_list(*[column.field for column in columns]).iterator(chunk_size=2000):
        row = list(values)
        for index, choices in labels.items():
            if row[index] is not None:
                row[index] = choices.get(row[index], row[index])
        for index in amounts:
            row[index] = vnd_to_billions(row[index])
        yield row


def export_response(rows: Iterable, columns: list[Column], fmt: str, filename: str, *, queryset=None):
    """`rows` (model instances) as the file. When `queryset` is given and every column names its field, the rows
    are read as the fields' values instead (`field_values`), and on PostgreSQL the CSV's rows are written by COPY
    (`copies`)."""
    headers = [inert(str(column.header)) for column in columns]
    if queryset is not None and all(column.field for column in columns):
        values = field_values(queryset, columns)
    else:
        values = ([column.value(row) for column in columns] for row in rows)
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # the byte-order mark that makes Excel read UTF-8
            yield writer.writerow(headers)
            yield writer.writerow([inert(column.key) for column in columns])
            if copies(queryset, columns, fmt):
                yield from copy_csv_chunks(queryset, columns)
                return
            for row in values:
                yield writer.writerow([_csv_text(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append(headers)
    sheet.append([inert(column.key) for column in columns])
    for row in values:
        sheet.append([_cell(value) for value in row])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
