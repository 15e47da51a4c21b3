"""Import of clusters, projects and capital reports from the department's spreadsheets (issue 5).

One engine serves the browser and the command line. It reads the file (`projects.imports.files`), maps each sheet to
a kind by its header, reads every cell into a value, and then writes each row through the same services the forms
use, inside one transaction and one savepoint per row: so a row is checked by exactly the rules a form obeys (model
validation, constraints, the land left in the cluster, earlier rows of the same file included), and its errors are
collected instead of stopping at the first. A dry run (the preview) and any error roll everything back; only a
clean run that was asked to commit is kept. Nothing is ever half-written.

The preview does not write the projects: they are checked row by row against what was loaded (the land left in each
cluster, the certificate numbers, the codes, earlier rows of the file included) and written together at the end of
their sheet (`project_bulk_save`); a preview skips that write when no later sheet of the file refers to them, so
checking 10,000 new projects costs the checks alone. The import itself runs every check again and writes; what only
the database can still refuse then (someone saved the same code in the meantime) is told and nothing is written.
"""
from __future__ import annotations

import copy
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from clusters.models import CODE_TAKEN, Cluster, Commune, FormerDistrict
from clusters.services import batched_summaries, cluster_create, cluster_update, commune_get_or_create, former_district_get_or_create
from projects.imports.files import MAX_COLUMNS, BadFile, FileData, SheetData, cell_text, is_blank, read_upload
from projects.imports.specs import (
    CAPITAL_REPORTS, CLUSTERS, KINDS, KNOWN_KEYS, ORDER, PROJECTS, CellError, Kind, Spec, display, kind_names,
    label_index, norm,
)
from projects.models import CapitalReport, Investor, Project
from projects.services import (
    lock_clusters,
    project_bulk_save,
    project_record_create,
    project_record_update,
    status_date_error,
)
from projects.queue import batched_scans
from tracker import access
from tracker.services import constraint_fields, full_clean

logger = logging.getLogger(__name__)
VIETNAM = {"việt nam", "viet nam", "vietnam", "vn"}


# --- what an import found ---------------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int
    column: str  # letter and header, e.g. "D (Mã cụm)"; empty for the row as a whole
    value: str
    message: str

    def __str__(self) -> str:
        parts = [_("row %(row)s") % {"row": self.row}]
        if self.column:
            parts.append(_("column %(column)s") % {"column": self.column})
        if self.value != "":
            parts.append(_("value “%(value)s”") % {"value": self.value})
        prefix = f"[{self.sheet}] " if self.sheet else ""
        return prefix + ", ".join(parts) + ": " + self.message


@dataclass
class RowResult:
    sheet: str
    row: int
    kind: str
    code: str
    action: str  # create, update, unchanged, error
    changes: list = field(default_factory=list)  # [label, old, new]
    notes: list = field(default_factory=list)


@dataclass
class Outcome:
    filename: str = ""
    committed: bool = False
    file_errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # RowError
    rows: list = field(default_factory=list)  # RowResult
    total_rows: int = 0

    @property
    def valid(self) -> bool:
        return not self.file_errors and not self.errors

    def counts(self) -> dict:
        counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "committed": self.committed,
            "file_errors": self.file_errors,
            "warnings": self.warnings,
            "errors": [asdict(error) for error in self.errors],
            "rows": [asdict(row) for row in self.rows],
            "counts": self.counts(),
            "total_rows": self.total_rows,
        }


# --- the sheets --------------------------------------------------------------------------------------------------


@dataclass
class Column:
    index: int
    letter: str
    header: str
    spec: Spec


@dataclass
class Plan:
    kind: Kind
    sheet: SheetData
    columns: list  # Column
    # row → the column numbers of the cells the reader refused (a formula, an Excel error, merged cells): reported
    # already, and read as blank, so not reported again as a missing value
    refused: dict = field(default_factory=dict)

    def has(self, key) -> bool:
        return any(column.spec.key == key for column in self.columns)


def _sheet_keys(sheet: SheetData) -> list:
    """The name of each column: its machine key when the sheet has a key row and the key is there, else its label."""
    width = max(len(sheet.header), len(sheet.keys or ()))
    names = []
    for index in range(width):
        key = sheet.keys[index] if sheet.keys and index < len(sheet.keys) else None
        label = sheet.header[index] if index < len(sheet.header) else None
        value = key if not is_blank(key) else label
        names.append(None if is_blank(value) else norm(value))
    return names


def detect_kind(sheet: SheetData, forced: str | None = None) -> Kind | None:
    """The kind a sheet holds: given (CSV), named by the sheet (the template's names), or told by its columns."""
    if forced:
        return KINDS[forced]
    name = norm(sheet.name)
    named = next((kind for kind in KINDS.values() if name in kind_names(kind)), None)
    if named is not None:
        return named
    keys = set(_sheet_keys(sheet))
    for kind in KINDS.values():
        labels = label_index(kind)
        keys |= {labels[key].key for key in list(keys) if key in labels}
    for kind in KINDS.values():  # a registered kind: every column of its identity is there
        if kind.writer is not None and set(kind.identity) <= keys:
            return kind
    if "project_code" in keys and "period" in keys:
        return CAPITAL_REPORTS
    if "project_code" in keys:
        return PROJECTS
    if "cluster_code" in keys:
        return CLUSTERS
    return None


def _refused_cells(sheet: SheetData, limit: int = 200_000) -> dict:
    """Row → column numbers of the data cells the reader refused. A merged range covers the data rows within it (at
    most `limit` cells in all: a file with more is refused anyway, and its blank cells may be reported twice)."""
    refused: dict = {}
    numbers = [number for number, _values in sheet.rows]  # ascending
    budget = limit
    for problem in sheet.problems:
        if problem.span:
            top, left, bottom, right = problem.span
        else:
            top = bottom = problem.row
            left = right = column_index_from_string(problem.column)
        for number in numbers[bisect_left(numbers, top):bisect_right(numbers, bottom)]:
            width = min(right, left + MAX_COLUMNS) - left + 1  # no sheet is read wider
            budget -= width
            if budget < 0:
                return refused
            refused.setdefault(number, set()).update(range(left, left + width))
    return refused


def plan_sheet(sheet: SheetData, kind: Kind, outcome: Outcome) -> Plan | None:
    labels = label_index(kind)
    derived = {norm(key) for key in kind.derived}
    columns, seen, unknown, ignored = [], {}, [], []
    for index, name in enumerate(_sheet_keys(sheet)):
        if name is None:
            continue
        letter = get_column_letter(index + 1)
        header = cell_text(sheet.header[index]) if index < len(sheet.header) else name
        spec = labels.get(name)
        if spec is None:
            (ignored if name in derived else unknown).append(f"{letter} ({header})")
            continue
        if spec.key in seen:
            outcome.file_errors.append(
                _("Sheet “%(sheet)s”: columns %(first)s and %(second)s both hold “%(key)s”; keep only one.")
                % {"sheet": sheet.name, "first": seen[spec.key], "second": letter, "key": spec.key}
            )
            return None
        seen[spec.key] = letter
        columns.append(Column(index, letter, header, spec))
    named = _sheet_keys(sheet)
    unnamed = sorted({index for _number, values in sheet.rows for index, value in enumerate(values)
                      if not is_blank(value) and (index >= len(named) or named[index] is None)})
    if unnamed:
        outcome.warnings.append(
            _("Sheet “%(sheet)s”: columns with data but no header, not imported: %(columns)s.")
            % {"sheet": sheet.name, "columns": ", ".join(get_column_letter(index + 1) for index in unnamed)}
        )
    missing = [key for key in kind.identity if key not in seen]
    if missing:
        outcome.file_errors.append(
            _("Sheet “%(sheet)s” (%(kind)s) has no column %(columns)s, which identifies each row.")
            % {"sheet": sheet.name, "kind": kind.label, "columns": ", ".join(missing)}
        )
        return None
    if unknown:
        outcome.warnings.append(
            _("Sheet “%(sheet)s”: unknown columns, not imported: %(columns)s.")
            % {"sheet": sheet.name, "columns": "; ".join(unknown)}
        )
    if ignored:
        outcome.warnings.append(
            _("Sheet “%(sheet)s”: columns computed by the tracker, not imported: %(columns)s.")
            % {"sheet": sheet.name, "columns": "; ".join(ignored)}
        )
    return Plan(kind, sheet, columns, _refused_cells(sheet))


# --- the run -----------------------------------------------------------------------------------------------------


class Importer:
    """Writes the rows of one file through the services, inside the caller's transaction."""

    def __init__(self, *, user, change_reason: str, outcome: Outcome, progress: Callable | None, write: bool = True):
        self.user = user
        self.write = write  # False: a preview, which is rolled back; the projects' bulk write may be left out
        self.reason = change_reason
        self.outcome = outcome
        self.progress = progress
        self.done = 0
        self.communes = None if user is None else access.scoped_commune_ids(user)
        self.clusters: dict[str, Cluster] = {}
        self.projects: dict[str, Project] = {}
        self.investors: dict[str, Investor] = {}
        self.seen: dict[tuple, int] = {}
        self.names: dict = {}  # Commune / FormerDistrict → {normalised name: row}
        self.reports: dict[tuple, CapitalReport] = {}  # (project id, year, period) → the recorded report
        # Projects are checked row by row and written together (project_bulk_save): what that needs.
        self.new_investors: list[Investor] = []
        self.creates: list[Project] = []
        self.updates: dict[str, tuple] = {}  # code → (project, set of changed field names)
        self.leased: dict[int, Decimal] = {}  # cluster id → land leased to its active projects, as the rows go
        self.irc_owner: dict[str, str] = {}  # certificate number → the project code holding it
        self.row_start = 0  # the row being checked: where its problems start in outcome.errors
        self.failed: set = set()  # and the keys of its cells that could not be read
        self._labels: dict = {}  # spec key → its label, translated (`_label`)
        self._shown: dict = {}  # (spec key, value) → how the preview shows a choice or a yes/no (`_display`)
        self._specs: dict = {}  # (kind, model field) → its spec (`_spec_for`)

    # permissions: the command line (no user) may do everything
    def may(self, model, action) -> bool:
        return self.user is None or access.can(self.user, model, action)

    def in_scope(self, commune_id) -> bool:
        return self.communes is None or commune_id in self.communes

    def run(self, plans: list[Plan]) -> None:
        self._preload(plans)
        for index, plan in enumerate(plans):
            if plan.kind is PROJECTS:
                self._prepare_projects(plan)
            for number, values in plan.sheet.rows:
                self._row(plan, number, values)
                self.done += 1
                if self.progress and self.done % 100 == 0:
                    self.progress(self.done, self.outcome.total_rows)
            if plan.kind is PROJECTS:
                # A preview whose later sheets cannot refer to the new projects (there are none) writes nothing.
                self._flush_projects(write=self.write or index + 1 < len(plans))
        if self.progress:
            self.progress(self.done, self.outcome.total_rows)

    def _preload(self, plans: list[Plan]) -> None:
        """The existing rows the file names, a few queries for the whole file instead of several per row."""
        codes = {"clusters": set(), "projects": set(), "tax": set()}
        for plan in plans:
            for spec_key, bucket in (("cluster_code", "clusters"), ("project_code", "projects"),
                                     ("investor_tax_code", "tax")):
                column = next((c for c in plan.columns if c.spec.key == spec_key), None)
                if column is None:
                    continue
                for _number, values in plan.sheet.rows:
                    value = values[column.index] if column.index < len(values) else None
                    if not is_blank(value):
                        codes[bucket].add(cell_text(value).strip())
        for chunk in _chunks(codes["clusters"]):
            for cluster in Cluster.objects.select_related("commune", "former_district").filter(code__in=chunk):
                self.clusters[cluster.code] = cluster
        for chunk in _chunks(codes["projects"]):
            # Not locked yet: the projects sheet locks clusters, then these projects, in the services' order.
            for project in Project.objects.select_related("cluster", "investor").filter(code__in=chunk):
                # One object per cluster, shared: a change made by the clusters sheet is seen by the projects.
                project.cluster = self.clusters.setdefault(project.cluster.code, project.cluster)
                self.projects[project.code] = project
        for chunk in _chunks(codes["tax"]):
            for investor in Investor.objects.filter(tax_code__in=chunk):
                self.investors[investor.tax_code] = investor
        if any(plan.kind is CAPITAL_REPORTS for plan in plans):
            for chunk in _chunks(codes["projects"]):
                for report in CapitalReport.objects.filter(project__code__in=chunk):
                    self.reports[(report.project_id, report.year, report.period)] = report

    def _error(self, plan, number, column: Column | None, value, message) -> RowError:
        error = RowError(
            sheet=plan.sheet.name,
            row=number,
            column=f"{column.letter} ({column.header})" if column else "",
            value=cell_text(value) if value is not None else "",
            message=str(message),
        )
        self.outcome.errors.append(error)
        return error

    def _row(self, plan: Plan, number: int, values: list) -> None:
        """Every problem of the row in one pass: each cell that cannot be read, then the rules of the fields that
        could (required values, references, the model's and the database's rules); a field whose cell could not be
        read is left out of the later checks, so it is reported once."""
        self.row_start = len(self.outcome.errors)
        parsed, cells, failed = {}, {}, set()
        for column in plan.columns:
            raw = values[column.index] if column.index < len(values) else None
            cells[column.spec.key] = (column, raw)
            if column.index + 1 in plan.refused.get(number, ()):  # told by the reader: a formula, merged cells…
                failed.add(column.spec.key)
                continue
            try:
                parsed[column.spec.key] = column.spec.parse(raw)
            except CellError as exc:
                self._error(plan, number, column, raw, exc)
                failed.add(column.spec.key)
        self.failed = failed
        identity = tuple(parsed.get(key) for key in plan.kind.identity)
        code = " ".join(display(plan.kind.spec(key), value) for key, value in zip(plan.kind.identity, identity))
        result = RowResult(sheet=plan.sheet.name, row=number, kind=plan.kind.key, code=code, action="error")
        self.outcome.rows.append(result)
        if any(value is None for value in identity):  # a row that cannot be identified is checked no further
            key = next(key for key, value in zip(plan.kind.identity, identity) if value is None)
            if key not in failed:
                self._error(plan, number, cells[key][0], None, _("This column identifies the row; it cannot be empty."))
            return
        earlier = self.seen.get((plan.kind.key, identity))
        if earlier is not None:
            self._error(plan, number, cells[plan.kind.identity[0]][0], cells[plan.kind.identity[0]][1],
                        _("The same row is already in row %(row)s of this sheet.") % {"row": earlier})
            return
        self.seen[(plan.kind.key, identity)] = number
        handler = self._registered if plan.kind.writer is not None else getattr(self, f"_{plan.kind.key}")
        # No savepoint of our own: every service is atomic (a savepoint inside this transaction), so a row that
        # fails leaves the transaction usable; and since any error rolls the whole import back, a row half-done
        # (a new investor, then a refused project) is never kept. A handler records what it finds and goes on
        # (`_error`); only a row the user may not write at all stops at once (`_refuse`). A row with any problem
        # is not written (`_row_failed`).
        try:
            handler(plan, number, parsed, cells, result)
        except ValidationError as exc:
            self._validation_error(plan, number, cells, exc)
            result.action = "error"
        except DatabaseError as exc:  # a database rule that model validation did not foresee, or a deadlock
            logger.info("import row %s: %s", number, exc)
            self._error(plan, number, None, None, _("The database refused this row: %(error)s") % {"error": exc})
            result.action = "error"
        except _RowRefused:
            result.action = "error"

    def _validation_error(self, plan, number, cells, exc: ValidationError, ignore=()) -> None:
        """A service's ValidationError, each message put in the column of the field it names; a rule between
        fields that Django tells for the row as a whole (a check constraint with words of its own) goes in the
        column of the first of its fields the sheet has. Nothing is said again of the fields in `ignore` (their
        cell could not be read, or they were reported already)."""
        keys = {spec.attr: spec.key for spec in plan.kind.specs}
        keys["year"] = "period"
        if any(spec.kind == "month" for spec in plan.kind.specs):  # a registered kind identified by its month
            month_key = next(spec.key for spec in plan.kind.specs if spec.kind == "month")
            keys["year"] = keys["month"] = month_key
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        between = constraint_fields(plan.kind.model)
        for name, texts in messages.items():
            if name in ignore:
                continue
            for text in texts:
                field_name = name
                if name in ("__all__", None) and text in between:
                    field_name = next((f for f in between[text] if keys.get(f) in cells), name)
                column, raw = cells.get(keys.get(field_name), (None, None))
                prefix = ""
                if column is None and field_name not in ("__all__", None):
                    model = plan.kind.model
                    label = model._meta.get_field(field_name).verbose_name if _is_field(model, field_name) else field_name
                    prefix = f"{label}: "
                self._error(plan, number, column, raw, prefix + text)

    def _row_failed(self) -> bool:
        """Whether the row being checked has any problem so far (a cell that could not be read included)."""
        return bool(self.failed) or len(self.outcome.errors) > self.row_start

    def _skipped(self, plan) -> set:
        """The model fields of the row's cells that could not be read: kept out of the later checks."""
        return {spec.attr for spec in plan.kind.specs if spec.key in self.failed}

    def _refuse(self, plan, number, column, value, message):
        self._error(plan, number, column, value, message)
        raise _RowRefused

    def _note_changes(self, result, changed: dict) -> None:
        result.changes = [[self._label(spec), self._display(spec, old), self._display(spec, new)]
                          for spec, old, new in changed.values()]

    def _label(self, spec: Spec) -> str:
        """A column's label in the language of the import (one language for the whole run), translated once."""
        label = self._labels.get(spec.key)
        if label is None:
            label = self._labels[spec.key] = str(spec.label)
        return label

    def _display(self, spec: Spec, value) -> str:
        """`display`, remembered for the values of a choice or a yes/no (a few, repeated on every row)."""
        if spec.kind not in ("choice", "bool"):
            return display(spec, value)
        key = (spec.key, value)
        shown = self._shown.get(key)
        if shown is None:
            shown = self._shown[key] = display(spec, value)
        return shown

    def _plain_fields(self, plan, parsed, creating: bool, skip=()) -> dict:
        """Columns present in the file → model values; a blank cell clears an optional value, and leaves a value
        with a default as it is (or takes the default on a new row)."""
        fields = {}
        for column in plan.columns:
            spec = column.spec
            if spec.kind in ("ref", "period", "month") or spec.key in skip or spec.key in self.failed:
                continue  # (a cell that could not be read changes nothing: the recorded value, or the default)
            value = parsed.get(spec.key)
            model_field = plan.kind.model._meta.get_field(spec.attr) if _is_field(plan.kind.model, spec.attr) else None
            if model_field is None:
                continue
            if value is None:
                if spec.required and creating:
                    continue  # reported by _require
                if model_field.null:
                    value = None
                elif model_field.has_default() or spec.required:
                    continue
                else:
                    value = ""
            fields[spec.attr] = value
        return fields

    def _require(self, plan, number, parsed, cells, creating: bool) -> set:
        """A new row's required values that are missing, each reported; returns their model fields (and those of the
        cells that could not be read), which the later checks leave out."""
        missing = []
        for spec in plan.kind.specs:
            if not spec.required or spec.key in self.failed:
                continue
            # A new row needs every required value; on an existing row a blank required cell keeps the recorded value.
            if creating and parsed.get(spec.key) is None:
                missing.append(spec)
        for spec in missing:
            column = cells.get(spec.key, (None, None))[0]
            if column is None:
                self._error(plan, number, None, None,
                            _("Column %(key)s (%(label)s) is needed to create a new row.")
                            % {"key": spec.key, "label": spec.label})
            else:
                self._error(plan, number, column, None, _("This value is required."))
        return {spec.attr for spec in missing} | self._skipped(plan)

    # a kind another app registered (projects.imports.specs.register): found, checked and saved by its writer
    def _registered(self, plan, number, parsed, cells, result):
        kind = plan.kind
        writer = kind.writer
        first = cells[kind.identity[0]]
        instance = writer.find(parsed)
        creating = instance is None
        if not self.may(kind.model, "add" if creating else "change"):
            self._refuse(plan, number, first[0], first[1], _("You may not add or change %(kind)s.") % {"kind": kind.label})
        skip = self._require(plan, number, parsed, cells, creating)
        fields = self._plain_fields(plan, parsed, creating)
        if self._row_failed():
            self._check_only(plan, number, cells, instance or writer.new(parsed), fields, skip)
        if creating:
            writer.save(writer.new(parsed), fields=fields, user=self.user, change_reason=self.reason)
            result.action = "create"
            self._note_changes(result, {name: (self._spec_for(plan, name), None, value)
                                        for name, value in fields.items() if value not in (None, "")})
            return
        changed = {
            name: (self._spec_for(plan, name), getattr(instance, name), value)
            for name, value in fields.items()
            if getattr(instance, name) != value
        }
        self._apply_update(result, changed, lambda: writer.save(
            instance, fields={name: new for name, (_s, _o, new) in changed.items()}, user=self.user,
            change_reason=self.reason,
        ), store=lambda obj: None)

    # clusters
    def _clusters(self, plan, number, parsed, cells, result):
        code = parsed["cluster_code"]
        cluster = self.clusters.get(code)
        creating = cluster is None
        if not self.may(Cluster, "add" if creating else "change"):
            self._refuse(plan, number, cells["cluster_code"][0], code,
                         _("You may not add clusters.") if creating else _("You may not change clusters."))
        if not creating and not self.in_scope(cluster.commune_id):
            # Another commune's code: refused as a form refuses a code in use, never "outside your communes",
            # which would confirm that it exists (issue 13).
            self._refuse(plan, number, cells["cluster_code"][0], code, CODE_TAKEN)
        skip = self._require(plan, number, parsed, cells, creating)
        fields = self._plain_fields(plan, parsed, creating)
        district = None
        if parsed.get("former_district") is not None:
            district = self._by_name(FormerDistrict, parsed["former_district"])
            if district is None and self.communes is not None:
                self._error(plan, number, cells["former_district"][0], parsed["former_district"],
                            _("Unknown former district."))
                skip.add("former_district")
            else:
                if district is None:
                    district = former_district_get_or_create(name=parsed["former_district"])
                    self.names[FormerDistrict][norm(district.name)] = district
                    result.notes.append(_("New former district “%(name)s”.") % {"name": district.name})
                fields["former_district"] = district
        if parsed.get("commune") is not None:
            commune = self._by_name(Commune, parsed["commune"])
            if commune is None and self.communes is not None:
                self._error(plan, number, cells["commune"][0], parsed["commune"],
                            _("Unknown commune or ward; ask the department to add it."))
                skip.add("commune")
            elif commune is not None and not self.in_scope(commune.pk):
                self._error(plan, number, cells["commune"][0], parsed["commune"],
                            _("This commune is outside your communes."))
                skip.add("commune")
            else:
                if commune is None:
                    commune = commune_get_or_create(name=parsed["commune"], former_district=district)
                    self.names[Commune][norm(commune.name)] = commune
                    result.notes.append(_("New commune or ward “%(name)s”.") % {"name": commune.name})
                fields["commune"] = commune
        if self._row_failed():
            self._check_only(plan, number, cells, cluster or Cluster(), fields, skip)
        if creating:
            cluster = cluster_create(user=self.user, change_reason=self.reason, **fields)
            self.clusters[code] = cluster
            result.action = "create"
            self._note_changes(result, {name: (self._spec_for(plan, name), None, value)
                                        for name, value in fields.items() if value not in (None, "")})
            return
        changed = {
            name: (self._spec_for(plan, name), getattr(cluster, name), value)
            for name, value in fields.items()
            if getattr(cluster, name) != value
        }
        self._apply_update(result, changed, lambda: cluster_update(
            cluster=cluster, user=self.user, change_reason=self.reason,
            **{name: new for name, (_s, _o, new) in changed.items()},
        ), store=lambda obj: self.clusters.__setitem__(code, obj))

    def _check_only(self, plan, number, cells, instance, fields, skip) -> None:
        """A row that has a problem already is not written; the rules of its other fields are checked as the service
        would check them (model_save's full_clean), on a copy, and the row is refused."""
        instance = copy.copy(instance)
        for name, value in fields.items():
            setattr(instance, name, value)
        try:
            full_clean(instance, exclude=skip)
        except ValidationError as exc:
            self._validation_error(plan, number, cells, exc, ignore=skip)
        raise _RowRefused

    def _by_name(self, model, name: str):
        """A commune or former district by name, case and spacing ignored (SQLite folds only ASCII letters); each
        table is read once per import."""
        if model not in self.names:
            self.names[model] = {norm(row.name): row for row in model.objects.all()}
        return self.names[model].get(norm(name))

    def _apply_update(self, result, changed, save, store) -> None:
        if not changed:
            result.action = "unchanged"
            return
        obj = save()
        store(obj)
        result.action = "update"
        self._note_changes(result, changed)

    def _spec_for(self, plan, attr) -> Spec:
        key = (plan.kind.key, attr)
        spec = self._specs.get(key)
        if spec is None:
            spec = self._specs[key] = next(spec for spec in plan.kind.specs if spec.attr == attr)
        return spec

    # projects: checked here row by row like model_save would, written together by project_bulk_save
    def _prepare_projects(self, plan: Plan) -> None:
        """Lock the clusters the sheet touches, and load the land they have leased and the certificate numbers
        it names: the land and uniqueness checks then need no query per row."""
        cluster_column = next((c for c in plan.columns if c.spec.key == "cluster_code"), None)
        irc_column = next((c for c in plan.columns if c.spec.key == "irc_number"), None)
        codes, ircs = set(), set()
        for _number, values in plan.sheet.rows:
            for column, bucket in ((cluster_column, codes), (irc_column, ircs)):
                if column is not None and column.index < len(values) and not is_blank(values[column.index]):
                    bucket.add(cell_text(values[column.index]).strip())
        for chunk in _chunks(codes - set(self.clusters)):
            for cluster in Cluster.objects.select_related("commune").filter(code__in=chunk):
                self.clusters[cluster.code] = cluster
        cluster_ids = {c.pk for code, c in self.clusters.items() if code in codes}
        cluster_ids |= {project.cluster_id for project in self.projects.values()}
        self._lock_and_count(cluster_ids)
        # Under the locks, in the services' order (clusters, then projects): read again what the checks rely on.
        by_id = {cluster.pk: cluster for cluster in self.clusters.values() if cluster.pk}
        for pk, land in Cluster.objects.filter(pk__in=list(by_id)).values_list("pk", "industrial_land_ha"):
            by_id[pk].industrial_land_ha = land
        ids = [project.pk for project in self.projects.values()]
        for chunk in _chunks(ids):
            locked = Project.objects.select_for_update(of=("self",)).select_related("investor").filter(pk__in=chunk)
            for project in locked:
                cluster = by_id.get(project.cluster_id)
                if cluster is None:
                    cluster = Cluster.objects.select_related("commune").get(pk=project.cluster_id)
                    self.clusters[cluster.code] = by_id[cluster.pk] = cluster
                project.cluster = cluster
                self.projects[project.code] = project
        for chunk in _chunks(ircs):
            self.irc_owner.update(Project.objects.filter(irc_number__in=chunk).values_list("irc_number", "code"))
        for project in self.projects.values():
            if project.irc_number:
                self.irc_owner[project.irc_number] = project.code

    def _lock_and_count(self, cluster_ids) -> None:
        new = sorted(set(cluster_ids) - set(self.leased))
        if not new:
            return
        lock_clusters(new)
        self.leased.update({pk: Decimal(0) for pk in new})
        for chunk in _chunks(new):
            totals = (
                Project.objects.filter(cluster_id__in=chunk).exclude(status=Project.Status.TERMINATED)
                .values("cluster_id").annotate(total=Sum("land_area_ha")).values_list("cluster_id", "total")
            )
            self.leased.update({pk: total or Decimal(0) for pk, total in totals})

    def _flush_projects(self, write: bool = True) -> None:
        if not (self.creates or self.updates or self.new_investors):
            return
        if not write:  # the rows are checked; the preview is told what the import would do
            self.new_investors, self.creates, self.updates = [], [], {}
            return
        try:
            project_bulk_save(
                investors=self.new_investors, creates=self.creates,
                updates=[(project, sorted(changed)) for project, changed in self.updates.values()],
                user=self.user, change_reason=self.reason,
            )
        except DatabaseError as exc:  # someone else wrote the same code or tax code meanwhile, or a deadlock
            logger.info("import: bulk write refused: %s", exc)
            self.outcome.file_errors.append(
                _("The database refused the projects, probably because someone saved the same code at the same "
                  "time; nothing was written. Try again. (%(error)s)") % {"error": exc}
            )
            for project in self.creates:  # not written: later sheets must not refer to them
                self.projects.pop(project.code, None)
            for investor in self.new_investors:
                self.investors.pop(investor.tax_code, None)
        self.new_investors, self.creates, self.updates = [], [], {}

    def _projects(self, plan, number, parsed, cells, result):
        code = parsed["project_code"]
        project = self.projects.get(code)
        creating = project is None
        if not self.may(Project, "add" if creating else "change"):
            self._refuse(plan, number, cells["project_code"][0], code,
                         _("You may not add projects.") if creating else _("You may not change projects."))
        if not creating and not self.in_scope(project.cluster.commune_id):
            self._refuse(plan, number, cells["project_code"][0], code, CODE_TAKEN)  # as for a cluster's code
        skip = self._require(plan, number, parsed, cells, creating)
        fields = self._plain_fields(plan, parsed, creating, skip=("investor_name", "investor_country"))
        if parsed.get("cluster_code") is not None:
            cluster = self.clusters.get(parsed["cluster_code"])
            if cluster is None:
                cluster = Cluster.objects.filter(code=parsed["cluster_code"]).select_related("commune").first()
            if cluster is None or not self.in_scope(cluster.commune_id):  # another commune's: as if there were none
                self._error(plan, number, cells["cluster_code"][0], parsed["cluster_code"],
                            _("No cluster has this code, in the tracker or in the clusters sheet of this file."))
                skip.add("cluster")
            else:
                self.clusters[cluster.code] = cluster
                self._lock_and_count([cluster.pk])
                fields["cluster"] = cluster
        if parsed.get("investor_tax_code") is not None:
            investor = self._investor(plan, number, parsed, cells, result, skip)
            if investor is None:
                skip.add("investor")
            else:
                fields["investor"] = investor
        if creating:
            before, previous = None, {}
            project = Project(**fields)
            changed = {name: (self._spec_for(plan, name), None, _ref_value(name, value))
                       for name, value in fields.items() if value not in (None, "")}
        else:
            before = {"cluster_id": project.cluster_id, "land_area_ha": project.land_area_ha, "status": project.status}
            changed = {}
            for name, value in fields.items():
                old = getattr(project, name)
                if old != value:
                    changed[name] = (self._spec_for(plan, name), _ref_value(name, old), _ref_value(name, value))
            if not changed:
                if self._row_failed():
                    raise _RowRefused
                result.action = "unchanged"
                return
            previous = {name: getattr(project, name) for name in changed}
            old_irc = project.irc_number
            for name in changed:
                setattr(project, name, fields[name])
        try:
            self._check_project(project, before, code, skip)
        except ValidationError as exc:
            self._validation_error(plan, number, cells, exc, ignore=skip)
        effective_on = None
        if (creating or "status" in changed) and "status_effective_on" not in self.failed:
            effective_on = self._status_date(plan, number, parsed, cells, project, creating)
        if self._row_failed():
            for name, value in previous.items():  # the loaded object goes back to what the database holds
                setattr(project, name, value)
            raise _RowRefused
        # Accepted: the running totals follow, and the project waits for the bulk write.
        if before and before["status"] != Project.Status.TERMINATED:
            self.leased[before["cluster_id"]] -= before["land_area_ha"]
        if project.status != Project.Status.TERMINATED:
            self.leased[project.cluster_id] += project.land_area_ha
        if not creating and old_irc and self.irc_owner.get(old_irc) == code:
            del self.irc_owner[old_irc]
        if project.irc_number:
            self.irc_owner[project.irc_number] = code
        if creating or "status" in changed:
            project._status_effective_on = effective_on
        if creating:
            self.creates.append(project)
            self.projects[code] = project
            result.action = "create"
        else:
            self.updates[code] = (project, set(changed))
            result.action = "update"
        self._note_changes(result, changed)

    def _status_date(self, plan, number, parsed, cells, project: Project, creating: bool):
        """The day a new status took effect: the column's date, else the day of the import; never in the future
        nor before the status change last in force (the project service's check)."""
        effective_on = parsed.get("status_effective_on") or timezone.localdate()
        error = status_date_error(effective_on, None if creating else project.pk)
        if error:
            self._error(plan, number, cells.get("status_effective_on", (None, None))[0], effective_on, error)
        return effective_on

    def _check_project(self, project: Project, before: dict | None, code: str, skip=()) -> None:
        """What model_save's full_clean checks, with the land and the uniqueness taken from what was loaded; the
        fields in `skip` (unreadable, missing or unknown) are left out."""
        exclude = set(skip)
        if project.investor_id is None:  # a new investor (checked by _investor), or none found
            exclude.add("investor")
        if project.cluster_id is not None and project.cluster.industrial_land_ha is not None:
            own = Decimal(0)
            if before and before["cluster_id"] == project.cluster_id and before["status"] != Project.Status.TERMINATED:
                own = before["land_area_ha"]
            project._land_available_ha = project.cluster.industrial_land_ha - (self.leased[project.cluster_id] - own)
        project._land_before = before
        errors = {}
        try:
            full_clean(project, exclude=exclude, validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        owner = self.irc_owner.get(project.irc_number) if project.irc_number else None
        if owner is not None and owner != code and "irc_number" not in errors and "irc_number" not in exclude:
            errors.setdefault("irc_number", []).append(project.unique_error_message(Project, ("irc_number",)))
        if errors:
            raise ValidationError(errors)

    def _investor(self, plan, number, parsed, cells, result, skip) -> Investor | None:
        """The investor of a project row: recorded, or new (checked here); None when it cannot be (reported)."""
        tax_code = parsed["investor_tax_code"]
        investor = self.investors.get(tax_code)
        if investor is not None:
            name = parsed.get("investor_name")
            if name and norm(name) != norm(investor.name):
                result.notes.append(
                    _("The investor with tax code %(tax)s is recorded as “%(name)s”; the name in the file was not "
                      "used (change it on the investor's page).") % {"tax": tax_code, "name": investor.name}
                )
            return investor
        if not self.may(Investor, "add"):
            self._error(plan, number, cells["investor_tax_code"][0], tax_code, _("You may not add investors."))
            return None
        if not parsed.get("investor_name"):
            if "investor_name" not in skip:  # not already reported as a required value of a new project
                column = cells.get("investor_name", (None, None))[0]
                self._error(plan, number, column, None, _("A new investor needs a name."))
            return None
        country = parsed.get("investor_country") or "Việt Nam"
        # Written with the projects (project_bulk_save); the tax code is new: every known one was loaded.
        investor = Investor(name=parsed["investor_name"], tax_code=tax_code, country=country,
                            is_foreign=norm(country) not in VIETNAM)
        try:
            full_clean(investor, validate_unique=False)
        except ValidationError as exc:
            mapping = {"tax_code": "investor_tax_code", "name": "investor_name", "country": "investor_country"}
            for name, texts in exc.message_dict.items():
                column, raw = cells.get(mapping.get(name), (None, None))
                for text in texts:
                    self._error(plan, number, column, raw, text)
            return None
        self.new_investors.append(investor)
        self.investors[tax_code] = investor
        result.notes.append(_("New investor “%(name)s” (%(tax)s).") % {"name": investor.name, "tax": tax_code})
        return investor

    # capital reports
    def _capital_reports(self, plan, number, parsed, cells, result):
        code = parsed["project_code"]
        project = self.projects.get(code)
        if project is None:
            project = Project.objects.select_related("cluster").filter(code=code).first()
        year, period = parsed["period"]
        report = None if project is None else self.reports.get((project.pk, year, period))
        creating = report is None
        if not self.may(CapitalReport, "add" if creating else "change"):
            self._refuse(plan, number, cells["project_code"][0], code,
                         _("You may not add capital reports.") if creating else _("You may not change capital reports."))
        skip = set()
        if project is None or not self.in_scope(project.cluster.commune_id):  # another commune's: as if there were none
            self._error(plan, number, cells["project_code"][0], code,
                        _("No project has this code, in the tracker or in the projects sheet of this file."))
            project, skip = None, {"project"}
        skip |= self._require(plan, number, parsed, cells, creating)
        fields = self._plain_fields(plan, parsed, creating)
        if self._row_failed():
            if report is None:
                report = CapitalReport(year=year, period=period)
                if project is not None:
                    report.project = project
            self._check_only(plan, number, cells, report, fields, skip)
        if creating:
            project_record_create(model=CapitalReport, project=project, user=self.user, change_reason=self.reason,
                                  year=year, period=period, **fields)
            result.action = "create"
            self._note_changes(result, {name: (self._spec_for(plan, name), None, value)
                                        for name, value in fields.items() if value is not None})
            return
        changed = {
            name: (self._spec_for(plan, name), getattr(report, name), value)
            for name, value in fields.items()
            if getattr(report, name) != value
        }
        self._apply_update(result, changed, lambda: project_record_update(
            record=report, user=self.user, change_reason=self.reason,
            **{name: new for name, (_s, _o, new) in changed.items()},
        ), store=lambda obj: None)


class _RowRefused(Exception):
    """The row's error has been recorded; go on with the next row (the whole import will be rolled back)."""


def _ref_value(name, value):
    if isinstance(value, Cluster):
        return value.code
    if isinstance(value, Investor):
        return value.tax_code
    return value


def _is_field(model, name) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def _chunks(values, size: int = 900):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def guide_names() -> set[str]:
    """The names of the template's explanation sheet, which the import skips."""
    names = set()
    for language in ("vi", "en"):
        with translation.override(language):
            names.add(norm(_("Instructions")[:31]))
    return names


def read_plans(handle, filename: str, *, csv_kind: str | None, max_rows: int, outcome: Outcome,
               estimate: Callable | None = None) -> list[Plan]:
    """Read the file and map its sheets to kinds; file-level problems go to `outcome.file_errors`."""
    try:
        data: FileData = read_upload(handle, filename, max_rows=max_rows, known_keys=KNOWN_KEYS, estimate=estimate)
    except BadFile as exc:
        outcome.file_errors.append(exc.message)
        return []
    plans = []
    for name in data.hidden:
        sheet_kind = next((kind for kind in KINDS.values() if norm(name) in kind_names(kind)), None)
        if sheet_kind is not None:
            outcome.file_errors.append(
                _("The sheet “%(sheet)s” is hidden. Unhide it (right-click a sheet tab → Unhide) if it should be "
                  "imported, or delete it.") % {"sheet": name}
            )
        else:
            outcome.warnings.append(_("The hidden sheet “%(sheet)s” was not read.") % {"sheet": name})
    guide = guide_names()
    for sheet in data.sheets:
        kind = detect_kind(sheet, csv_kind if sheet.name == "CSV" else None)
        if kind is None:
            if sheet.rows and norm(sheet.name) not in guide:
                if sheet.name == "CSV":
                    outcome.file_errors.append(
                        _("The columns do not show whether the file holds clusters, projects or capital reports; "
                          "choose the kind of data.")
                    )
                else:
                    outcome.warnings.append(
                        _("The sheet “%(sheet)s” has no column that identifies clusters, projects or capital reports; "
                          "it was not read.") % {"sheet": sheet.name}
                    )
            continue
        if any(plan.kind is kind for plan in plans):
            outcome.file_errors.append(
                _("Two sheets hold %(kind)s; put them in one sheet.") % {"kind": kind.label}
            )
            continue
        for problem in sheet.problems:
            outcome.errors.append(RowError(sheet.name, problem.row, problem.column, problem.value, problem.message))
        plan = plan_sheet(sheet, kind, outcome)
        if plan is not None:
            plans.append(plan)
    plans.sort(key=lambda plan: ORDER.index(plan.kind.key))
    outcome.total_rows = sum(len(plan.sheet.rows) for plan in plans)
    if not outcome.file_errors and not outcome.total_rows:
        outcome.file_errors.append(
            _("No data rows were found. Fill the sheets of the import template below their two header rows.")
        )
    return plans


def run_import(
    handle,
    filename: str,
    *,
    user=None,
    csv_kind: str | None = None,
    commit: bool = False,
    change_reason: str = "",
    max_rows: int = 20000,
    progress: Callable | None = None,
    estimate: Callable | None = None,
) -> Outcome:
    """Check (commit=False) or import (commit=True) a file. Everything or nothing is written. `estimate` is told
    an upper bound of the data rows before they are read (from the sheets' declared size or the CSV's lines)."""
    outcome = Outcome(filename=filename)
    plans = read_plans(handle, filename, csv_kind=csv_kind, max_rows=max_rows, outcome=outcome, estimate=estimate)
    if outcome.file_errors:
        return outcome
    reason = change_reason.strip() or _("Imported from %(file)s") % {"file": filename}
    importer = Importer(user=user, change_reason=reason, outcome=outcome, progress=progress, write=commit)
    with transaction.atomic():
        with batched_scans(), batched_summaries():
            importer.run(plans)
        if not commit or not outcome.valid:
            transaction.set_rollback(True)
        else:
            outcome.committed = True
    outcome.errors.sort(key=lambda error: (error.sheet, error.row))
    return outcome


def run_rows(items: list[dict], kind_key: str, *, user=None, change_reason: str = "", commit: bool = True,
             max_rows: int = 20000) -> Outcome:
    """The import of a JSON array (the API's bulk endpoint): each item is a row whose keys are the template's keys
    (a key an item lacks is a blank cell). Item n (from 1) is row n in the errors. Everything or nothing is written,
    as for a file."""
    outcome = Outcome(filename="JSON")
    if len(items) > max_rows:
        outcome.file_errors.append(_("At most %(n)s rows at once.") % {"n": max_rows})
        return outcome
    keys = list(dict.fromkeys(key for item in items for key in item))
    sheet = SheetData(name="", header=keys, keys=keys,
                      rows=[(number, [item.get(key) for key in keys]) for number, item in enumerate(items, start=1)])
    plan = plan_sheet(sheet, KINDS[kind_key], outcome)
    if plan is None or outcome.file_errors:
        return outcome
    outcome.total_rows = len(items)
    if not items:
        outcome.file_errors.append(_("No data rows were found."))
        return outcome
    reason = change_reason.strip() or _("Imported through the API")
    importer = Importer(user=user, change_reason=reason, outcome=outcome, progress=None, write=commit)
    with transaction.atomic():
        with batched_scans(), batched_summaries():
            importer.run([plan])
        if not commit or not outcome.valid:
            transaction.set_rollback(True)
        else:
            outcome.committed = True
    outcome.errors.sort(key=lambda error: (error.sheet, error.row))
    return outcome
