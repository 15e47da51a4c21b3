"""The year's industry-promotion (khuyến công) schemes approved by the provincial People's Committee, and the year's
approved plan they are measured against. Money is exact integer VND, typed and shown in billions (tỷ đồng) like
every other amount in the tracker: a scheme of 350 million is typed 0,35."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Commune
from projects.models import Investor
from tracker.dates import YEAR_VALIDATORS


class SchemePlan(models.Model):
    """The khuyến công plan the People's Committee approved for a year: how many schemes, with what funds."""

    commune_path = None  # the province's plan, read by every commune

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    decision_number = models.CharField(_("approval decision no."), max_length=50, blank=True)
    schemes_planned = models.PositiveIntegerField(_("schemes planned"))
    province_budget_vnd = models.BigIntegerField(_("province budget planned (VND)"))
    counterpart_vnd = models.BigIntegerField(_("counterpart funds planned (VND)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("industry-promotion plan")
        verbose_name_plural = _("industry-promotion plans")
        constraints = [
            models.CheckConstraint(condition=Q(province_budget_vnd__gte=0), name="scheme_plan_budget_gte_0"),
            models.CheckConstraint(condition=Q(counterpart_vnd__gte=0), name="scheme_plan_counterpart_gte_0"),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("industry:scheme_year", args=[self.year])


class Scheme(models.Model):
    commune_path = "commune"

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        EQUIPMENT = "equipment", _("Equipment")
        DEMONSTRATION = "demonstration", _("Demonstration model")
        TRADE_PROMOTION = "trade_promotion", _("Trade promotion")
        CONSULTANCY = "consultancy", _("Consultancy")

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    year = models.PositiveSmallIntegerField(_("plan year"), validators=YEAR_VALIDATORS)
    name = models.CharField(_("scheme"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    decision_number = models.CharField(_("approval decision no."), max_length=50, blank=True)
    investor = models.ForeignKey(
        Investor, verbose_name=_("beneficiary (investor)"), on_delete=models.PROTECT, related_name="schemes",
        null=True, blank=True,
    )
    business_name = models.CharField(
        _("beneficiary (other business)"), max_length=255, blank=True,
        help_text=_("When the beneficiary is not an investor in the tracker: the business's name."),
    )
    commune = models.ForeignKey(Commune, verbose_name=_("commune or ward"), on_delete=models.PROTECT, related_name="schemes")
    province_budget_vnd = models.BigIntegerField(_("province budget (VND)"))
    counterpart_vnd = models.BigIntegerField(_("counterpart funds (VND)"), default=0)
    approved_on = models.DateField(_("approved on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPROVED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "name", "pk"]
        verbose_name = _("industry-promotion scheme")
        verbose_name_plural = _("industry-promotion schemes")
        indexes = [models.Index(fields=["year", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(province_budget_vnd__gte=0), name="scheme_budget_gte_0"),
            models.CheckConstraint(condition=Q(counterpart_vnd__gte=0), name="scheme_counterpart_gte_0"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("approved_on")),
                name="scheme_completed_after_approved",
                violation_error_message=_("A scheme cannot be completed before it was approved."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("industry:scheme_detail", args=[self.pk])

    @property
    def beneficiary(self) -> str:
        return self.investor.name if self.investor_id else self.business_name

    @property
    def total_vnd(self) -> int:
        return (self.province_budget_vnd or 0) + (self.counterpart_vnd or 0)

    def clean(self):
        errors = {}
        if self.investor_id is None and not self.business_name.strip():
            errors["business_name"] = _("Choose the investor who benefits, or type the name of the business.")
        elif self.investor_id is not None and self.business_name.strip():
            errors["business_name"] = _("The beneficiary is the investor chosen above; leave this name empty.")
        if self.status == self.Status.COMPLETED and not self.completed_on:
            errors["completed_on"] = _("Give the day the scheme was completed.")
        elif self.completed_on and self.status != self.Status.COMPLETED:
            errors["completed_on"] = _("Only a completed scheme has a completion date; empty it or set the status to "
                                       "completed.")
        elif self.completed_on and self.approved_on and self.completed_on < self.approved_on:
            errors["completed_on"] = _("A scheme cannot be completed before it was approved.")
        elif self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _("The completion date cannot be in the future.")
        if errors:
            raise ValidationError(errors)
