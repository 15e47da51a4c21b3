"""The production index and electricity: the page of a year, its history, and the forms that record a month's
figures and the year's targets. Everyone who reads the tracker reads these (they are the province's published
figures, not a commune's); staff and leadership record them; leadership sets the targets."""
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industry.forms.production import ElectricityForm, ProductionIndexForm, ProductionTargetForm
from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget
from industry.selectors.production import production_history, production_rows, production_year, production_years
from industry.services.production import electricity_save, production_index_save, production_target_save
from tracker import access
from tracker.dates import MAX_YEAR, MIN_YEAR, picked_year
from tracker.exports import FORMATS, Column, export_response
from tracker.generic import ServiceFormView


def production_index(request):
    """The year picked (`?year=2024`), else the latest year with figures, else this year."""
    access.require(request.user, ProductionIndex, "view")
    picked = picked_year(request.GET.get("year"))
    if picked is not None:
        return redirect("industry:production_year", year=picked)
    years = production_years(user=request.user)
    return redirect("industry:production_year", year=years[0] if years else timezone.localdate().year)


def production_year_page(request, year: int):
    access.require(request.user, ProductionIndex, "view")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    data = production_year(year=year, user=request.user)
    years = sorted(set(production_years(user=request.user)) | {year, timezone.localdate().year}, reverse=True)
    return render(request, "industry/production_year.html", {
        "data": data, "year": year, "years": years,
        "can_add_index": access.can(request.user, ProductionIndex, "add"),
        "can_change_index": access.can(request.user, ProductionIndex, "change"),
        "can_add_electricity": access.can(request.user, ElectricityMonth, "add"),
        "can_change_electricity": access.can(request.user, ElectricityMonth, "change"),
        "can_set_target": access.can(request.user, ProductionTarget, "add"),
        "can_change_target": access.can(request.user, ProductionTarget, "change"),
        "can_import": access.can(request.user, ProductionIndex, "add"),
    })


def production_history_page(request, year: int):
    access.require(request.user, ProductionIndex, "view")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return render(request, "industry/production_history.html",
                  {"year": year, "entries": production_history(year=year, user=request.user)})


class _YearFormView(ServiceFormView):
    """A form of one of the year's figures; it goes back to the year's page."""

    def get_initial(self):
        initial = super().get_initial()
        for name in ("year", "month"):
            value = self.request.GET.get(name, "")
            if self.object is None and value.isdigit():
                initial[name] = int(value)
        return initial

    def _year(self):
        if self.object is not None:
            return self.object.year
        year = self.request.GET.get("year", "")
        return picked_year(year, default=timezone.localdate().year)

    def get_cancel_url(self):
        return reverse("industry:production_year", args=[self._year()])

    def get_success_url_for(self, saved):
        return reverse("industry:production_year", args=[saved.year])


class ProductionIndexCreateView(_YearFormView):
    model = ProductionIndex
    form_class = ProductionIndexForm
    title = _("New production index figure")
    success_message = _("Saved: %(object)s.")

    def get_initial(self):
        initial = super().get_initial()
        sector = self.request.GET.get("sector", "")
        if self.object is None and sector:
            initial["sector"] = sector
        return initial

    def save(self, form, fields, options):
        return production_index_save(index=self.object or ProductionIndex(), **options, **fields)


class ProductionIndexUpdateView(ProductionIndexCreateView):
    title = _("Edit production index figure")

    def get_object(self):
        return access.get_for_user(ProductionIndex.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])


class ElectricityCreateView(_YearFormView):
    model = ElectricityMonth
    form_class = ElectricityForm
    title = _("New month of electricity")
    success_message = _("Saved: electricity of %(object)s.")

    def save(self, form, fields, options):
        return electricity_save(record=self.object or ElectricityMonth(), **options, **fields)


class ElectricityUpdateView(ElectricityCreateView):
    title = _("Edit month of electricity")

    def get_object(self):
        return access.get_for_user(ElectricityMonth.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])


class ProductionTargetCreateView(_YearFormView):
    model = ProductionTarget
    form_class = ProductionTargetForm
    title = _("New industry targets")
    success_message = _("Saved the industry targets for %(object)s.")

    def save(self, form, fields, options):
        return production_target_save(target=self.object or ProductionTarget(), **options, **fields)


class ProductionTargetUpdateView(ProductionTargetCreateView):
    title = _("Edit industry targets")

    def get_object(self):
        return access.get_for_user(ProductionTarget.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])


def _month(row) -> str:
    return f"{row.month:02d}/{row.year}"


# The columns of the import (industry.services.production_import): an exported year imports back unchanged.
EXPORT_COLUMNS = {
    "production_index": [
        Column(_("Month"), "month", _month),
        Column(_("Sector"), "sector", lambda row: row.sector),
        Column(_("On the previous month (%)"), "vs_previous_month_pct", lambda row: row.vs_previous_month_pct),
        Column(_("On the same month last year (%)"), "vs_same_month_pct", lambda row: row.vs_same_month_pct),
        Column(_("Year to date, on the same period (%)"), "year_to_date_pct", lambda row: row.year_to_date_pct),
        Column(_("Figure"), "status", lambda row: row.status),
        Column(_("Sample data"), "is_sample", lambda row: row.is_sample),
        Column(_("Source"), "source", lambda row: row.source),
    ],
    "electricity": [
        Column(_("Month"), "month", _month),
        Column(_("Electricity produced (million kWh)"), "produced_mkwh", lambda row: row.produced_mkwh),
        Column(_("Commercial electricity (million kWh)"), "commercial_mkwh", lambda row: row.commercial_mkwh),
        Column(_("Published change on the previous month (%)"), "published_vs_previous_month_pct",
               lambda row: row.published_vs_previous_month_pct),
        Column(_("Published change on the same month last year (%)"), "published_vs_same_month_pct",
               lambda row: row.published_vs_same_month_pct),
        Column(_("Figure"), "status", lambda row: row.status),
        Column(_("Sample data"), "is_sample", lambda row: row.is_sample),
        Column(_("Source"), "source", lambda row: row.source),
    ],
}
EXPORT_NAMES = {"production_index": "chi-so-san-xuat", "electricity": "dien"}


def production_export(request, year: int):
    """`?kind=production_index|electricity&format=csv|xlsx`: the year's rows in the shape of the import."""
    access.require(request.user, ProductionIndex, "view")
    kind = request.GET.get("kind", "production_index")
    fmt = request.GET.get("format", "xlsx")
    if not MIN_YEAR <= year <= MAX_YEAR or kind not in EXPORT_COLUMNS or fmt not in FORMATS:
        raise Http404
    rows = production_rows(kind=kind, year=year, user=request.user)
    return export_response(rows.iterator(), EXPORT_COLUMNS[kind], fmt, f"{EXPORT_NAMES[kind]}-{year}")
