"""The import template: one sheet per kind (Vietnamese labels, the machine key under each) and a sheet that
explains every column. It is built from the same column specs the import reads, so the two cannot drift apart. Its
cells go through `tracker.cells.inert` like those of every file the tracker writes."""
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from projects.imports.specs import KINDS, ORDER, Spec
from tracker.cells import inert

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
KEY_FONT = Font(italic=True, color="666666", size=9)
TEMPLATE_ROWS = 5000  # how far down the drop-down lists reach


def spec_format(spec: Spec) -> str:
    """What to write in a column, for the explanation sheet."""
    if spec.kind == "date":
        return _("A date: dd/mm/yyyy, yyyy-mm-dd or a date cell.")
    if spec.kind == "billion":
        return _("Billions of VND: a number cell, or text such as 1.234,5 or 1234.5.")
    if spec.kind == "decimal":
        return _("A number: a number cell, or text such as 1.234,5 or 1234.5.")
    if spec.kind == "int":
        return _("A whole number.")
    if spec.kind == "bool":
        return _("“có” or “không” (yes or no).")
    if spec.kind == "choice":
        return _("One of: %(values)s (the key or the label).") % {
            "values": "; ".join(f"{choice.value} = {choice.label}" for choice in spec.choices)
        }
    if spec.kind == "month":
        return _("A month: 02/2024 or 2024-02.")
    if spec.kind == "period":
        return _("2024-Q1 … 2024-Q4 for a quarter, 2024-H1 or 2024-H2 for a half-year, 2024 for the whole year.")
    return _("Text.")


def build_template() -> bytes:
    workbook = Workbook()
    guide = workbook.active
    guide.title = _("Instructions")[:31]
    for key in ORDER:
        kind = KINDS[key]
        sheet = workbook.create_sheet(str(kind.label)[:31])
        sheet.append([inert(spec.label) for spec in kind.specs])
        sheet.append([inert(spec.key) for spec in kind.specs])
        for index, spec in enumerate(kind.specs, start=1):
            letter = get_column_letter(index)
            header = sheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            header.fill = HEADER_FILL
            header.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.cell(row=2, column=index).font = KEY_FONT
            sheet.column_dimensions[letter].width = max(14, min(40, len(str(spec.label)) + 2))
            if spec.kind == "choice":
                values = ",".join(choice.value for choice in spec.choices)
                validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
                validation.error = _("Choose one of the listed values.")
                validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A3"
    guide.append([inert(_("Import template of the industrial-cluster investment tracker"))])
    guide["A1"].font = Font(bold=True, size=13)
    for line in (
        _("Fill one sheet per kind of data, from row 3 down; keep the two header rows. Sheets may be left empty."),
        _("A header may be the Vietnamese label or the machine key (row 2), in any order; extra columns are "
          "reported and not imported."),
        _("A row whose code already exists updates that record; otherwise a new one is created. A blank cell "
          "clears an optional value."),
        _("Every row is checked before anything is written; if one row has a problem, nothing is imported."),
        _("Do not use formulas or merged cells; paste values instead."),
    ):
        guide.append([inert(line)])
    guide.append([])
    guide.append([inert(text) for text in (
        _("Sheet"), _("Column key"), _("Label"), _("Required"), _("What to write"), _("Notes"))])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for key in ORDER:
        kind = KINDS[key]
        for spec in kind.specs:
            guide.append([inert(text) for text in (
                str(kind.label), spec.key, str(spec.label),
                _("yes") if spec.required else "", spec_format(spec), str(spec.help),
            )])
        if kind.derived:
            guide.append([inert(text) for text in (
                str(kind.label), ", ".join(kind.derived), "", "",
                _("Columns of the exported list that the tracker computes; accepted and not imported."), "",
            )])
    for letter, width in zip("ABCDEF", (18, 34, 36, 10, 60, 60)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=9):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
