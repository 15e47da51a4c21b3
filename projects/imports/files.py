"""Reading an uploaded spreadsheet into plain rows, with a clear message for every kind of bad file.

Only the shape is read here (sheets, header, cells); what the cells mean is `projects.imports`' business. A file that
cannot be read at all raises BadFile with a message for the person who uploaded it; a cell that can be read but must
not be imported (a formula, a merged range) becomes a CellProblem pointed at its row and column.
"""
import codecs
import csv
import io
import itertools
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from tracker.cells import restore_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls files and password-protected (encrypted) .xlsx files
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?ref=\"\$?([A-Z]*)\$?(\d+)(?::\$?([A-Z]*)\$?(\d+))?\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
DIMENSION_READ = 64 * 1024  # the <dimension> element comes before the rows: only this much of a sheet is inflated
ZIP_END = b"PK\x05\x06"
MAX_ZIP_MEMBERS = 1000  # a workbook has a few dozen parts; more is not a spreadsheet someone typed
RATIO_FROM_BYTES = 1 << 20  # the compression ratio is judged only for parts that inflate to more than 1 MB
HEADER_ROWS = 2  # the label row and the key row, which are not data rows
MAX_COLUMNS = 200  # the widest template sheet has a few dozen columns


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
    span: tuple = ()  # (first row, first column, last row, last column), numbers, of a merged range


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


def read_upload(handle, filename: str, *, max_rows: int, known_keys: set, estimate=None) -> FileData:
    """Read an .xlsx or .csv file. `known_keys` tells a second header row of machine keys from a data row.

    The file is read within a budget (docs/imports.md, "Reading within a budget"): its size, for a workbook the
    sizes its parts declare and the rows its sheets declare, all checked before any part is inflated; then the
    rows stream by and reading stops at the first row over the limit, blank rows counted too. `estimate`, if
    given, is called once with an upper bound of the data rows, before they are read (the progress bar's total)."""
    head = handle.read(8)
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    name = (filename or "").lower()
    if not head:
        raise BadFile(_("The file is empty."))
    limit = settings.IMPORT_MAX_UPLOAD_MB
    if size > limit * 1024 * 1024:
        raise BadFile(_("The file is larger than %(limit)s MB. Split it into smaller files.") % {"limit": limit})
    budget = RowBudget(max_rows, settings.IMPORT_MAX_BLANK_ROWS)
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
        return _read_xlsx(handle, budget=budget, known_keys=known_keys, estimate=estimate)
    if head.startswith(b"%PDF"):
        raise BadFile(_("This is a PDF file, not an Excel workbook (.xlsx) or a CSV file."))
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise BadFile(_("The file is named like an Excel file but is not one; it may be damaged. Save it again "
                        "from Excel as an Excel Workbook (.xlsx)."))
    return _read_csv(handle.read(), budget=budget, known_keys=known_keys, estimate=estimate)


def _number(value: int) -> str:
    """An integer the Vietnamese way (20.000)."""
    return f"{value:,}".replace(",", ".")


def _megabytes(size: int) -> str:
    return _number(max(1, round(size / (1024 * 1024))))


class RowBudget:
    """The rows of one file as they stream by: at most `max_rows` data rows and `max_blank` blank rows (a sheet's
    gaps and the empty rows Excel keeps after formatting count too), so that reading stops at the first row over
    the limit instead of after the whole sheet."""

    def __init__(self, max_rows: int, max_blank: int):
        self.max_rows = max_rows
        self.max_blank = max_blank
        self.data = 0
        self.blank = 0

    def count_blank(self, rows, sheet: str | None):
        """Pass (number, values) rows through, counting the blank ones."""
        for number, values in rows:
            if all(is_blank(value) for value in values):
                self.blank += 1
                if self.blank > self.max_blank:
                    self._too_many_blank(number, sheet)
            yield number, values

    def _too_many_blank(self, number: int, sheet: str | None):
        values = {"max": _number(self.max_blank), "row": _number(number), "sheet": sheet}
        if sheet is None:
            raise BadFile(
                _("The file has more than %(max)s empty lines (the last one read is line %(row)s). Delete the "
                  "empty lines and upload the file again.") % values
            )
        raise BadFile(
            _("The sheet “%(sheet)s” has more than %(max)s empty rows (the last one read is row %(row)s): Excel "
              "keeps rows that were once formatted or cleared. Delete the empty rows (select them, right-click → "
              "Delete), save and upload the file again.") % values
        )

    def take(self) -> None:
        """One more data row."""
        self.data += 1
        if self.data > self.max_rows:
            raise BadFile(
                _("The file has more than %(max)s data rows. Split it into files of at most %(max)s rows "
                  "and import them one after the other.") % {"max": _number(self.max_rows)}
            )

    @property
    def max_sheet_rows(self) -> int:
        """The most rows a sheet may span: its data, its blank rows and its two header rows."""
        return self.max_rows + self.max_blank + HEADER_ROWS


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


def _damaged() -> BadFile:
    return BadFile(_("The file could not be opened as an Excel workbook; it may be damaged. Save it again "
                     "from Excel as an Excel Workbook (.xlsx)."))


def _read_xlsx(handle, *, budget: RowBudget, known_keys: set, estimate) -> FileData:
    _check_zip_directory(handle)
    try:
        archive = zipfile.ZipFile(handle)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _damaged() from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise BadFile(_("This is an OpenDocument spreadsheet (.ods). Save it as an Excel Workbook (.xlsx)."))
        raise BadFile(_("This is a zip file but not an Excel workbook (.xlsx)."))
    try:
        streamed = _check_part_sizes(archive, infos)
        rows = _check_sheet_rows(archive, streamed & names, budget)
    except (ElementTree.ParseError, KeyError, ValueError, EOFError, OSError, zlib.error, zipfile.BadZipFile,
            RuntimeError, NotImplementedError):
        raise _damaged() from None
    if estimate is not None:
        estimate(rows)
    handle.seek(0)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file; all mean the same to the user
        raise _damaged() from None
    try:
        return _read_sheets(workbook, archive, budget=budget, known_keys=known_keys)
    except (ElementTree.ParseError, KeyError, IndexError, ValueError, TypeError, EOFError, OSError, zlib.error,
            zipfile.BadZipFile):
        # openpyxl's read-only mode parses a sheet only while it is read: a damaged sheet fails here.
        raise _damaged() from None
    finally:
        workbook.close()


def _check_zip_directory(handle) -> None:
    """Refuse a zip of thousands of parts from its end record, before zipfile builds the list of them all."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - 22 - 0xFFFF))  # the end record (22 bytes) is followed by a comment of at most 64 kB
    tail = handle.read()
    handle.seek(0)
    at = tail.rfind(ZIP_END)
    if at < 0 or len(tail) < at + 12:
        return  # not a zip: zipfile says so
    (entries,) = struct.unpack("<H", tail[at + 10:at + 12])
    if entries > MAX_ZIP_MEMBERS:  # 0xFFFF means more than 65,534 (zip64)
        raise BadFile(
            _("The workbook has too many parts (%(count)s) to be an ordinary Excel workbook. Copy the data into "
              "the import template and upload that.") % {"count": _number(entries)}
        )


SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _streamed_parts(archive: zipfile.ZipFile) -> set[str]:
    """The worksheets, by the content types the workbook declares: openpyxl's read-only mode streams them row by
    row, while it reads every other part (the shared strings above all) whole into memory."""
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > 1024 * 1024:  # a few kB in any workbook
        raise _damaged()
    root = ElementTree.fromstring(archive.read(info))
    return {
        element.get("PartName", "").lstrip("/")
        for element in root
        if element.tag.endswith("Override") and element.get("ContentType") == SHEET_TYPE
    }


def _check_part_sizes(archive: zipfile.ZipFile, infos: list) -> set[str]:
    """The sizes each part declares, before anything is inflated. zipfile never inflates a part beyond its declared
    size (a part that lies fails its checksum), so these are true bounds."""
    total_budget = settings.IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024
    part_budget = settings.IMPORT_MAX_PART_MB * 1024 * 1024
    total = sum(info.file_size for info in infos)
    if total > total_budget:
        largest = max(infos, key=lambda info: info.file_size)
        raise BadFile(
            _("The workbook expands to %(size)s MB when opened (its largest part, %(part)s, to %(part_size)s MB), "
              "more than the %(max)s MB an import reads. Delete unused sheets, pictures and empty formatted rows, "
              "or split the data into smaller files.")
            % {"size": _megabytes(total), "part": largest.filename, "part_size": _megabytes(largest.file_size),
               "max": _number(settings.IMPORT_MAX_UNCOMPRESSED_MB)}
        )
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    for info in infos:
        if info.file_size > RATIO_FROM_BYTES and info.file_size > ratio_limit * max(info.compress_size, 1):
            raise BadFile(
                _("The part %(part)s of the workbook expands %(ratio)s times when opened, which an ordinary "
                  "workbook never does: the file may be damaged or made to overload the server. Open it in Excel, "
                  "delete the empty rows, save it and upload it again.")
                % {"part": info.filename, "ratio": _number(info.file_size // max(info.compress_size, 1))}
            )
    streamed = _streamed_parts(archive)
    for info in infos:
        if info.filename not in streamed and info.file_size > part_budget:
            raise BadFile(
                _("The part %(part)s of the workbook (read whole, unlike the rows of a sheet) expands to %(size)s MB "
                  "when opened, more than the %(max)s MB an import allows. Split the data into smaller files.")
                % {"part": info.filename, "size": _megabytes(info.file_size),
                   "max": _number(settings.IMPORT_MAX_PART_MB)}
            )
    return streamed


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """{part path: sheet title}, for the messages; empty if the workbook's index cannot be read (openpyxl says so)."""
    try:
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return {}
    titles = {}
    for element in book.iter():
        if element.tag.endswith("}sheet"):
            rid = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
            target = targets.get(rid, "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            titles[path] = element.get("name", path)
    return titles


def _check_sheet_rows(archive: zipfile.ZipFile, sheets: set[str], budget: RowBudget) -> int:
    """Before openpyxl opens the workbook: refuse a sheet that spans more rows than the budget or more columns than
    any import needs, by its <dimension> (read from the first 64 kB of its XML) or, when it has none, by counting
    its <row> elements up to the limit. Returns an upper bound of the data rows, for the progress bar."""
    titles = _sheet_titles(archive)
    estimate = 0
    for path in sorted(sheets):
        title = titles.get(path, path)
        with archive.open(path) as stream:
            head = stream.read(DIMENSION_READ)
        match = _DIMENSION.search(head)
        if match is not None:
            first_column, first, last_column, last = match.groups()
            rows = int(last or first) - int(first) + 1
            columns = column_index_from_string((last_column or first_column or b"A").decode())
        else:
            rows, columns = _count_rows(archive, path, budget.max_sheet_rows + 1), 0
        if rows > budget.max_sheet_rows:
            raise BadFile(
                _("The sheet “%(sheet)s” spans more than %(max)s rows, empty ones included (%(data)s data rows, "
                  "%(blank)s empty rows and the two header rows are the most an import reads). Delete the empty "
                  "rows below the data, or split the file into files of at most %(data)s rows.")
                % {"sheet": title, "max": _number(budget.max_sheet_rows), "data": _number(budget.max_rows),
                   "blank": _number(budget.max_blank)}
            )
        if columns > MAX_COLUMNS:
            raise _too_wide(title, columns)
        estimate += max(rows - HEADER_ROWS, 0)
    return min(estimate, budget.max_rows)


def _too_wide(sheet: str, columns: int) -> BadFile:
    return BadFile(
        _("The sheet “%(sheet)s” spans %(columns)s columns; an import reads at most %(max)s. Delete the "
          "empty columns to the right of the data and upload the file again.")
        % {"sheet": sheet, "columns": _number(columns), "max": _number(MAX_COLUMNS)}
    )


def _count_rows(archive: zipfile.ZipFile, path: str, stop: int) -> int:
    """The <row> elements of a sheet's XML, counted in 1 MB pieces and no further than `stop`."""
    count = 0
    tail = b""
    with archive.open(path) as stream:
        while count < stop and (chunk := stream.read(1 << 20)):
            block = tail + chunk
            # a tag cut at the end of the piece is counted in the next one: keep the last bytes, uncounted
            keep = max(0, len(block) - 16)
            count += sum(1 for match in _ROW.finditer(block) if match.start() < keep)
            tail = block[keep:]
        count += sum(1 for _match in _ROW.finditer(tail))
    return min(count, stop)


def _read_sheets(workbook, archive, *, budget: RowBudget, known_keys: set) -> FileData:
    result = FileData(sheets=[])
    visible = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            result.hidden.append(sheet.title)
            continue
        visible.append(sheet)
    for sheet in visible:
        problems: list[CellProblem] = []

        def rows():
            number = 0
            # max_row: read past a <dimension> that declares fewer rows than the sheet has, up to the budget
            for cells in sheet.iter_rows(max_row=budget.max_sheet_rows + 1):
                values = []
                number += 1  # read-only mode yields an empty row for every row missing in the XML
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
                if len(values) > MAX_COLUMNS:  # a sheet without a <dimension> was not measured before
                    if any(not is_blank(value) for value in values[MAX_COLUMNS:]):
                        raise _too_wide(sheet.title, len(values))
                    del values[MAX_COLUMNS:]
                yield number, values

        iterator = budget.count_blank(rows(), sheet.title)
        header, keys, first = _split_header(iterator, known_keys)
        if header is None:
            continue  # an empty sheet is not an error; a file with no data at all is (see imports)
        data = []
        for number, values in itertools.chain([first] if first else [], iterator):
            if all(is_blank(v) for v in values):
                continue
            budget.take()
            data.append((number, values))
        # read from the whole sheet's XML: only once its rows have kept within the budget
        for ref in _merged_ranges(archive, getattr(sheet, "_worksheet_path", None)):
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            problems.append(
                CellProblem(
                    min_row, get_column_letter(min_col), ref,
                    _("Merged cells (%(range)s). Unmerge them and fill every cell before importing.") % {"range": ref},
                    (min_row, min_col, max_row, max_col),
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


def _encoding(raw: bytes) -> str:
    """The CSV's text encoding, checked over the whole file in 1 MB pieces (the text itself is not built)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "cp1258"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(raw), 1 << 20):
                decoder.decode(raw[start:start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise BadFile(_("The text encoding of the CSV file could not be recognised. Save it as “CSV UTF-8”."))


def _lines(raw: bytes, encoding: str):
    """The CSV's lines, decoded one by one as the reader asks for them."""
    lines = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline="")
    if encoding != "cp1258":
        return lines
    # Vietnamese Windows saves CSV as Windows-1258, which writes most accents as combining marks: recompose.
    return (unicodedata.normalize("NFC", line) for line in lines)


def _read_csv(raw: bytes, *, budget: RowBudget, known_keys: set, estimate) -> FileData:
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile(_("The file is neither an Excel workbook (.xlsx) nor a CSV text file."))
    encoding = _encoding(raw)
    if estimate is not None:
        estimate(min(budget.max_rows, max(raw.count(b"\n") - 1, 0)))
    sample = io.TextIOWrapper(io.BytesIO(raw[:32768]), encoding=encoding, errors="ignore", newline="").read(8192)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(_lines(raw, encoding), dialect)
    try:
        numbered = budget.count_blank(((number, row) for number, row in enumerate(reader, start=1)), None)
        header, keys, first = _split_header(numbered, known_keys)
        if header is None:
            return FileData(sheets=[])
        data = []
        for number, values in itertools.chain([first] if first else [], numbered):
            if all(is_blank(v) for v in values):
                continue
            budget.take()
            data.append((number, values))
    except csv.Error as exc:
        raise BadFile(_("The CSV file could not be read: %(error)s") % {"error": exc}) from None
    except UnicodeDecodeError:
        raise BadFile(_("The text encoding of the CSV file could not be recognised. Save it as “CSV UTF-8”.")) from None
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
