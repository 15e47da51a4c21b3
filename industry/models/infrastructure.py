"""Cluster infrastructure: the works of a cluster (roads, power, water, wastewater, drainage, fire protection), when
each is planned and was finished, what it costs, and the State's support share, capped by Decree 32/2024 Art. 26.

docs/industry_infrastructure.md says how the cap is read (on the cluster's total) and how the expansion check of
Art. 8(2) and form 04 read these records.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster
from tracker.numbers import format_decimal

# Decree 32/2024/NĐ-CP Art. 26: the State supports at most 30 % of a cluster's infrastructure investment. Read on
# the cluster's total (the investment in a cluster's technical infrastructure is one project; its works are parts
# of it), so one work may be supported more when the others are supported less.
STATE_SUPPORT_CAP_PCT = Decimal(30)
STATE_SUPPORT_BASIS = "Nghị định 32/2024/NĐ-CP, Điều 26"


class InfrastructureItem(models.Model):
    """One work of a cluster's technical infrastructure (hạng mục hạ tầng kỹ thuật)."""

    commune_path = "cluster__commune"  # where tracker.access finds the commune of a row

    class Kind(models.TextChoices):
        ROADS = "roads", _("Internal roads")
        POWER = "power", _("Power supply and substation")
        WATER = "water", _("Water supply")
        WASTEWATER = "wastewater", _("Wastewater treatment plant")
        DRAINAGE = "drainage", _("Drainage")
        FIRE = "fire", _("Fire protection")

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("industrial cluster"), on_delete=models.PROTECT, related_name="infrastructure_items"
    )
    kind = models.CharField(_("infrastructure item"), max_length=20, choices=Kind.choices)
    description = models.CharField(
        _("description"), max_length=300, blank=True,
        help_text=_("For example: 2 × 630 kVA substation, 1,2 km of road, 1.500 m³/day."),
    )
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    actual_completion = models.DateField(
        _("actual completion"), null=True, blank=True, help_text=_("Empty while the work is not finished.")
    )
    standards_met_on = models.DateField(
        _("meets the standards since"), null=True, blank=True,
        help_text=_("Wastewater treatment plant only: the day its discharge was certified to meet the standards."),
    )
    investment_planned_vnd = models.BigIntegerField(_("investment planned (VND)"), null=True, blank=True)
    investment_disbursed_vnd = models.BigIntegerField(_("investment disbursed (VND)"), null=True, blank=True)
    state_support_pct = models.DecimalField(
        _("State support (%)"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Share of the planned investment paid by the State budget. For the whole cluster at most 30 % "
                    "(Decree 32/2024, Art. 26)."),
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Some values are invented for the demo, not official.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster__code", "kind", "pk"]
        verbose_name = _("infrastructure item")
        verbose_name_plural = _("infrastructure items")
        constraints = [
            models.CheckConstraint(
                condition=Q(investment_planned_vnd__isnull=True) | Q(investment_planned_vnd__gte=0),
                name="infrastructure_planned_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(investment_disbursed_vnd__isnull=True) | Q(investment_disbursed_vnd__gte=0),
                name="infrastructure_disbursed_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(state_support_pct__gte=0) & Q(state_support_pct__lte=100),
                name="infrastructure_support_pct_0_100",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "kind"], name="infrastructure_cluster_kind")]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.description:
            label = f"{label} ({self.description})"
        return f"{label} – {self.cluster.code}" if self.cluster_id else str(label)

    def get_absolute_url(self) -> str:
        return reverse("industry:infrastructure_cluster", args=[self.cluster_id]) + f"#item-{self.pk}"

    @property
    def support_vnd(self) -> Decimal:
        """The State's support in VND: the share of the planned investment (exact, not rounded)."""
        return Decimal(self.investment_planned_vnd or 0) * (self.state_support_pct or 0) / 100

    @property
    def progress(self) -> str:
        """"done", "overdue" (past its planned completion, not finished) or "underway", as of today."""
        from django.utils import timezone

        if self.actual_completion is not None:
            return "done"
        if self.planned_completion is not None and self.planned_completion < timezone.localdate():
            return "overdue"
        return "underway"

    def completed_by(self, day) -> bool:
        return self.actual_completion is not None and self.actual_completion <= day

    def clean(self):
        errors = {}
        if self.standards_met_on and self.kind != self.Kind.WASTEWATER:
            errors["standards_met_on"] = _("Only a wastewater treatment plant is certified against the standards.")
        elif self.standards_met_on and (self.actual_completion is None or self.standards_met_on < self.actual_completion):
            errors["standards_met_on"] = _("A plant meets the standards only once it is completed: enter its "
                                           "actual completion first, on or before this day.")
        if self.state_support_pct and self.investment_planned_vnd is None:
            errors["investment_planned_vnd"] = _("Enter the planned investment: the State's support is a share of it.")
        if errors:
            raise ValidationError(errors)
        if self.cluster_id:
            siblings = InfrastructureItem.objects.filter(cluster_id=self.cluster_id)
            if self.pk:
                siblings = siblings.exclude(pk=self.pk)
            rows = list(siblings.values_list("investment_planned_vnd", "state_support_pct"))
            rows.append((self.investment_planned_vnd, self.state_support_pct or Decimal(0)))
            error = support_cap_error(rows)
            if error:
                raise ValidationError({"state_support_pct": error})


def cluster_support_pct(rows) -> Decimal | None:
    """The State's share of a cluster's planned infrastructure investment, in per cent, from its items'
    (planned VND, support %) pairs: Σ planned × share ÷ Σ planned; None when nothing is planned."""
    base = sum((Decimal(planned or 0) for planned, _pct in rows), Decimal(0))
    if not base:
        return None
    return sum((Decimal(planned or 0) * Decimal(pct or 0) for planned, pct in rows), Decimal(0)) / base


def support_cap_error(rows) -> ValidationError | None:
    """Decree 32/2024 Art. 26: the cluster's items, as (planned VND, support %) pairs, support at most 30 % of the
    cluster's planned investment. Exactly 30 % is allowed; anything above is refused, with the share it would be."""
    share = cluster_support_pct(rows)
    if share is None or share <= STATE_SUPPORT_CAP_PCT:
        return None
    shown = format_decimal(share, 2)
    if share.quantize(Decimal("0.01")) <= STATE_SUPPORT_CAP_PCT:  # 30,004 % must not read "30,00 %" when refused
        shown = format_decimal(share.normalize())
    return ValidationError(
        _("The State's support would be %(share)s %% of the cluster's planned infrastructure investment; "
          "%(basis)s allows at most %(cap)s %%."),
        code="support_cap",
        params={"share": shown, "basis": STATE_SUPPORT_BASIS,
                "cap": format_decimal(STATE_SUPPORT_CAP_PCT, 0)},
    )
