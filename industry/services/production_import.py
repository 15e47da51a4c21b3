"""The statistics office's monthly table through the import engine (projects/imports, docs/imports.md): two kinds
of row, registered by IndustryConfig.ready() — the production index (one row per month and sector) and electricity
(one row per month). The engine reads, checks and previews them as it does clusters and projects: every bad cell
named by its row and column, the whole file refused if any row is bad; the rows are written through the services of
industry.services.production, so each has its history and the reason of the import."""
from django.utils.translation import gettext_lazy as _

from industry.models import ElectricityMonth, ProductionIndex
from industry.models.production import FigureStatus, Sector
from industry.services.production import electricity_save, production_index_save
from projects.imports.specs import Kind, Spec, register

_PCT_HELP = _("The change in per cent, as published: -10,58 for an index of 89,42 %.")
_MONTH_HELP = _("02/2024 or 2024-02; with the sector, finds the row to update.")


class _IndexWriter:
    @staticmethod
    def find(parsed):
        year, month = parsed["month"]
        return ProductionIndex.objects.filter(year=year, month=month, sector=parsed["sector"]).first()

    @staticmethod
    def new(parsed):
        year, month = parsed["month"]
        return ProductionIndex(year=year, month=month, sector=parsed["sector"])

    @staticmethod
    def save(instance, *, fields, user, change_reason):
        return production_index_save(index=instance, user=user, change_reason=change_reason, **fields)


class _ElectricityWriter:
    @staticmethod
    def find(parsed):
        year, month = parsed["month"]
        return ElectricityMonth.objects.filter(year=year, month=month).first()

    @staticmethod
    def new(parsed):
        year, month = parsed["month"]
        return ElectricityMonth(year=year, month=month)

    @staticmethod
    def save(instance, *, fields, user, change_reason):
        return electricity_save(record=instance, user=user, change_reason=change_reason, **fields)


PRODUCTION_INDEX = Kind(
    key="production_index",
    label=_("Production index"),
    model=ProductionIndex,
    identity=("month", "sector"),
    writer=_IndexWriter(),
    specs=(
        Spec("month", _("Month"), "month", "month", required=True, help=_MONTH_HELP),
        Spec("sector", _("Sector"), "sector", "choice", required=True, choices=Sector,
             help=_("total for the whole industry, or the VSIC section: B, C, D, E.")),
        Spec("vs_previous_month_pct", _("On the previous month (%)"), "vs_previous_month_pct", "decimal",
             required=True, help=_PCT_HELP),
        Spec("vs_same_month_pct", _("On the same month last year (%)"), "vs_same_month_pct", "decimal",
             required=True, help=_PCT_HELP),
        Spec("year_to_date_pct", _("Year to date, on the same period (%)"), "year_to_date_pct", "decimal",
             help=_PCT_HELP),
        Spec("status", _("Figure"), "status", "choice", choices=FigureStatus,
             help=_("estimate or official; an official figure replaces the estimate, the history keeps both.")),
        Spec("is_sample", _("Sample data"), "is_sample", "bool"),
        Spec("source", _("Source"), "source"),
    ),
)
ELECTRICITY = Kind(
    key="electricity",
    label=_("Electricity"),
    model=ElectricityMonth,
    identity=("month",),
    writer=_ElectricityWriter(),
    specs=(
        Spec("month", _("Month"), "month", "month", required=True, help=_("02/2024 or 2024-02; finds the row to update.")),
        Spec("produced_mkwh", _("Electricity produced (million kWh)"), "produced_mkwh", "decimal", required=True),
        Spec("commercial_mkwh", _("Commercial electricity (million kWh)"), "commercial_mkwh", "decimal"),
        Spec("published_vs_previous_month_pct", _("Published change on the previous month (%)"),
             "published_vs_previous_month_pct", "decimal",
             help=_("Only if the statistics office publishes it; the tracker computes it too and flags a difference.")),
        Spec("published_vs_same_month_pct", _("Published change on the same month last year (%)"),
             "published_vs_same_month_pct", "decimal",
             help=_("Only if the statistics office publishes it; the tracker computes it too and flags a difference.")),
        Spec("status", _("Figure"), "status", "choice", choices=FigureStatus),
        Spec("is_sample", _("Sample data"), "is_sample", "bool"),
        Spec("source", _("Source"), "source"),
    ),
)


def register_production_imports() -> None:
    register(PRODUCTION_INDEX)
    register(ELECTRICITY)
