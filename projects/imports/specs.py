"""What the import template holds: its kinds (sheets), their columns, and how each cell is read.

The labels are those of the exports (projects.exports), so an exported list comes back in unchanged; a header may be
the machine key or the label in Vietnamese or English. Messages are lazy: they are shown in the language of the page
or of the command.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from projects.imports.files import cell_text, is_blank
from projects.models import CapitalReport, Project
from tracker.cells import restore_text
from tracker.dates import date_error
from tracker.numbers import billions_to_vnd, format_billions, format_decimal, parse_decimal

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
TRUE_WORDS = {"1", "x", "có", "co", "yes", "y", "true", "đúng", "đã", "rồi"}
FALSE_WORDS = {"0", "không", "khong", "no", "n", "false", "sai", "chưa"}


def norm(value) -> str:
    """A header, a choice or a name compared loosely: Unicode composed, spaces collapsed, case ignored."""
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


class CellError(ValueError):
    """A cell that cannot be read as its column's kind of value; the message is for the person."""


# --- what each column holds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    key: str  # the machine key in the template
    label: str  # the Vietnamese (or English) label; a header may be either
    attr: str  # the model attribute it fills
    kind: str = "text"  # text, date, billion, decimal, int, choice, bool, period, ref
    required: bool = False  # needed to create a row
    choices: type | None = None
    help: str = ""

    def parse(self, value):
        """The cell as a Python value, or None when blank; raises CellError."""
        if is_blank(value):
            return None
        if isinstance(value, str):
            if "\x00" in value:  # PostgreSQL cannot store it: refused here, as a form refuses it, not at the write
                raise CellError(_("Null characters are not allowed."))
            value = restore_text(value)  # an exported '=… comes back as =… (tracker.cells)
        return PARSERS[self.kind](self, value)


def _text(spec, value):
    text = cell_text(value).strip()
    return unicodedata.normalize("NFC", text)


def _date(spec, value):
    parsed = _read_date(value)
    error = date_error(parsed)
    if error:
        raise CellError(error)
    return parsed


def _read_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise CellError(_("Not a date. Write it as dd/mm/yyyy (for example 14/06/2024) or use a date cell."))


def _number(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))  # what Excel shows: 3.3000000000000003 is 3,3
    if isinstance(value, Decimal):
        return value
    try:
        return parse_decimal(str(value))
    except ValueError:
        raise CellError(_("Not a number. Write it as 1.234,5 or 1234.5.")) from None


def _decimal(spec, value):
    number = _number(value)
    if not number.is_finite():
        raise CellError(_("Not a number. Write it as 1.234,5 or 1234.5."))
    return number


def _billion(spec, value):
    number = _decimal(spec, value)
    try:
        return billions_to_vnd(number)
    except (ValueError, InvalidOperation):
        raise CellError(_("Billions of VND with at most 9 decimal places (one đồng).")) from None


def _int(spec, value):
    number = _decimal(spec, value)
    if number != number.to_integral_value():
        raise CellError(_("A whole number is expected."))
    return int(number)


_CHOICE_NAMES: dict = {}


def choice_names(choices) -> dict:
    """Every way a choice may be written (its key, its Vietnamese and English labels), normalised → key."""
    names = _CHOICE_NAMES.get(choices)
    if names is None:
        names = {}
        for choice in choices:
            names[choice.value.casefold()] = choice.value
            for language in ("vi", "en"):
                with translation.override(language):
                    names.setdefault(norm(choice.label), choice.value)
        _CHOICE_NAMES[choices] = names
    return names


def _choice(spec, value):
    found = choice_names(spec.choices).get(norm(value))
    if found is None:
        allowed = ", ".join(f"{choice.value} ({choice.label})" for choice in spec.choices)
        raise CellError(_("Not one of the allowed values: %(allowed)s.") % {"allowed": allowed})
    return found


def _bool(spec, value):
    if isinstance(value, bool):
        return value
    word = cell_text(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Write “có” or “không” (yes or no)."))


def _period(spec, value):
    """`2024-Q2`, `2024-H1` or `2024` (the whole year) → (year, period)."""
    text = cell_text(value).strip().upper().replace(" ", "")
    year_text, _sep, part = text.partition("-")
    part = part or "Y"
    if part == "N":  # "năm"
        part = "Y"
    if year_text.isdigit() and len(year_text) == 4 and part in CapitalReport.PERIOD_END:
        year = int(year_text)
        if 2000 <= year <= 2100:
            return year, part
    raise CellError(_("Write the period as 2024-Q2 (a quarter), 2024-H1 (a half-year) or 2024 (the whole year)."))


def _month(spec, value):
    """`02/2024`, `2/2024`, `2024-02`, `T2/2024` or a date cell (its month) → (year, month)."""
    if isinstance(value, (datetime, date)):
        return value.year, value.month
    text = cell_text(value).strip().upper().replace(" ", "").replace("THÁNG", "").lstrip("T")
    month_text, year_text = "", ""
    if "/" in text:
        month_text, _sep, year_text = text.partition("/")
    elif "-" in text:
        year_text, _sep, month_text = text.partition("-")
    if month_text.isdigit() and year_text.isdigit() and len(year_text) == 4:
        year, month = int(year_text), int(month_text)
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    raise CellError(_("Write the month as 02/2024 (or 2024-02)."))


PARSERS = {
    "text": _text,
    "ref": _text,
    "date": _date,
    "billion": _billion,
    "decimal": _decimal,
    "int": _int,
    "choice": _choice,
    "bool": _bool,
    "period": _period,
    "month": _month,
}


def display(spec: Spec, value) -> str:
    """A value as the preview shows it (old → new)."""
    if value is None or value == "":
        return "—"
    if spec.kind == "date":
        return value.strftime("%d/%m/%Y")
    if spec.kind == "billion":
        return format_billions(value)
    if spec.kind == "decimal":
        return format_decimal(value)
    if spec.kind == "int":
        return format_decimal(value)
    if spec.kind == "choice":
        return str(dict(spec.choices.choices).get(value, value))
    if spec.kind == "bool":
        return str(_("yes") if value else _("no"))
    if spec.kind == "month":
        year, month = value
        return f"{month:02d}/{year}"
    if spec.kind == "period":
        year, part = value
        return f"{year}-{part}" if part != "Y" else str(year)
    return str(value)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: type
    specs: tuple
    identity: tuple  # the keys that find an existing row
    derived: tuple = ()  # columns of the exports that are computed by the tracker: accepted and ignored
    # A kind another app registers (`register`): the object that finds, makes and saves its rows. It has
    # `find(parsed) -> instance | None`, `new(parsed) -> unsaved instance` (its identity set) and
    # `save(instance, *, fields, user, change_reason)`, which writes through the app's service.
    writer: object = None

    def spec(self, key) -> Spec:
        return next(spec for spec in self.specs if spec.key == key)


CLUSTERS = Kind(
    key="clusters",
    label=_("Clusters"),
    model=Cluster,
    identity=("cluster_code",),
    specs=(
        Spec("cluster_code", _("Cluster code"), "code", required=True, help=_("Unique; finds the cluster to update.")),
        Spec("cluster_name", _("Cluster name"), "name", required=True),
        Spec("commune", _("Commune or ward"), "commune", "ref", required=True,
             help=_("Name of the commune or ward after 1 July 2025; created if new (staff only).")),
        Spec("former_district", _("Former district"), "former_district", "ref", required=True,
             help=_("The district before 1 July 2025.")),
        Spec("kind", _("Kind"), "kind", "choice", choices=Cluster.Kind),
        Spec("total_area_ha", _("Total area (ha)"), "total_area_ha", "decimal"),
        Spec("industrial_land_ha", _("Industrial land (ha)"), "industrial_land_ha", "decimal"),
        Spec("stage", _("Stage"), "stage", "choice", choices=Cluster.Stage),
        Spec("establishment_decision_number", _("Establishment decision"), "establishment_decision_number"),
        Spec("establishment_date", _("Establishment date"), "establishment_date", "date"),
        Spec("developer_name", _("Infrastructure developer"), "developer_name"),
        Spec("wastewater_plant_built", _("Wastewater plant built"), "wastewater_plant_built", "bool"),
        Spec("wastewater_plant_compliant", _("Wastewater plant meets standards"), "wastewater_plant_compliant", "bool"),
    ),
    derived=("leased_ha", "unleased_ha", "occupancy_pct", "projects"),
)
PROJECTS = Kind(
    key="projects",
    label=_("Projects"),
    model=Project,
    identity=("project_code",),
    specs=(
        Spec("project_code", _("Project code"), "code", required=True, help=_("Unique; finds the project to update.")),
        Spec("project_name", _("Project name"), "name", required=True),
        Spec("cluster_code", _("Cluster code"), "cluster", "ref", required=True,
             help=_("The code of a cluster already in the tracker or in the clusters sheet of the same file.")),
        Spec("investor_name", _("Investor"), "investor_name", required=True,
             help=_("Used when the investor is new; an investor already recorded keeps its recorded name.")),
        Spec("investor_tax_code", _("Tax code"), "investor", "ref", required=True,
             help=_("10 digits, or 10 digits, a hyphen and 3 digits for a branch. Type it as text so a leading zero "
                    "is kept. Finds the investor; a new tax code creates one.")),
        Spec("investor_country", _("Country"), "investor_country",
             help=_("Used when the investor is new; any country other than Viet Nam makes it a foreign investor.")),
        Spec("industry", _("Industry"), "industry", "choice", choices=Project.Industry),
        Spec("registered_capital_billion_vnd", _("Registered capital (billion VND)"), "registered_capital_vnd",
             "billion", required=True),
        Spec("registered_capital_usd", _("Registered capital (USD)"), "registered_capital_usd", "decimal"),
        Spec("land_area_ha", _("Leased land (ha)"), "land_area_ha", "decimal"),
        Spec("policy_approval_number", _("Investment policy approval no."), "policy_approval_number"),
        Spec("policy_approval_date", _("Investment policy approval date"), "policy_approval_date", "date"),
        Spec("irc_number", _("Investment registration certificate no."), "irc_number"),
        Spec("irc_date", _("Investment registration certificate date"), "irc_date", "date"),
        Spec("sublease_contract_date", _("Land sublease contract date"), "sublease_contract_date", "date"),
        Spec("land_handover_date", _("On-site land handover date"), "land_handover_date", "date"),
        Spec("construction_start_deadline", _("Construction start deadline"), "construction_start_deadline", "date"),
        Spec("construction_completion_deadline", _("Construction completion deadline"),
             "construction_completion_deadline", "date"),
        Spec("operation_deadline", _("Operation deadline"), "operation_deadline", "date"),
        Spec("actual_construction_start", _("Actual construction start"), "actual_construction_start", "date"),
        Spec("actual_completion", _("Actual construction completion"), "actual_completion", "date"),
        Spec("actual_operation_start", _("Actual operation start"), "actual_operation_start", "date"),
        Spec("status", _("Status"), "status", "choice", choices=Project.Status),
        Spec("status_effective_on", _("Status effective on"), "status_effective_on", "date",
             help=_("For a new project or a change of status: the day the status took effect (for example the day "
                    "operations stopped); empty: the day of the import.")),
        Spec("land_recovered_on", _("Land recovered on"), "land_recovered_on", "date"),
        Spec("land_transferred_on", _("Land transferred or assets sold on"), "land_transferred_on", "date"),
        Spec("workers", _("Workers"), "workers", "int"),
    ),
    derived=("cluster_name", "commune", "former_district", "implemented_capital_billion_vnd"),
)
CAPITAL_REPORTS = Kind(
    key="capital_reports",
    label=_("Capital reports"),
    model=CapitalReport,
    identity=("project_code", "period"),
    specs=(
        Spec("project_code", _("Project code"), "project", "ref", required=True),
        Spec("period", _("Period"), "period", "period", required=True,
             help=_("2024-Q2 for a quarter, 2024-H1 for a half-year, 2024 for the whole year.")),
        Spec("implemented_capital_billion_vnd", _("Capital implemented to date (billion VND)"),
             "implemented_capital_vnd", "billion", required=True),
        Spec("revenue_billion_vnd", _("Revenue (billion VND)"), "revenue_vnd", "billion"),
        Spec("budget_contribution_billion_vnd", _("Budget contributions (billion VND)"), "budget_contribution_vnd",
             "billion"),
        Spec("workers", _("Workers"), "workers", "int"),
        Spec("report_date", _("Report date"), "report_date", "date",
             help=_("The day the department received the report; empty: the day of the import. The watchlist "
                    "counts a report from this day.")),
    ),
)

KINDS = {kind.key: kind for kind in (CLUSTERS, PROJECTS, CAPITAL_REPORTS)}
ORDER = ["clusters", "projects", "capital_reports"]  # a project may name a cluster of the same file, and so on
KNOWN_KEYS = {spec.key for kind in KINDS.values() for spec in kind.specs} | {
    key for kind in KINDS.values() for key in kind.derived
}


def register(kind: Kind) -> None:
    """Add another app's kind of row (industry's production index, say) to the template, the reader and the engine:
    called from that app's AppConfig.ready(), so the import engine imports no other app. Its rows come after the
    built-in kinds; it is recognised by its sheet's name or, in a CSV, by having every column of its identity."""
    if kind.writer is None:
        raise ValueError(f"the import kind {kind.key} has no writer")
    KINDS[kind.key] = kind
    if kind.key not in ORDER:
        ORDER.append(kind.key)
    KNOWN_KEYS.update(spec.key for spec in kind.specs)
    KNOWN_KEYS.update(kind.derived)
_LABELS: dict = {}


def label_index(kind: Kind) -> dict:
    """Normalised key or label (Vietnamese or English) → the column's Spec."""
    index = _LABELS.get(kind.key)
    if index is None:
        index = {}
        for spec in kind.specs:
            index[norm(spec.key)] = spec
            for language in ("vi", "en"):
                with translation.override(language):
                    index.setdefault(norm(spec.label), spec)
        _LABELS[kind.key] = index
    return index


def kind_names(kind: Kind) -> set[str]:
    names = {kind.key}
    for language in ("vi", "en"):
        with translation.override(language):
            names.add(norm(kind.label))
    return names
