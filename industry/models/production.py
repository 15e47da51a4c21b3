"""The monthly industrial production index (IIP) and electricity output the provincial statistics office publishes,
and the year's targets for them (issue 16).

The office publishes each month, per sector (VSIC sections B, C, D, E and the whole industry), the index against the
previous month, against the same month of last year and, for the year to date, against the same period of last year.
The tracker keeps these as the change in per cent (−10,58 means an index of 89,42 %), as published: the index of
the whole industry is a weighted sum the office computes from data the tracker does not have, so it is never
recomputed here. Electricity is kept in million kWh; its changes and its year to date are derived by the tracker
(industry.selectors.production) and set beside the office's own figures when it publishes them.

A figure is first an estimate (ước tính) and later official (chính thức): the same row is changed, and its history
(django-simple-history) keeps both.
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.dates import YEAR_VALIDATORS


def _month_label(month: int) -> str:
    return gettext("Month %(month)s") % {"month": month}


MONTH_CHOICES = [(month, lazy(_month_label, str)(month)) for month in range(1, 13)]  # in the page's language


class FigureStatus(models.TextChoices):
    ESTIMATE = "estimate", _("Estimate")
    OFFICIAL = "official", _("Official")


class Sector(models.TextChoices):
    """VSIC 2018 sections of industry, and the whole industry."""

    TOTAL = "total", _("Whole industry")
    MINING = "B", _("Mining and quarrying")
    MANUFACTURING = "C", _("Manufacturing")
    ELECTRICITY = "D", _("Electricity, gas, steam and air conditioning supply")
    WATER = "E", _("Water supply, sewerage and waste management")


SECTOR_ORDER = [Sector.TOTAL, Sector.MINING, Sector.MANUFACTURING, Sector.ELECTRICITY, Sector.WATER]
# Short names for the chart's axis, where the sections' full names do not fit.
SECTOR_SHORT = {
    Sector.TOTAL: _("Industry as a whole"),
    Sector.MINING: _("Mining (B)"),
    Sector.MANUFACTURING: _("Manufacturing (C)"),
    Sector.ELECTRICITY: _("Electricity (D)"),
    Sector.WATER: _("Water and waste (E)"),
}


def _pct_field(verbose_name, *, null=False):
    return models.DecimalField(
        verbose_name, max_digits=7, decimal_places=2, null=null, blank=null,
        validators=[MinValueValidator(-100), MaxValueValidator(10000)],
        help_text=_("The change in per cent, as published: −10,58 for an index of 89,42 %."),
    )


class ProductionIndex(models.Model):
    """One sector's index for one month, as the statistics office published it."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    month = models.PositiveSmallIntegerField(_("month"), choices=MONTH_CHOICES)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    vs_previous_month_pct = _pct_field(_("change on the previous month (%)"))
    vs_same_month_pct = _pct_field(_("change on the same month last year (%)"))
    year_to_date_pct = _pct_field(_("year to date, change on the same period last year (%)"), null=True)
    status = models.CharField(_("figure"), max_length=10, choices=FigureStatus.choices, default=FigureStatus.ESTIMATE)
    is_sample = models.BooleanField(_("sample data"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("The publication, for example the statistics office's report of the month."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "month", "sector"]
        verbose_name = _("production index")
        verbose_name_plural = _("production indices")
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "sector"], name="production_index_unique_month",
                                    violation_error_message=_("This sector already has a figure for this month.")),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="production_index_month_range"),
            models.CheckConstraint(
                condition=Q(vs_previous_month_pct__gte=-100) & Q(vs_same_month_pct__gte=-100)
                & (Q(year_to_date_pct__isnull=True) | Q(year_to_date_pct__gte=-100)),
                name="production_index_pct_gte_minus_100",
                violation_error_message=_("A change cannot be below −100 per cent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sector_display()} {self.month:02d}/{self.year}"

    @property
    def sector_short(self) -> str:
        return str(SECTOR_SHORT.get(self.sector, self.get_sector_display()))


class ElectricityMonth(models.Model):
    """The province's electricity in one month (million kWh): produced, and sold (commercial electricity)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    month = models.PositiveSmallIntegerField(_("month"), choices=MONTH_CHOICES)
    produced_mkwh = models.DecimalField(_("electricity produced (million kWh)"), max_digits=10, decimal_places=2,
                                        validators=[MinValueValidator(0)])
    commercial_mkwh = models.DecimalField(_("commercial electricity (million kWh)"), max_digits=10, decimal_places=2,
                                          null=True, blank=True, validators=[MinValueValidator(0)])
    published_vs_previous_month_pct = models.DecimalField(
        _("published change of production on the previous month (%)"), max_digits=7, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(-100)],
        help_text=_("Only if the statistics office publishes it; the tracker computes it too and flags a difference."),
    )
    published_vs_same_month_pct = models.DecimalField(
        _("published change of production on the same month last year (%)"), max_digits=7, decimal_places=2,
        null=True, blank=True, validators=[MinValueValidator(-100)],
        help_text=_("Only if the statistics office publishes it; the tracker computes it too and flags a difference."),
    )
    status = models.CharField(_("figure"), max_length=10, choices=FigureStatus.choices, default=FigureStatus.ESTIMATE)
    is_sample = models.BooleanField(_("sample data"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("The publication, for example the statistics office's report of the month."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "month"]
        verbose_name = _("electricity of a month")
        verbose_name_plural = _("electricity by month")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="electricity_unique_month",
                                    violation_error_message=_("This month already has electricity figures.")),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="electricity_month_range"),
            models.CheckConstraint(
                condition=Q(produced_mkwh__gte=0) & (Q(commercial_mkwh__isnull=True) | Q(commercial_mkwh__gte=0)),
                name="electricity_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


class ProductionTarget(models.Model):
    """The year's targets for industry beside the projects' AnnualTarget: average IIP growth, electricity produced
    and commercial electricity (2024: 12 %, 8.700 and 1.380 million kWh). Edited by leadership, like AnnualTarget."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    iip_growth_pct = models.DecimalField(_("average growth of the production index (%)"), max_digits=6,
                                         decimal_places=2, validators=[MinValueValidator(-100)])
    electricity_produced_mkwh = models.DecimalField(_("electricity produced (million kWh)"), max_digits=10,
                                                    decimal_places=2, null=True, blank=True,
                                                    validators=[MinValueValidator(0)])
    electricity_commercial_mkwh = models.DecimalField(_("commercial electricity (million kWh)"), max_digits=10,
                                                      decimal_places=2, null=True, blank=True,
                                                      validators=[MinValueValidator(0)])
    is_sample = models.BooleanField(_("sample data"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("industry target")
        verbose_name_plural = _("industry targets")
        constraints = [
            models.CheckConstraint(
                condition=(Q(electricity_produced_mkwh__isnull=True) | Q(electricity_produced_mkwh__gte=0))
                & (Q(electricity_commercial_mkwh__isnull=True) | Q(electricity_commercial_mkwh__gte=0)),
                name="production_target_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
