"""Reading an uploaded spreadsheet into plain rows, with a clear message for every kind of bad file.

Only the shape is read here (sheets, header, cells); what the cells mean is `projects.imports`' business. A file that
cannot be read at all raises BadFile with a message for the person who uploaded it; a cell that can be read but must
not be imported (a formula, a merged range) becomes a CellProblem pointed at its row and column.
"""
import csv
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from tracker.cells import restore_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls files and password-protected (encrypted) .xlsx files
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")


class BadFile(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CellProblem:
    row: int
    column: str  # the column letter, e.g. "C"
    value: str
    message: str


@dataclass
class SheetData:
    name: str
    header: list  # the header cells as written
    keys: list | None  # the machine keys of a second header row (the template's and the exports' shape), if any
    rows: list  # (row number, [cell values]) of every non-blank data row
    problems: list = field(default_factory=list)  # CellProblem


@dataclass
class FileData:
    sheets: list  # SheetData of every visible sheet with a header
    hidden: list = field(default_factory=list)  # names of hidden sheets (not read)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_upload(handle, filename: str, *, max_rows: int, known_keys: set) -> FileData:
    """Read an .xlsx or .csv file. `known_keys` tells a second header row of machine keys from a data row."""
    head = handle.read(8)
    handle.seek(0)
    name = (filename or "").lower()
    if not head:
        raise BadFile(_("The file is empty."))
    if head.startswith(OLE_MAGIC):
        data = handle.read()
        if ENCRYPTION_STREAM in data:
            raise BadFile(
                _("The workbook is protected by a password. Open it in Excel, remove the password (File → Info → "
                  "Protect Workbook), save it and upload it again.")
            )
        raise BadFile(
            _("This is an old Excel 97–2003 (.xls) file. Open it in Excel and save it as an Excel Workbook (.xlsx).")
        )
    if head.startswith(b"PK"):
        return _read_xlsx(handle, max_rows=max_rows, known_keys=known_keys)
    if head.startswith(b"%PDF"):
        raise BadFile(_("This is a PDF file, not an Excel workbook (.xlsx) or a CSV file."))
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise BadFile(_("The file is named like an Excel file but is not one; it may be damaged. Save it again "
                        "from Excel as an Excel Workbook (.xlsx)."))
    return _read_csv(handle.read(), max_rows=max_rows, known_keys=known_keys)


def _normalise_key(value) -> str:
    return " ".join(str(value).split()).casefold()


def _split_header(rows_iter, known_keys: set):
    """The first non-blank row is the header; a following row made only of machine keys is the key row."""
    header = None
    for number, values in rows_iter:
        if all(is_blank(v) for v in values):
            continue
        if header is None:
            header = values
            continue
        cells = [v for v in values if not is_blank(v)]
        known = [v for v in cells if isinstance(v, str) and _normalise_key(v) in known_keys]
        if cells and len(known) * 2 >= len(cells) and (len(known) >= 2 or len(cells) == 1):
            return header, values, None  # mostly machine keys: the key row (an unknown key is reported later)
        return header, None, (number, values)
    return header, None, None


def _read_xlsx(handle, *, max_rows: int, known_keys: set) -> FileData:
    try:
        archive = zipfile.ZipFile(handle)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BadFile(_("The file could not be opened as an Excel workbook; it may be damaged. Save it again "
                        "from Excel as an Excel Workbook (.xlsx).")) from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise BadFile(_("This is an OpenDocument spreadsheet (.ods). Save it as an Excel Workbook (.xlsx)."))
        raise BadFile(_("This is a zip file but not an Excel workbook (.xlsx)."))
    handle.seek(0)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file; all mean the same to the user
        raise BadFile(_("The file could not be opened as an Excel workbook; it may be damaged. Save it again "
                        "from Excel as an Excel Workbook (.xlsx).")) from None
    try:
        return _read_sheets(workbook, archive, max_rows=max_rows, known_keys=known_keys)
    except (ElementTree.ParseError, KeyError, IndexError, ValueError, TypeError, EOFError, OSError, zlib.error,
            zipfile.BadZipFile):
        # openpyxl's read-only mode parses a sheet only while it is read: a damaged sheet fails here.
        raise BadFile(_("The file could not be opened as an Excel workbook; it may be damaged. Save it again "
                        "from Excel as an Excel Workbook (.xlsx).")) from None
    finally:
        workbook.close()


def _read_sheets(workbook, archive, *, max_rows: int, known_keys: set) -> FileData:
    result = FileData(sheets=[])
    total = 0
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            result.hidden.append(sheet.title)
            continue
        problems: list[CellProblem] = []
        merged = _merged_ranges(archive, getattr(sheet, "_worksheet_path", None))

        def rows():
            for cells in sheet.iter_rows():
                values = []
                number = None
                for cell in cells:
                    if getattr(cell, "row", None) is not None:
                        number = cell.row
                    value = cell.value
                    if cell.data_type == "e":
                        problems.append(
                            CellProblem(
                                cell.row, get_column_letter(cell.column), str(value),
                                _("The cell shows an Excel error (%(error)s). Correct it or clear the cell.")
                                % {"error": value},
                            )
                        )
                        value = None
                    elif cell.data_type == "f":
                        problems.append(
                            CellProblem(
                                cell.row, get_column_letter(cell.column), str(value),
                                _("The cell holds a formula. Replace formulas by their values (Copy, then Paste "
                                  "Special → Values) before importing."),
                            )
                        )
                        value = None
                    values.append(value)
                if number is not None:
                    yield number, values

        iterator = rows()
        header, keys, first = _split_header(iterator, known_keys)
        if header is None:
            continue  # an empty sheet is not an error; a file with no data at all is (see imports)
        data = []
        pending = [first] if first else []
        for number, values in [*pending, *iterator]:
            if all(is_blank(v) for v in values):
                continue
            total += 1
            if total > max_rows:
                raise BadFile(
                    _("The file has more than %(max)s data rows. Split it into files of at most %(max)s rows "
                      "and import them one after the other.") % {"max": f"{max_rows:,}".replace(",", ".")}
                )
            data.append((number, values))
        for ref in merged:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            problems.append(
                CellProblem(
                    min_row, get_column_letter(min_col), ref,
                    _("Merged cells (%(range)s). Unmerge them and fill every cell before importing.") % {"range": ref},
                )
            )
        result.sheets.append(SheetData(name=sheet.title, header=header, keys=keys, rows=data, problems=problems))
    return result


def _merged_ranges(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """The merged ranges of a sheet, read from its XML (openpyxl's read-only mode does not parse them)."""
    if not path:
        return []
    path = path.lstrip("/")
    if path not in archive.namelist():
        return []
    found = []
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            block = tail + chunk
            found += [m.group(1).decode() for m in _MERGE.finditer(block)]
            # Keep the end of the block in case a tag is cut in two; matches inside it are not counted twice
            # because the kept part starts after the last complete match.
            last = max((m.end() for m in _MERGE.finditer(block)), default=0)
            tail = block[max(last, len(block) - 200):]
    return found


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Vietnamese Windows saves CSV as Windows-1258, which writes most accents as combining marks: recompose.
        return unicodedata.normalize("NFC", raw.decode("cp1258"))
    except UnicodeDecodeError:
        raise BadFile(_("The text encoding of the CSV file could not be recognised. Save it as “CSV UTF-8”.")) from None


def _read_csv(raw: bytes, *, max_rows: int, known_keys: set) -> FileData:
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile(_("The file is neither an Excel workbook (.xlsx) nor a CSV text file."))
    text = _decode(raw)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        numbered = ((number, row) for number, row in enumerate(reader, start=1))
        header, keys, first = _split_header(numbered, known_keys)
        if header is None:
            return FileData(sheets=[])
        data = []
        for number, values in [*([first] if first else []), *numbered]:
            if all(is_blank(v) for v in values):
                continue
            if len(data) >= max_rows:
                raise BadFile(
                    _("The file has more than %(max)s data rows. Split it into files of at most %(max)s rows "
                      "and import them one after the other.") % {"max": f"{max_rows:,}".replace(",", ".")}
                )
            data.append((number, values))
    except csv.Error as exc:
        raise BadFile(_("The CSV file could not be read: %(error)s") % {"error": exc}) from None
    return FileData(sheets=[SheetData(name="CSV", header=header, keys=keys, rows=data)])


def cell_text(value) -> str:
    """A cell as the person sees it, for messages and the preview."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return restore_text(value)  # the apostrophe the tracker's exports put before = + - @ (tracker.cells)
    return str(value)
