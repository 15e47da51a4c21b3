"""Exports of a list: exactly its filtered rows, every column, as CSV (UTF-8 with BOM, so Excel reads Vietnamese
text) or xlsx. Both stream: CSV row by row, xlsx through openpyxl's write-only mode into a temporary file. Every text
cell goes through `tracker.cells.inert`, so no text becomes a formula in the reader's spreadsheet."""
import csv
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from tracker.cells import inert

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    header: str  # the Vietnamese (or English) label
    key: str  # the machine key, as in the import template
    value: Callable  # row -> value


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


def export_response(rows: Iterable, columns: list[Column], fmt: str, filename: str):
    headers = [inert(str(column.header)) for column in columns]
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # the byte-order mark that makes Excel read UTF-8
            yield writer.writerow(headers)
            yield writer.writerow([inert(column.key) for column in columns])
            for row in rows:
                yield writer.writerow([_csv_text(column.value(row)) for column in columns])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append(headers)
    sheet.append([inert(column.key) for column in columns])
    for row in rows:
        sheet.append([_cell(column.value(row)) for column in columns])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
