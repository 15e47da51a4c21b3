"""What is recorded about a project: capital reports, schedule adjustments, land-use extensions, force-majeure
periods, documents, and the records the watchlist rules read (violation notices, transfer requests, unreachable
investors)."""
import re
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.registry import Project


class CapitalReport(models.Model):
    """The investor's periodic report (Circular 14/2024/TT-BCT form 01): capital implemented to date and results."""

    commune_path = "project__cluster__commune"

    class Period(models.TextChoices):
        Q1 = "Q1", _("Quarter 1")
        Q2 = "Q2", _("Quarter 2")
        Q3 = "Q3", _("Quarter 3")
        Q4 = "Q4", _("Quarter 4")
        H1 = "H1", _("First half-year")
        H2 = "H2", _("Second half-year")
        YEAR = "Y", _("Whole year")

    PERIOD_END = {"Q1": (3, 31), "Q2": (6, 30), "Q3": (9, 30), "Q4": (12, 31), "H1": (6, 30), "H2": (12, 31), "Y": (12, 31)}

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="capital_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    # Derived from year and period so that "the latest report" is one ORDER BY.
    period_end = models.DateField(_("period end"), editable=False)
    # The day the department received the report: the watchlist counts a report from this day, not from the end of
    # the period it covers (a report received late is late, even if imported years after).
    report_date = models.DateField(
        _("report date"), null=True, blank=True,
        help_text=_("The day the department received the report; empty means the day it is recorded."),
    )
    implemented_capital_vnd = models.BigIntegerField(_("capital implemented to date (VND)"))
    revenue_vnd = models.BigIntegerField(_("revenue (VND)"), null=True, blank=True)
    budget_contribution_vnd = models.BigIntegerField(_("budget contributions (VND)"), null=True, blank=True)
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    average_income_vnd = models.BigIntegerField(_("average monthly income (VND)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["project", "-period_end"], name="report_latest_per_project")]
        verbose_name = _("capital report")
        verbose_name_plural = _("capital reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "period"],
                name="capital_report_one_per_period",
                violation_error_message=_("This project already has a report for that period."),
            ),
            models.CheckConstraint(condition=Q(implemented_capital_vnd__gte=0), name="report_capital_gte_0"),
            models.CheckConstraint(condition=Q(revenue_vnd__isnull=True) | Q(revenue_vnd__gte=0), name="report_revenue_gte_0"),
            models.CheckConstraint(
                condition=Q(budget_contribution_vnd__isnull=True) | Q(budget_contribution_vnd__gte=0),
                name="report_budget_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(average_income_vnd__isnull=True) | Q(average_income_vnd__gte=0), name="report_income_gte_0"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="report_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.year}-{self.period}"

    def compute_period_end(self):
        month, day = self.PERIOD_END[self.period]
        return date(self.year, month, day)

    def clean_fields(self, exclude=None):
        if self.year and self.period in self.PERIOD_END and 2000 <= self.year <= 2100:
            self.period_end = self.compute_period_end()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.period_end = self.compute_period_end()
        if self.report_date is None:
            self.report_date = timezone.localdate()  # received at the latest the day it is recorded
        super().save(*args, **kwargs)


class ScheduleAdjustment(models.Model):
    """A decision that moved the project's deadlines (điều chỉnh tiến độ)."""

    commune_path = "project__cluster__commune"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="adjustments")
    decision_number = models.CharField(_("decision no."), max_length=50)
    decision_date = models.DateField(_("decision date"))
    months_added = models.PositiveSmallIntegerField(_("months added"), validators=[MinValueValidator(1)])
    new_construction_start_deadline = models.DateField(_("new construction start deadline"), null=True, blank=True)
    new_construction_completion_deadline = models.DateField(
        _("new construction completion deadline"), null=True, blank=True
    )
    new_operation_deadline = models.DateField(_("new operation deadline"), null=True, blank=True)
    # The deadlines this decision replaced, kept by schedule_adjustment_create: undoing the decisions taken after a
    # date gives the deadlines in force on that date, and undoing them all the first approved schedule.
    previous_construction_start_deadline = models.DateField(
        _("previous construction start deadline"), null=True, blank=True, editable=False
    )
    previous_construction_completion_deadline = models.DateField(
        _("previous construction completion deadline"), null=True, blank=True, editable=False
    )
    previous_operation_deadline = models.DateField(_("previous operation deadline"), null=True, blank=True, editable=False)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decision_date"]
        verbose_name = _("schedule adjustment")
        verbose_name_plural = _("schedule adjustments")
        constraints = [
            models.CheckConstraint(condition=Q(months_added__gte=1), name="adjustment_months_gte_1"),
            models.CheckConstraint(
                condition=Q(new_construction_start_deadline__isnull=True)
                | Q(new_construction_completion_deadline__isnull=True)
                | Q(new_construction_start_deadline__lte=F("new_construction_completion_deadline")),
                name="adjustment_start_before_completion",
                violation_error_message=_("The new start deadline must not be after the new completion deadline."),
            ),
            models.CheckConstraint(
                condition=Q(new_construction_completion_deadline__isnull=True)
                | Q(new_operation_deadline__isnull=True)
                | Q(new_construction_completion_deadline__lte=F("new_operation_deadline")),
                name="adjustment_completion_before_operation",
                violation_error_message=_("The new completion deadline must not be after the new operation deadline."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.project.code})"


class LandUseExtension(models.Model):
    """The one land-use extension of a clock (Land Law 2024 Art. 81(8)): at most 24 months, with a payment due.

    It starts on the first day of month 13 after handover (land unused) or of month 25 after the completion
    deadline (land use late); when the breach was found at an inspection, on the extension decision."""

    commune_path = "project__cluster__commune"

    MAX_MONTHS = 24

    class Clock(models.TextChoices):
        UNUSED = "unused", _("Land unused 12 months")
        DELAY = "delay", _("Land use 24 months late")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="extensions")
    clock = models.CharField(
        _("for"), max_length=10, choices=Clock.choices, default=Clock.UNUSED,
        help_text=_("Which clock of the Land Law it extends; the law allows one extension for each."),
    )
    decision_number = models.CharField(_("decision no."), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    requested_on = models.DateField(
        _("requested on"), null=True, blank=True,
        help_text=_("The day the investor asked for the extension (within 15 days of a violation notice)."),
    )
    from_inspection = models.BooleanField(
        _("breach found at an inspection"), default=False,
        help_text=_("Then the extension starts on its decision, issued within 30 days of the inspection report."),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    payment_due_date = models.DateField(_("payment due"), null=True, blank=True)
    payment_amount_vnd = models.BigIntegerField(_("payment amount (VND)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("land-use extension")
        verbose_name_plural = _("land-use extensions")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lt=F("end_date")),
                name="extension_start_before_end",
                violation_error_message=_("The extension must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(payment_amount_vnd__isnull=True) | Q(payment_amount_vnd__gte=0),
                name="extension_payment_gte_0",
            ),
            models.UniqueConstraint(
                fields=["project", "clock"],
                condition=~Q(clock=""),  # extensions recorded before clocks existed, beyond one per clock
                name="extension_one_per_clock",
                violation_error_message=_(
                    "This project already has its land-use extension for this clock: the Land Law allows one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"

    def clean(self):
        errors = {}
        # The end date is the extension's last day: 24 months from 01/03/2025 end on 28/02/2027.
        if self.start_date and self.end_date and self.end_date >= self.start_date + relativedelta(months=self.MAX_MONTHS):
            errors["end_date"] = _("A land-use extension lasts at most 24 months.")
        if self.requested_on and self.decision_date and self.requested_on > self.decision_date:
            errors["requested_on"] = _("The request cannot come after the decision.")
        if self.from_inspection and self.decision_date and self.start_date and self.start_date != self.decision_date:
            errors["start_date"] = _("After an inspection the extension starts on the day of its decision.")
        if errors:
            raise ValidationError(errors)


class ForceMajeurePeriod(models.Model):
    """Time inside a force-majeure period does not count on any legal clock."""

    commune_path = "project__cluster__commune"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="force_majeure_periods"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("force-majeure period")
        verbose_name_plural = _("force-majeure periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")),
                name="force_majeure_start_before_end",
                violation_error_message=_("The period must end on or after its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"


def document_upload_to(instance, filename: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)[-100:]
    return f"documents/{instance.project_id}/{safe}"


class Document(models.Model):
    """A decision, certificate or other paper about a project, as PDF or image."""

    commune_path = "project__cluster__commune"

    class Kind(models.TextChoices):
        POLICY_APPROVAL = "policy_approval", _("Investment policy approval")
        IRC = "irc", _("Investment registration certificate")
        SUBLEASE = "sublease", _("Land sublease contract")
        HANDOVER = "handover", _("Land handover record")
        ADJUSTMENT = "adjustment", _("Schedule adjustment decision")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    content_type = models.CharField(_("content type"), max_length=100)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class ViolationNotice(models.Model):
    """A notice of violation sent to the investor (e.g. land not put to use); starts the 15-day extension clock."""

    commune_path = "project__cluster__commune"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="violation_notices")
    number = models.CharField(_("notice no."), max_length=50)
    notice_date = models.DateField(_("notice date"))
    content = models.TextField(_("content"), blank=True)
    extension_requested_on = models.DateField(
        _("extension requested on"),
        null=True,
        blank=True,
        help_text=_("The date the investor asked for a land-use extension after this notice, if they did."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-notice_date"]
        verbose_name = _("violation notice")
        verbose_name_plural = _("violation notices")

    def __str__(self) -> str:
        return f"{self.number} ({self.notice_date:%d/%m/%Y})"

    def clean(self):
        if self.extension_requested_on and self.notice_date and self.extension_requested_on < self.notice_date:
            raise ValidationError({"extension_requested_on": _("The request cannot come before the notice.")})


class TransferRequest(models.Model):
    """The investor asked to transfer the project or its land: before operation, a sign of holding land to resell."""

    commune_path = "project__cluster__commune"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="transfer_requests")
    request_date = models.DateField(_("request date"))
    transferee = models.CharField(_("proposed transferee"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-request_date"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")

    def __str__(self) -> str:
        return f"{self.request_date:%d/%m/%Y} {self.transferee}".strip()


class UnreachableRecord(models.Model):
    """The department could not reach the investor from this date (Law on Investment Art. 48(2)(c))."""

    commune_path = "project__cluster__commune"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="unreachable_records")
    since = models.DateField(_("unreachable since"))
    resolved_on = models.DateField(_("reached again on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-since"]
        verbose_name = _("investor unreachable")
        verbose_name_plural = _("investor unreachable records")
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("since")),
                name="unreachable_resolved_after_since",
                violation_error_message=_("The investor cannot be reached again before they became unreachable."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.since:%d/%m/%Y}"


class ProjectStatusChange(models.Model):
    """The dated status history (suspended on, resumed on, terminated on): the watchlist reads the status in force
    on a date from it, and counts Art. 48(2)(c)'s 12 months from the day operations stopped."""

    commune_path = "project__cluster__commune"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=Project.Status.choices)
    effective_on = models.DateField(_("effective on"))
    decision_number = models.CharField(_("decision no."), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_on", "-recorded_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        indexes = [models.Index(fields=["project", "-effective_on"], name="status_change_latest")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.effective_on:%d/%m/%Y})"
