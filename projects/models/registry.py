"""The registry: investors, secondary projects and the year's targets."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import CODE_TAKEN, Cluster, unique_code_error
from tracker.numbers import format_decimal
from tracker.search import Searchable

# Mã số thuế: 10 digits, or 10 digits, a hyphen and 3 digits for a branch.
TAX_CODE_RE = r"^\d{10}(-\d{3})?$"
tax_code_validator = RegexValidator(
    TAX_CODE_RE, _("A tax code has 10 digits, or 10 digits, a hyphen and 3 digits for a branch (0101234567-001).")
)


class Investor(Searchable):
    commune_path = None  # investors are shared by every commune
    search_parts = ("name", "tax_code", "contact_person")
    search_dependants = ("projects",)  # a project is found by its investor's name and tax code
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
    history = HistoricalRecords(excluded_fields=["search_text"])

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


IRC_TAKEN = _("This certificate number cannot be used; check it.")


class Project(Searchable):
    """A secondary investment project inside a cluster, with its committed deadlines and actual dates."""

    commune_path = "cluster__commune"
    search_parts = ("code", "name", "irc_number", "policy_approval_number", "investor.name", "investor.tax_code")
    derived_fields = ("latest_implemented_vnd", "next_check_on", "status_since")  # kept by the services, never by a form

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
    # Kept by the status service from the dated status history (ProjectStatusChange): the day the status in force
    # took effect.
    status_since = models.DateField(_("status since"), null=True, blank=True)
    # After a termination (Decree 102/2024 Art. 35(2)): the land recovered by the State, or transferred (assets
    # sold) by the investor.
    land_recovered_on = models.DateField(_("land recovered on"), null=True, blank=True)
    land_transferred_on = models.DateField(
        _("land transferred or assets sold on"), null=True, blank=True,
        help_text=_("After a termination the investor has 24 months to transfer the land or sell the assets."),
    )
    workers = models.PositiveIntegerField(_("workers"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    # Derived: the capital implemented to date in the project's latest capital report, kept by the capital-report
    # services (projects.services.project_refresh_implemented) so the dashboard can sum it over 100,000 projects.
    latest_implemented_vnd = models.BigIntegerField(_("capital implemented to date (VND)"), null=True, blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    # The next day on which a watchlist rule's answer for this project could change by time alone; empty when its
    # facts changed since the last scan. The nightly scan evaluates the projects due by today (scans.run_scan).
    next_check_on = models.DateField(_("next watchlist check"), null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["next_check_on", "search_text"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("secondary project")
        verbose_name_plural = _("secondary projects")
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["irc_date"]),
            # The lists sorted by capital (leadership's "largest first"): the first page of 100 read from the index
            # instead of sorting every project (0.5 against 25 ms at 100,000 projects).
            models.Index(fields=["registered_capital_vnd"], name="project_capital"),
        ]
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

    def unique_error_message(self, model_class, unique_check):
        # The same words whether the project holding the code or number is in the user's communes or not.
        return unique_code_error(self, model_class, unique_check, {"code": CODE_TAKEN, "irc_number": IRC_TAKEN})

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
