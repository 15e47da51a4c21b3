"""The official documents: form 04 / form 03 laid out like the Circular's form (the page and the xlsx share one
description of it), and the watchlist report to the People's Committee as xlsx. The files are always in Vietnamese,
whatever language the user reads the site in: they are letters to other authorities."""
import tempfile
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tracker.cells import inert
from tracker.legal import public_legal_basis
from tracker.reports.indicators import COUNT_UNITS, GROUPS, HALF_YEAR, UNIT_PCT, Indicator, cutoff_date

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
LEGAL_BASIS = "14/2024/TT-BCT"
AMENDED_BY = "38/2025/TT-BCT"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Line:
    """A row of the form's table: a group heading (number I, II…) or a numbered indicator."""

    number: str
    label: str
    unit: str = ""  # the unit as written on the form
    unit_key: str = ""
    value: object = None
    is_group: bool = False
    key: str = ""


@dataclass
class FormDocument:
    form_number: str  # "04" or "03"
    sender: list[str]  # the issuing authority, top left
    reference: str  # "Số: …/BC-SCT"
    place_date: str  # "Phú Thọ, ngày … tháng … năm …"
    title: str
    subtitle: str
    period_line: str
    recipient: str
    cutoff: date
    value_header: str
    lines: list[Line] = field(default_factory=list)
    signature_title: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)

    @property
    def legal_line(self) -> str:
        return _("(Issued with Circular No. %(circular)s of the Minister of Industry and Trade, as amended by "
                 "Circular No. %(amended)s)") % {"circular": LEGAL_BASIS, "amended": AMENDED_BY}

    @property
    def form_label(self) -> str:
        return _("Form No. %(number)s") % {"number": self.form_number}


def period_label(year: int, period: str) -> str:
    if period == HALF_YEAR:
        return _("the first half of %(year)s") % {"year": year}
    return _("the year %(year)s") % {"year": year}


def _lines(indicators: list[Indicator]) -> list[Line]:
    lines, group = [], None
    for indicator in indicators:
        if indicator.group != group:
            group = indicator.group
            lines.append(Line(ROMAN[len([x for x in lines if x.is_group])], str(GROUPS[group]), is_group=True))
        lines.append(Line(str(indicator.number), str(indicator.label), unit=indicator.unit_label,
                          unit_key=indicator.unit, value=indicator.value, key=indicator.key))
    return lines


def form_document(*, indicators: list[Indicator], year: int, period: str, commune=None) -> FormDocument:
    """Form 04 (commune None: the province's report, sent by the department to the Ministry) or form 03 (a commune's
    report, sent by its People's Committee to the department)."""
    province = settings.PROVINCE_NAME
    cutoff = cutoff_date(year, period)
    when = period_label(year, period)
    period_line = _("Reporting period: %(period)s (figures as of %(cutoff)s)") % {
        "period": when, "cutoff": cutoff.strftime("%d/%m/%Y")}
    blank_date = _("%(place)s, day …… month …… year ……")
    if commune is None:
        return FormDocument(
            form_number="04",
            sender=[_("PEOPLE'S COMMITTEE OF %(province)s PROVINCE") % {"province": province.upper()},
                    settings.DEPARTMENT_NAME.upper()],
            reference=_("No.: ……/BC-SCT"),
            place_date=blank_date % {"place": province},
            title=_("REPORT"),
            subtitle=_("On the industrial clusters of %(province)s province") % {"province": province},
            period_line=period_line,
            recipient=_("To: the Ministry of Industry and Trade"),
            cutoff=cutoff,
            value_header=_("As of %(cutoff)s") % {"cutoff": cutoff.strftime("%d/%m/%Y")},
            lines=_lines(indicators),
            signature_title=[_("DIRECTOR"), _("(Signature, full name and seal)")],
            recipients=[_("Ministry of Industry and Trade (to report);"),
                        _("Provincial People's Committee (to report);"), _("Kept: archives.")],
        )
    unit = commune.get_kind_display()
    return FormDocument(
        form_number="03",
        sender=[_("PEOPLE'S COMMITTEE OF %(unit)s %(name)s") % {"unit": str(unit).upper(), "name": commune.name.upper()}],
        reference=_("No.: ……/BC-UBND"),
        place_date=blank_date % {"place": commune.name},
        title=_("REPORT"),
        subtitle=_("On the industrial clusters of %(unit)s %(name)s") % {"unit": str(unit).lower(), "name": commune.name},
        period_line=period_line,
        recipient=_("To: %(department)s of %(province)s province") % {
            "department": settings.DEPARTMENT_NAME, "province": province},
        cutoff=cutoff,
        value_header=_("As of %(cutoff)s") % {"cutoff": cutoff.strftime("%d/%m/%Y")},
        lines=_lines(indicators),
        signature_title=[_("ON BEHALF OF THE PEOPLE'S COMMITTEE"), _("CHAIRPERSON"), _("(Signature, full name and seal)")],
        recipients=[_("%(department)s (to report);") % {"department": settings.DEPARTMENT_NAME}, _("Kept: archives.")],
    )


# ---- xlsx ---------------------------------------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
# The recipients' bullet: an en dash, which looks like the hyphen of the page and of the PDF; a hyphen would start
# the cell with a formula character and get the apostrophe every such cell gets (tracker.cells).
BULLET = "– "
FONT = "Times New Roman"  # the font of Vietnamese administrative documents (Decree 30/2020)


def _font(bold=False, italic=False, size=12):
    return Font(name=FONT, bold=bold, italic=italic, size=size)


def _put(sheet, row: int, first: int, last: int, value, *, bold=False, italic=False, size=12, align=CENTER):
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row=row, column=first, value=inert(value))
    cell.font = _font(bold, italic, size)
    cell.alignment = align
    return cell


def _number_format(unit_key: str) -> str:
    if unit_key in COUNT_UNITS:
        return "#,##0"
    if unit_key == UNIT_PCT:
        return "0.00"
    return "#,##0.00##"


def _response(workbook: Workbook, filename: str) -> FileResponse:
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)


def _letterhead(sheet, document_lines: dict, width: int, split: int) -> int:
    """The heading every administrative document starts with: the form number at the top right, the authority at
    the left, the national motto at the right, the number and the place and date below. Returns the next row."""
    if document_lines["form"]:
        _put(sheet, 1, split + 1, width, document_lines["form"], bold=True, align=RIGHT)
        _put(sheet, 2, split + 1, width, document_lines["legal"], italic=True, size=10)
        sheet.row_dimensions[2].height = 30
    left = document_lines["sender"] + [document_lines["reference"]]
    right = [_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence - Freedom - Happiness"), document_lines["place_date"]]
    for offset in range(max(len(left), len(right))):
        row = 3 + offset
        if offset < len(left):
            _put(sheet, row, 1, split, left[offset], bold=offset < len(left) - 1)
        if offset < len(right):
            _put(sheet, row, split + 1, width, right[offset], bold=offset < 2, italic=offset == 2)
    return 4 + max(len(left), len(right))


def form_xlsx(document: FormDocument, filename: str) -> FileResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Form %(number)s") % {"number": document.form_number}
    for column, width in zip("ABCDE", (7, 62, 12, 18, 16)):
        sheet.column_dimensions[column].width = width
    row = _letterhead(sheet, {
        "form": document.form_label, "legal": document.legal_line, "sender": document.sender,
        "reference": document.reference, "place_date": document.place_date,
    }, width=5, split=2)
    _put(sheet, row, 1, 5, document.title, bold=True, size=14)
    _put(sheet, row + 1, 1, 5, document.subtitle, bold=True)
    _put(sheet, row + 2, 1, 5, document.period_line, italic=True)
    _put(sheet, row + 3, 1, 5, document.recipient)
    row += 5
    for column, header in enumerate((_("No."), _("Indicator"), _("Unit"), document.value_header, _("Notes")), start=1):
        cell = sheet.cell(row=row, column=column, value=inert(header))
        cell.font, cell.alignment, cell.border = _font(bold=True), CENTER, BOX
    for column in range(1, 6):
        cell = sheet.cell(row=row + 1, column=column, value=inert(f"({column})"))
        cell.font, cell.alignment, cell.border = _font(italic=True, size=10), CENTER, BOX
    row += 2
    for line in document.lines:
        values = (line.number, line.label, line.unit, line.value, None)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=inert(value))
            cell.border = BOX
            cell.font = _font(bold=line.is_group)
            cell.alignment = CENTER if column in (1, 3) else (LEFT if column == 2 else RIGHT)
        if not line.is_group:
            sheet.cell(row=row, column=4).number_format = _number_format(line.unit_key)
        row += 1
    row += 1
    _put(sheet, row, 1, 2, _("Recipients:"), bold=True, italic=True, size=11, align=LEFT)
    for offset, text in enumerate(document.signature_title):
        _put(sheet, row + offset, 3, 5, text, bold=offset < len(document.signature_title) - 1,
             italic=offset == len(document.signature_title) - 1)
    for offset, text in enumerate(document.recipients, start=1):
        _put(sheet, row + offset, 1, 2, BULLET + text, size=10, align=LEFT)
    row += max(len(document.recipients), len(document.signature_title)) + 2
    _put(sheet, row, 1, 5, _("Compiled by the industrial cluster investment tracker on %(date)s.") % {
        "date": timezone.localdate().strftime("%d/%m/%Y")}, italic=True, size=9, align=LEFT)
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return _response(workbook, filename)


def watchlist_header(today: date) -> dict:
    province = settings.PROVINCE_NAME
    return {
        "sender": [_("PEOPLE'S COMMITTEE OF %(province)s PROVINCE") % {"province": province.upper()},
                   settings.DEPARTMENT_NAME.upper()],
        "reference": _("No.: ……/BC-SCT"),
        "place_date": _("%(place)s, %(date)s") % {"place": province, "date": vietnamese_date(today)},
        "title": _("REPORT"),
        "subtitle": _("On the secondary projects in the industrial clusters flagged for slow implementation, unused "
                      "land or other violations"),
        "recipient": _("To: the People's Committee of %(province)s province") % {"province": province},
        "as_of": _("Open flags as of %(date)s.") % {"date": today.strftime("%d/%m/%Y")},
        "signature_title": [_("DIRECTOR"), _("(Signature, full name and seal)")],
        "recipients": [_("Provincial People's Committee;"), _("Kept: archives.")],
    }


def vietnamese_date(day: date) -> str:
    return _("day %(day)02d month %(month)02d year %(year)d") % {"day": day.day, "month": day.month, "year": day.year}


def watchlist_columns():
    return [_("No."), _("Project"), _("Investor"), _("Industrial cluster"), _("Rule"), _("Legal basis"),
            _("Evidence"), _("Review state"), _("Proposed action")]


def watchlist_cells(row) -> list:
    flag = row.flag
    project = flag.project
    state = row.state
    if row.last_step is not None:
        state += " (" + timezone.localtime(row.last_step.created_at).strftime("%d/%m/%Y") + ")"
    return [
        row.number,
        f"{project.code} – {project.name}",
        project.investor.name,
        f"{project.cluster.name} ({project.cluster.commune})",
        f"{flag.rule.name} ({flag.get_severity_display()}, {_('since %(date)s') % {'date': flag.since.strftime('%d/%m/%Y')}})",
        public_legal_basis(flag.rule.legal_basis),
        row.evidence,
        state,
        row.proposal,
    ]


def watchlist_xlsx(rows, today: date, filename: str) -> FileResponse:
    header = watchlist_header(today)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Watchlist")
    widths = (6, 30, 24, 24, 28, 30, 40, 20, 36)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    row = _letterhead(sheet, {"form": "", "legal": "", "sender": header["sender"], "reference": header["reference"],
                              "place_date": header["place_date"]}, width=len(widths), split=4)
    _put(sheet, row, 1, len(widths), header["title"], bold=True, size=14)
    _put(sheet, row + 1, 1, len(widths), header["subtitle"], bold=True)
    _put(sheet, row + 2, 1, len(widths), header["recipient"])
    _put(sheet, row + 3, 1, len(widths), header["as_of"], italic=True)
    row += 5
    for column, title in enumerate(watchlist_columns(), start=1):
        cell = sheet.cell(row=row, column=column, value=inert(title))
        cell.font, cell.alignment, cell.border = _font(bold=True, size=11), CENTER, BOX
    for item in rows:
        row += 1
        for column, value in enumerate(watchlist_cells(item), start=1):
            cell = sheet.cell(row=row, column=column, value=inert(value))
            cell.font, cell.border = _font(size=11), BOX
            cell.alignment = CENTER if column == 1 else Alignment(vertical="top", wrap_text=True)
    if not rows:
        row += 1
        _put(sheet, row, 1, len(widths), _("No open flag."), italic=True)
    row += 2
    _put(sheet, row, 1, 3, _("Recipients:"), bold=True, italic=True, size=11, align=LEFT)
    for offset, text in enumerate(header["recipients"], start=1):
        _put(sheet, row + offset, 1, 3, BULLET + text, size=10, align=LEFT)
    for offset, text in enumerate(header["signature_title"]):
        _put(sheet, row + offset, 7, 9, text, bold=offset == 0, italic=offset == 1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    return _response(workbook, filename)
