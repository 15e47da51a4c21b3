"""Administrative units and industrial clusters; occupancy and unleased land are derived from projects, never typed."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.search import Searchable


class FormerDistrict(models.Model):
    """A district abolished on 1 July 2025, kept as a label for history and reports (huyện cũ)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("former district")
        verbose_name_plural = _("former districts")

    def __str__(self) -> str:
        return self.name


class Commune(Searchable):
    """A live administrative unit: commune (xã) or ward (phường)."""

    commune_path = "pk"  # where tracker.access finds the commune of a row
    search_parts = ("name",)
    search_dependants = ("clusters",)  # a cluster is found by its commune's name

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        WARD = "ward", _("Ward")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMUNE)
    former_district = models.ForeignKey(
        FormerDistrict,
        verbose_name=_("former district"),
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        help_text=_("The district the commune belonged to before 1 July 2025."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune or ward")
        verbose_name_plural = _("communes and wards")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


# A code already taken is refused in the same words wherever the record that holds it is: a commune officer learns
# nothing of another commune's codes (issue 13). The forms, the services and the import all show this message.
CODE_TAKEN = _("This code cannot be used; choose another.")


def unique_code_error(instance, model_class, unique_check, taken: dict):
    """Model.unique_error_message with the words of `taken` ({field: message}) for the fields it names."""
    if len(unique_check) == 1 and unique_check[0] in taken:
        return ValidationError(taken[unique_check[0]], code="unique")
    return models.Model.unique_error_message(instance, model_class, unique_check)


class Cluster(Searchable):
    """An industrial cluster (CCN) with its lifecycle stage, areas and infrastructure."""

    commune_path = "commune"
    search_parts = ("code", "name", "commune.name", "developer_name", "establishment_decision_number")

    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        CRAFT_VILLAGE = "craft_village", _("Craft village")
        SPECIALISED = "specialised", _("Specialised")

    class Stage(models.TextChoices):
        PLANNED = "planned", _("In provincial plan")
        ESTABLISHED = "established", _("Established")
        DETAILED_PLAN = "detailed_plan", _("Detailed 1/500 plan approved")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure under construction")
        OPERATING = "operating", _("Operating")
        EXPANDED = "expanded", _("Expanded")
        DISSOLVED = "dissolved", _("Dissolved")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune or ward"), on_delete=models.PROTECT, related_name="clusters"
    )
    former_district = models.ForeignKey(
        FormerDistrict, verbose_name=_("former district"), on_delete=models.PROTECT, related_name="clusters"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNED)
    total_area_ha = models.DecimalField(
        _("total area (ha)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    industrial_land_ha = models.DecimalField(
        _("industrial land (ha)"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Industrial land in the approved detailed plan; occupancy is measured against it."),
    )
    establishment_decision_number = models.CharField(_("establishment decision no."), max_length=50, blank=True)
    establishment_date = models.DateField(_("establishment date"), null=True, blank=True)
    detailed_plan_date = models.DateField(_("detailed 1/500 plan approval date"), null=True, blank=True)
    developer_name = models.CharField(_("infrastructure developer"), max_length=200, blank=True)
    infrastructure_investment_approved_vnd = models.BigIntegerField(
        _("infrastructure investment approved (VND)"), null=True, blank=True
    )
    infrastructure_investment_paid_vnd = models.BigIntegerField(
        _("infrastructure investment paid in (VND)"), null=True, blank=True
    )
    wastewater_plant_built = models.BooleanField(_("wastewater plant built"), default=False)
    wastewater_plant_compliant = models.BooleanField(_("wastewater plant meets standards"), default=False)
    power_ready = models.BooleanField(_("power supply ready"), default=False)
    water_ready = models.BooleanField(_("water supply ready"), default=False)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Some values are invented for the demo, not official.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic concurrency: an edit based on an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("industrial cluster")
        verbose_name_plural = _("industrial clusters")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_area_ha__isnull=True) | Q(total_area_ha__gte=0), name="cluster_total_area_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(industrial_land_ha__isnull=True) | Q(industrial_land_ha__gte=0),
                name="cluster_industrial_land_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(total_area_ha__isnull=True)
                | Q(industrial_land_ha__isnull=True)
                | Q(industrial_land_ha__lte=models.F("total_area_ha")),
                name="cluster_industrial_land_within_total",
                violation_error_message=_("Industrial land cannot exceed the total area."),
            ),
            models.CheckConstraint(
                condition=Q(infrastructure_investment_approved_vnd__isnull=True)
                | Q(infrastructure_investment_approved_vnd__gte=0),
                name="cluster_infra_approved_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(infrastructure_investment_paid_vnd__isnull=True)
                | Q(infrastructure_investment_paid_vnd__gte=0),
                name="cluster_infra_paid_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(wastewater_plant_compliant=False) | Q(wastewater_plant_built=True),
                name="cluster_wastewater_compliant_needs_plant",
                violation_error_message=_("A wastewater plant can only meet standards once it is built."),
            ),
        ]

    def unique_error_message(self, model_class, unique_check):
        return unique_code_error(self, model_class, unique_check, {"code": CODE_TAKEN})

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("clusters:detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        established_stages = {
            self.Stage.ESTABLISHED,
            self.Stage.DETAILED_PLAN,
            self.Stage.INFRASTRUCTURE,
            self.Stage.OPERATING,
            self.Stage.EXPANDED,
        }
        if self.stage in established_stages and not self.establishment_date:
            errors["establishment_date"] = _("An established cluster needs its establishment decision date.")
        if self.commune_id and self.former_district_id:
            commune_district = Commune.objects.filter(pk=self.commune_id).values_list(
                "former_district_id", flat=True
            ).first()
            if commune_district and commune_district != self.former_district_id:
                errors["former_district"] = _("The commune belonged to another former district.")
        if errors:
            raise ValidationError(errors)


class EstablishmentCriteria(models.Model):
    """When a commune may establish another cluster (Decree 32/2024 Art. 8): the average occupancy of its clusters
    over a share, or its unleased industrial land at most an area. Kept as data; one row."""

    occupancy_over_pct = models.DecimalField(
        _("average occupancy over (%)"), max_digits=5, decimal_places=2, default=Decimal(50)
    )
    unleased_at_most_ha = models.DecimalField(
        _("unleased industrial land at most (ha)"), max_digits=10, decimal_places=2, default=Decimal(100)
    )
    legal_basis = models.TextField(_("legal basis"), default="Nghị định 32/2024/NĐ-CP, Điều 8.")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cluster establishment criteria")
        verbose_name_plural = _("cluster establishment criteria")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "EstablishmentCriteria":
        return cls.objects.order_by("pk").first() or cls()


class ClusterSummary(models.Model):
    """The projects of one cluster in one status: how many, their registered capital, leased land and implemented
    capital. Derived, never typed: `clusters.services.cluster_summary_refresh` rebuilds a cluster's rows inside every
    write that moves these figures, so the dashboard reads a few rows per cluster instead of every project."""

    commune_path = "cluster__commune"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="summary")
    status = models.CharField(max_length=20)  # a Project.Status value (projects depends on clusters, not back)
    projects = models.PositiveIntegerField()
    registered_capital_vnd = models.BigIntegerField()
    land_area_ha = models.DecimalField(max_digits=16, decimal_places=4)
    implemented_capital_vnd = models.BigIntegerField()  # the sum of each project's latest report

    class Meta:
        verbose_name = "cluster summary"
        verbose_name_plural = "cluster summaries"
        constraints = [models.UniqueConstraint(fields=["cluster", "status"], name="cluster_summary_one_row_per_status")]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.status}: {self.projects}"
