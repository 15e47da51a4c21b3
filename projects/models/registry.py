"""Investors, secondary projects and their records: capital reports, schedule changes, extensions, documents."""
import re
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster
from tracker.numbers import format_decimal

# Mã số thuế: 10 digits, or 10 digits, a hyphen and 3 digits for a branch.
TAX_CODE_RE = r"^\d{10}(-\d{3})?$"
tax_code_validator = RegexValidator(
    TAX_CODE_RE, _("A tax code has 10 digits, or 10 digits, a hyphen and 3 digits for a branch (0101234567-001).")
)


class Investor(models.Model):
    commune_path = None  # investors are shared by every commune
    name = models.CharField(_("name"), max_length=255)
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True, validators=[tax_code_validator])
    is_foreign = models.BooleanField(_("foreign investor"), default=False)
    country = models.CharField(_("country"), max_length=100, blank=True, default="Việt Nam")
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("investor")
        verbose_name_plural = _("investors")
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_code__regex=TAX_CODE_RE),
                name="investor_tax_code_format",
                violation_error_message=_("The tax code is not in a valid format."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("investors:detail", args=[self.pk])

    def clean(self):
        if self.is_foreign and (not self.country or self.country.strip().lower() in {"việt nam", "viet nam", "vietnam"}):
            raise ValidationError({"country": _("A foreign investor needs their country.")})


class Project(models.Model):
    """A secondary investment project inside a cluster, with its committed deadlines and actual dates."""

    commune_path = "cluster__commune"
    derived_fields = ("latest_implemented_vnd",)  # kept by project_refresh_implemented, never by a form

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        LAND_HANDED_OVER = "land_handed_over", _("Land handed over")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        OPERATING = "operating", _("Operating")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated / revoked")

    class Industry(models.TextChoices):
        FOOD = "food", _("Food and beverage processing")
        TEXTILE = "textile", _("Textiles, garments and footwear")
        WOOD = "wood", _("Wood and forest products")
        MATERIALS = "materials", _("Building materials")
        MECHANICAL = "mechanical", _("Mechanical engineering and metal")
        ELECTRONICS = "electronics", _("Electronics and electrical equipment")
        CHEMICALS = "chemicals", _("Chemicals, plastics and rubber")
        PHARMA = "pharma", _("Pharmaceuticals and medical supplies")
        HANDICRAFT = "handicraft", _("Handicrafts")
        LOGISTICS = "logistics", _("Logistics and warehousing")
        OTHER = "other", _("Other")

    code = models.CharField(_("project code"), max_length=30, unique=True)
    name = models.CharField(_("project name"), max_length=255)
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("industrial cluster"), on_delete=models.PROTECT, related_name="projects"
    )
    investor = models.ForeignKey(Investor, verbose_name=_("investor"), on_delete=models.PROTECT, related_name="projects")
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    registered_capital_vnd = models.BigIntegerField(_("registered capital (VND)"))
    registered_capital_usd = models.DecimalField(
        _("registered capital (USD)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    land_area_ha = models.DecimalField(_("leased land (ha)"), max_digits=10, decimal_places=4, default=Decimal(0))
    policy_approval_number = models.CharField(_("investment policy approval no."), max_length=50, blank=True)
    policy_approval_date = models.DateField(_("investment policy approval date"), null=True, blank=True)
    irc_number = models.CharField(
        _("investment registration certificate no."), max_length=50, null=True, blank=True, unique=True
    )
    irc_date = models.DateField(_("investment registration certificate date"), null=True, blank=True)
    sublease_contract_date = models.DateField(_("land sublease contract date"), null=True, blank=True)
    land_handover_date = models.DateField(_("on-site land handover date"), null=True, blank=True)
    construction_start_deadline = models.DateField(_("construction start deadline"), null=True, blank=True)
    construction_completion_deadline = models.DateField(_("construction completion deadline"), null=True, blank=True)
    operation_deadline = models.DateField(_("operation deadline"), null=True, blank=True)
    actual_construction_start = models.DateField(_("actual construction start"), null=True, blank=True)
    actual_completion = models.DateField(_("actual construction completion"), null=True, blank=True)
    actual_operation_start = models.DateField(_("actual operation start"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    workers = models.PositiveIntegerField(_("workers"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    # Derived: the capital implemented to date in the project's latest capital report, kept by the capital-report
    # services (projects.services.project_refresh_implemented) so the dashboard can sum it over 100,000 projects.
    latest_implemented_vnd = models.BigIntegerField(_("capital implemented to date (VND)"), null=True, blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("secondary project")
        verbose_name_plural = _("secondary projects")
        indexes = [models.Index(fields=["status"]), models.Index(fields=["irc_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(registered_capital_vnd__gte=0), name="project_capital_gte_0"),
            models.CheckConstraint(
                condition=Q(registered_capital_usd__isnull=True) | Q(registered_capital_usd__gte=0),
                name="project_capital_usd_gte_0",
            ),
            models.CheckConstraint(condition=Q(land_area_ha__gte=0), name="project_land_gte_0"),
            models.CheckConstraint(
                condition=Q(construction_start_deadline__isnull=True)
                | Q(construction_completion_deadline__isnull=True)
                | Q(construction_start_deadline__lte=F("construction_completion_deadline")),
                name="project_start_before_completion",
                violation_error_message=_("The construction start deadline must not be after the completion deadline."),
            ),
            models.CheckConstraint(
                condition=Q(construction_completion_deadline__isnull=True)
                | Q(operation_deadline__isnull=True)
                | Q(construction_completion_deadline__lte=F("operation_deadline")),
                name="project_completion_before_operation",
                violation_error_message=_("The construction completion deadline must not be after the operation deadline."),
            ),
            models.CheckConstraint(
                condition=Q(construction_start_deadline__isnull=True)
                | Q(operation_deadline__isnull=True)
                | Q(construction_start_deadline__lte=F("operation_deadline")),
                name="project_start_before_operation",
                violation_error_message=_("The construction start deadline must not be after the operation deadline."),
            ),
            models.CheckConstraint(
                condition=~Q(irc_number=""), name="project_irc_number_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_foreign(self) -> bool:
        return self.investor.is_foreign

    def land_available_ha(self) -> Decimal | None:
        """Industrial land of the cluster not leased to its other active projects (this one excluded).

        A bulk writer (the import) that keeps the cluster's running total itself sets `_land_available_ha`."""
        if self.cluster.industrial_land_ha is None:
            return None
        if hasattr(self, "_land_available_ha"):
            return self._land_available_ha
        others = (
            Project.objects.filter(cluster_id=self.cluster_id)
            .exclude(status=self.Status.TERMINATED)
            .exclude(pk=self.pk)
            .aggregate(total=Sum("land_area_ha"))["total"]
        ) or Decimal(0)
        return self.cluster.industrial_land_ha - others

    def _takes_more_land(self) -> bool:
        """Only a new lease, a larger one, a move to another cluster or a revival needs land to be checked; a
        project already holding its land may be edited even when its cluster's plan later shrank."""
        if not self.pk:
            return True
        if hasattr(self, "_land_before"):  # the import read it already, with the row locked
            before = self._land_before
        else:
            before = Project.objects.filter(pk=self.pk).values("cluster_id", "land_area_ha", "status").first()
        if before is None:
            return True
        return (
            before["cluster_id"] != self.cluster_id
            or self.land_area_ha > before["land_area_ha"]
            or before["status"] == self.Status.TERMINATED
        )

    def clean(self):
        errors = {}
        if self.irc_number == "":
            self.irc_number = None
        if self.registered_capital_vnd is not None and self.registered_capital_vnd < 0:
            errors["registered_capital_vnd"] = _("Capital cannot be negative.")
        if self.cluster_id and self.land_area_ha and self.status != self.Status.TERMINATED and self._takes_more_land():
            available = self.land_available_ha()
            if available is None:
                errors["land_area_ha"] = _("The cluster has no industrial land area recorded yet.")
            elif self.land_area_ha > available:
                errors["land_area_ha"] = _(
                    "The cluster has only %(available)s ha of industrial land not leased to other projects."
                ) % {"available": format_decimal(max(available, Decimal(0)))}
        for actual, label in (
            ("actual_completion", _("Construction cannot be completed before it starts.")),
            ("actual_operation_start", _("Operation cannot start before construction starts.")),
        ):
            if getattr(self, actual) and self.actual_construction_start and getattr(self, actual) < self.actual_construction_start:
                errors[actual] = label
        if errors:
            raise ValidationError(errors)


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
    report_date = models.DateField(_("report date"), null=True, blank=True)
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
    """A land-use extension (Land Law 2024 Art. 81(8)): at most 24 months, with a payment due."""

    commune_path = "project__cluster__commune"

    MAX_MONTHS = 24

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="extensions")
    decision_number = models.CharField(_("decision no."), max_length=50, blank=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"

    def clean(self):
        # The end date is the extension's last day: 24 months from 01/03/2025 end on 28/02/2027.
        if self.start_date and self.end_date and self.end_date >= self.start_date + relativedelta(months=self.MAX_MONTHS):
            raise ValidationError({"end_date": _("A land-use extension lasts at most 24 months.")})


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


class AnnualTarget(models.Model):
    """The year's goals from the department's plan (e.g. 2024: 5–8 projects, 400–600 billion VND, 1–2 clusters)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    projects_min = models.PositiveIntegerField(_("new projects, minimum"))
    projects_max = models.PositiveIntegerField(_("new projects, maximum"))
    capital_min_vnd = models.BigIntegerField(_("registered capital, minimum (VND)"))
    capital_max_vnd = models.BigIntegerField(_("registered capital, maximum (VND)"))
    clusters_min = models.PositiveIntegerField(_("new clusters established, minimum"))
    clusters_max = models.PositiveIntegerField(_("new clusters established, maximum"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.CheckConstraint(condition=Q(projects_min__lte=F("projects_max")), name="target_projects_range"),
            models.CheckConstraint(
                condition=Q(capital_min_vnd__gte=0) & Q(capital_min_vnd__lte=F("capital_max_vnd")),
                name="target_capital_range",
            ),
            models.CheckConstraint(condition=Q(clusters_min__lte=F("clusters_max")), name="target_clusters_range"),
        ]

    def __str__(self) -> str:
        return str(self.year)


# ---- Records the watchlist rules read ---------------------------------------------------------------------------


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


# ---- The watchlist ---------------------------------------------------------------------------------------------


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.CRITICAL: 3, Severity.WARNING: 2, Severity.INFO: 1}


class Rule(models.Model):
    """A watchlist rule: its thresholds and the text of its legal basis are data, so a change of law needs no deploy."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it detects"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    legal_basis = models.TextField(_("legal basis"))
    enabled = models.BooleanField(_("enabled"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("watchlist rule")
        verbose_name_plural = _("watchlist rules")

    def __str__(self) -> str:
        return self.code


class Flag(models.Model):
    """One project × one rule: opened by a scan when the rule's condition holds, closed when it stops holding."""

    commune_path = "project__cluster__commune"

    class State(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned for verification")
        EXPLANATION_REQUESTED = "explanation_requested", _("Explanation requested")
        INSPECTED = "inspected", _("Inspected")
        EXTENDED = "extended", _("Land-use extension granted")
        REVOCATION_PROPOSED = "revocation_proposed", _("Revocation proposed")
        DECIDED = "decided", _("Termination / recovery decided")
        DISMISSED = "dismissed", _("Dismissed")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="flags")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="flags")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    since = models.DateField(_("condition holds since"))
    evidence = models.JSONField(_("evidence"), default=dict)
    first_seen = models.DateTimeField(_("first seen"))
    last_confirmed = models.DateTimeField(_("last confirmed"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    state = models.CharField(_("review state"), max_length=30, choices=State.choices, default=State.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_flags",
    )
    notified_at = models.DateTimeField(_("leadership notified at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-since"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            # Two scans at once can never open the same flag twice.
            models.UniqueConstraint(
                fields=["project", "rule"], condition=Q(cleared_at__isnull=True), name="flag_one_open_per_project_rule"
            ),
        ]
        indexes = [models.Index(fields=["cleared_at", "severity"])]

    def __str__(self) -> str:
        return f"{self.rule.code} · {self.project.code}"

    def get_absolute_url(self) -> str:
        return reverse("watchlist:flag", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class ReviewStep(models.Model):
    """One step of leadership's review of a flag: who decided what, when and why."""

    commune_path = "flag__project__cluster__commune"

    class Action(models.TextChoices):
        ASSIGN = "assign", _("Assign for verification")
        REQUEST_EXPLANATION = "request_explanation", _("Request an explanation")
        RECORD_INSPECTION = "record_inspection", _("Record an inspection")
        GRANT_EXTENSION = "grant_extension", _("Grant a land-use extension")
        PROPOSE_REVOCATION = "propose_revocation", _("Propose revocation to the provincial People's Committee")
        RECORD_DECISION = "record_decision", _("Record the termination or land-recovery decision")
        DISMISS = "dismiss", _("Dismiss")

    flag = models.ForeignKey(Flag, verbose_name=_("flag"), on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=30, choices=Flag.State.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=Flag.State.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    letter_number = models.CharField(_("letter / decision no."), max_length=50, blank=True)
    letter_date = models.DateField(_("letter / decision date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    extension = models.ForeignKey(
        LandUseExtension, verbose_name=_("land-use extension"), on_delete=models.SET_NULL, null=True, blank=True
    )
    document = models.FileField(_("document"), upload_to="reviews/%Y/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        permissions = [
            ("work_flag", _("Can request explanations and record inspections on flags")),
            ("decide_flag", _("Can take leadership decisions on flags")),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.flag})"


class Scan(models.Model):
    """One run of the watchlist rules: when, as of which date, what it opened, kept and closed, or its error."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    as_of = models.DateField(_("as of"))
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True,
        help_text=_("Empty for a scan of every project."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    kept = models.PositiveIntegerField(_("kept"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return f"{self.as_of} {self.status}"


class DigestSent(models.Model):
    """The weekly digest for one ISO week, claimed by one worker so it goes out once."""

    week = models.CharField(_("ISO week"), max_length=10, unique=True)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")


def import_upload_to(job, filename: str) -> str:
    return f"imports/{date.today():%Y/%m}/{filename}"


class ImportJob(models.Model):
    """One uploaded import file: checked into a preview, then, once confirmed, written all or nothing.

    The file and the preview are kept so that the page survives a reload and a large file can be handled by a
    Celery task; only the person who uploaded it sees it."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        INVALID = "invalid", _("Problems found; nothing imported")
        READY = "ready", _("Checked; waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Stopped by an unexpected error; nothing imported")

    RUNNING = (Status.CHECKING, Status.IMPORTING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    file = models.FileField(_("file"), upload_to=import_upload_to)
    filename = models.CharField(_("file name"), max_length=255)
    csv_kind = models.CharField(_("kind of data (CSV)"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("Of the messages."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CHECKING)
    change_reason = models.CharField(_("reason for the change"), max_length=100, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING
