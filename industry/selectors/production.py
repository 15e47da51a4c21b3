"""Reads of the production index and electricity: the year page's figures, with every derived figure computed here
(never typed): electricity's changes on the previous month and on the same month of last year, the year to date, its
share of the target and the months needed to reach the target at the current pace. Where the statistics office
publishes a figure the tracker also derives, both are given and a difference is flagged.

Three queries for a year, whatever it holds: the indices, the electricity of the year and of the year before, the
target."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget
from industry.models.production import SECTOR_ORDER, Sector
from tracker import access
from tracker.history import entries_for

CENT = Decimal("0.01")


def pct_change(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """(new − old) ÷ old in per cent, two decimals; None without both or from zero."""
    if new is None or old is None or old == 0:
        return None
    return ((new - old) * 100 / old).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Compared:
    """A figure the tracker derives, beside the one the office published (if it did)."""

    derived: Decimal | None
    published: Decimal | None = None

    @property
    def differs(self) -> bool:
        return self.derived is not None and self.published is not None and self.derived != self.published


@dataclass
class ElectricityRow:
    month: int
    record: ElectricityMonth | None
    previous: Decimal | None  # produced in the month before (December of last year for January)
    last_year: Decimal | None  # produced in the same month of last year
    change_previous: Decimal | None = None  # million kWh
    change_last_year: Decimal | None = None
    pct_previous: Compared = field(default_factory=lambda: Compared(None))
    pct_last_year: Compared = field(default_factory=lambda: Compared(None))


@dataclass
class Progress:
    """The year to date of one electricity figure against its target."""

    key: str
    label: str
    year_to_date: Decimal | None
    months: int  # months recorded, from January on
    target: Decimal | None
    last_year_same_period: Decimal | None = None

    @property
    def share_pct(self) -> Decimal | None:
        if self.year_to_date is None or not self.target:
            return None
        return (self.year_to_date * 100 / self.target).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def growth_pct(self) -> Decimal | None:
        return pct_change(self.year_to_date, self.last_year_same_period)

    @property
    def pace(self) -> Decimal | None:
        """Million kWh per month so far."""
        if self.year_to_date is None or not self.months:
            return None
        return (self.year_to_date / self.months).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def remaining(self) -> Decimal | None:
        if self.year_to_date is None or self.target is None:
            return None
        return max(self.target - self.year_to_date, Decimal(0))

    @property
    def months_needed(self) -> int | None:
        """Months still needed at the pace so far (0 when the target is reached); None without a pace."""
        if self.remaining is None:
            return None
        if self.remaining == 0:
            return 0
        if not self.year_to_date:
            return None
        return math.ceil(self.remaining * self.months / self.year_to_date)

    @property
    def months_left(self) -> int:
        return 12 - self.months

    @property
    def on_track(self) -> bool | None:
        needed = self.months_needed
        return None if needed is None else needed <= self.months_left


@dataclass
class ProductionYear:
    year: int
    target: ProductionTarget | None
    months: list  # [(month, {sector: ProductionIndex | None})]
    sectors: list
    electricity: list  # ElectricityRow
    produced: Progress
    commercial: Progress
    latest_total: ProductionIndex | None  # the whole industry's latest month with a year-to-date figure
    latest_month_total: ProductionIndex | None  # the whole industry's latest month, with or without one
    has_sample: bool
    has_estimate: bool
    has_data: bool

    @property
    def progress(self) -> list:
        return [self.produced, self.commercial]

    @property
    def iip_gap(self) -> Decimal | None:
        """Points between the year to date of the whole industry and the target growth."""
        if self.latest_total is None or self.target is None or self.latest_total.year_to_date_pct is None:
            return None
        return self.latest_total.year_to_date_pct - self.target.iip_growth_pct


def _year_to_date(values: dict, upto: int) -> tuple[Decimal | None, int]:
    """Sum of January…`upto` when every one of those months is recorded; else of the months from January up to the
    first gap. Returns (sum, months counted)."""
    total, months = Decimal(0), 0
    for month in range(1, upto + 1):
        if values.get(month) is None:
            break
        total += values[month]
        months += 1
    return (total if months else None), months


def production_year(*, year: int, user) -> ProductionYear:
    indices = list(access.restrict(ProductionIndex.objects.filter(year=year), user))
    electricity = list(access.restrict(ElectricityMonth.objects.filter(year__in=[year - 1, year]), user))
    target = access.restrict(ProductionTarget.objects.filter(year=year), user).first()
    by_month: dict = {}
    for index in indices:
        by_month.setdefault(index.month, {})[index.sector] = index
    months = [(month, [by_month[month].get(sector) for sector in SECTOR_ORDER]) for month in sorted(by_month)]
    this = {e.month: e for e in electricity if e.year == year}
    last = {e.month: e for e in electricity if e.year == year - 1}
    rows = []
    for month in range(1, 13):
        record = this.get(month)
        if record is None:
            continue
        previous = this.get(month - 1) if month > 1 else last.get(12)
        same = last.get(month)
        row = ElectricityRow(month, record, previous.produced_mkwh if previous else None,
                             same.produced_mkwh if same else None)
        if row.previous is not None:
            row.change_previous = record.produced_mkwh - row.previous
        if row.last_year is not None:
            row.change_last_year = record.produced_mkwh - row.last_year
        row.pct_previous = Compared(pct_change(record.produced_mkwh, row.previous),
                                    record.published_vs_previous_month_pct)
        row.pct_last_year = Compared(pct_change(record.produced_mkwh, row.last_year),
                                     record.published_vs_same_month_pct)
        rows.append(row)
    latest = max(this) if this else 0

    def progress(key, label, attr, target_value):
        values = {m: getattr(e, attr) for m, e in this.items()}
        total, counted = _year_to_date(values, latest)
        previous_values = {m: getattr(e, attr) for m, e in last.items()}
        before, before_months = _year_to_date(previous_values, counted)
        return Progress(key, label, total, counted, target_value, before if before_months == counted and counted else None)

    produced = progress("produced", _("Electricity produced"), "produced_mkwh",
                        target.electricity_produced_mkwh if target else None)
    commercial = progress("commercial", _("Commercial electricity"), "commercial_mkwh",
                          target.electricity_commercial_mkwh if target else None)
    totals = [i for i in indices if i.sector == Sector.TOTAL and i.year_to_date_pct is not None]
    latest_total = max(totals, key=lambda i: i.month) if totals else None
    all_totals = [i for i in indices if i.sector == Sector.TOTAL]
    latest_month_total = max(all_totals, key=lambda i: i.month) if all_totals else None
    this_year = indices + list(this.values())
    return ProductionYear(
        year=year, target=target, months=months, sectors=[(s.value, s.label) for s in SECTOR_ORDER],
        electricity=rows, produced=produced, commercial=commercial, latest_total=latest_total,
        latest_month_total=latest_month_total,
        has_sample=any(r.is_sample for r in this_year) or bool(target and target.is_sample),
        has_estimate=any(r.status == "estimate" for r in this_year),
        has_data=bool(this_year),
    )


def production_years(*, user) -> list[int]:
    """The years with any figure or target, newest first."""
    years = set(access.restrict(ProductionIndex.objects.all(), user).values_list("year", flat=True).distinct())
    years |= set(access.restrict(ElectricityMonth.objects.all(), user).values_list("year", flat=True).distinct())
    years |= set(access.restrict(ProductionTarget.objects.all(), user).values_list("year", flat=True))
    return sorted(years, reverse=True)


def production_history(*, year: int, user) -> list:
    """Every change to the year's figures and target, newest first: an estimate later made official shows both."""
    entries = []
    for model in (ProductionIndex, ElectricityMonth, ProductionTarget):
        if not access.can(user, model, "view"):
            continue
        records = list(model.history.filter(year=year).select_related("history_user"))
        entries += entries_for(model, records, subject=lambda record: str(record.instance))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def production_rows(*, kind: str, year: int, user):
    """The year's recorded rows of one kind, for the export (in the import's shape)."""
    model = ProductionIndex if kind == "production_index" else ElectricityMonth
    return access.restrict(model.objects.filter(year=year), user).order_by(*model._meta.ordering)
