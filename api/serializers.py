"""What the API reads and writes: field names are the import template's keys (projects/imports/specs.py), money is
whole VND (`*_vnd`), dates ISO 8601. A serializer only parses and checks the shape of the input; the write itself is
a service's (api/views.py), with the same validation, history and land lock as the forms."""
from operator import attrgetter

from rest_framework import serializers

from clusters.models import Cluster, Commune, FormerDistrict
from projects.models import (
    AnnualTarget, CapitalReport, Document, Flag, ForceMajeurePeriod, Investor, LandUseExtension, Project,
    ProjectStatusChange, ReviewStep, Scan, ScheduleAdjustment, TransferRequest, UnreachableRecord, ViolationNotice,
)

VND = {"min_value": 0, "max_value": 9_223_372_036_854_775_807}
HA = {"max_digits": 10, "decimal_places": 4, "min_value": 0, "coerce_to_string": True}


class RefField(serializers.SlugRelatedField):
    """A reference by code or name. A value no row can hold (a NUL character, refused by PostgreSQL in a query) is
    "not found" like any other unknown code."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


# --- reference and registry ------------------------------------------------------------------------------------


class CommuneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Commune.Kind.choices, read_only=True)
    former_district = serializers.CharField(source="former_district.name", read_only=True, allow_null=True, default=None)


class ClusterSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    cluster_code = serializers.CharField(source="code", max_length=30)
    cluster_name = serializers.CharField(source="name", max_length=200)
    commune = RefField(slug_field="name", queryset=Commune.objects.all())
    former_district = RefField(slug_field="name", queryset=FormerDistrict.objects.all())
    kind = serializers.ChoiceField(choices=Cluster.Kind.choices, required=False)
    stage = serializers.ChoiceField(choices=Cluster.Stage.choices, required=False)
    total_area_ha = serializers.DecimalField(required=False, allow_null=True, **HA)
    industrial_land_ha = serializers.DecimalField(required=False, allow_null=True, **HA)
    establishment_decision_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    establishment_date = serializers.DateField(required=False, allow_null=True)
    detailed_plan_date = serializers.DateField(required=False, allow_null=True)
    developer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    infrastructure_investment_approved_vnd = serializers.IntegerField(required=False, allow_null=True, **VND)
    infrastructure_investment_paid_vnd = serializers.IntegerField(required=False, allow_null=True, **VND)
    wastewater_plant_built = serializers.BooleanField(required=False)
    wastewater_plant_compliant = serializers.BooleanField(required=False)
    power_ready = serializers.BooleanField(required=False)
    water_ready = serializers.BooleanField(required=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False,
                                        allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         required=False, allow_null=True)
    source = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    leased_ha = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True)
    unleased_ha = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True, allow_null=True)
    occupancy_pct = serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True, allow_null=True)
    projects = serializers.IntegerField(source="project_count", read_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # a commune officer writes only in their communes
            from tracker.access import restrict

            self.fields["commune"].queryset = restrict(Commune.objects.all(), request.user, "view")


class InvestorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    investor_name = serializers.CharField(source="name", max_length=255)
    investor_tax_code = serializers.CharField(source="tax_code", max_length=14)
    is_foreign = serializers.BooleanField(required=False)
    investor_country = serializers.CharField(source="country", max_length=100, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact_person = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    projects = serializers.IntegerField(source="project_count", read_only=True)
    registered_capital_vnd = serializers.IntegerField(source="total_capital_vnd", read_only=True)


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    project_code = serializers.CharField(source="code", max_length=30)
    project_name = serializers.CharField(source="name", max_length=255)
    cluster_code = RefField(source="cluster", slug_field="code", queryset=Cluster.objects.all())
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    commune = serializers.CharField(source="cluster.commune.name", read_only=True)
    investor_tax_code = RefField(source="investor", slug_field="tax_code",
                                                     queryset=Investor.objects.all())
    investor_name = serializers.CharField(source="investor.name", read_only=True)
    industry = serializers.ChoiceField(choices=Project.Industry.choices, required=False)
    registered_capital_vnd = serializers.IntegerField(**VND)
    registered_capital_usd = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False,
                                                      allow_null=True)
    land_area_ha = serializers.DecimalField(required=False, **HA)
    policy_approval_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    policy_approval_date = serializers.DateField(required=False, allow_null=True)
    irc_number = serializers.CharField(max_length=50, required=False, allow_null=True, allow_blank=True)
    irc_date = serializers.DateField(required=False, allow_null=True)
    sublease_contract_date = serializers.DateField(required=False, allow_null=True)
    land_handover_date = serializers.DateField(required=False, allow_null=True)
    construction_start_deadline = serializers.DateField(required=False, allow_null=True)
    construction_completion_deadline = serializers.DateField(required=False, allow_null=True)
    operation_deadline = serializers.DateField(required=False, allow_null=True)
    actual_construction_start = serializers.DateField(required=False, allow_null=True)
    actual_completion = serializers.DateField(required=False, allow_null=True)
    actual_operation_start = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Project.Status.choices, required=False)
    status_effective_on = serializers.DateField(required=False, allow_null=True, write_only=True)
    status_since = serializers.DateField(read_only=True, allow_null=True)
    land_recovered_on = serializers.DateField(required=False, allow_null=True)
    land_transferred_on = serializers.DateField(required=False, allow_null=True)
    workers = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    implemented_capital_vnd = serializers.IntegerField(source="latest_implemented_vnd", read_only=True, allow_null=True)

    def to_representation(self, instance):
        """DRF's representation without its per-field lookup machinery (the list of 100 projects is the API's
        busiest answer): each readable field's attribute path and conversion, worked out once per serializer."""
        plan = getattr(self, "_plan", None)
        if plan is None:
            plan = self._plan = [(name, attrgetter(".".join(field.source_attrs)), field.to_representation)
                                 for name, field in self.fields.items() if not field.write_only]
        row = {}
        for name, get, convert in plan:
            value = get(instance)
            row[name] = None if value is None else convert(value)
        return row

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # the clusters a commune officer may put a project in: their own
            from tracker.access import restrict

            self.fields["cluster_code"].queryset = restrict(Cluster.objects.all(), request.user, "view")


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    projects_min = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    projects_max = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    capital_min_vnd = serializers.IntegerField(**VND)
    capital_max_vnd = serializers.IntegerField(**VND)
    clusters_min = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    clusters_max = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    notes = serializers.CharField(required=False, allow_blank=True)


# --- a project's records ----------------------------------------------------------------------------------------


class RecordSerializer(serializers.Serializer):
    """A record of one project: `project_code` names it (among the caller's projects) and cannot change."""

    id = serializers.IntegerField(read_only=True)
    project_code = RefField(source="project", slug_field="code", queryset=Project.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            from tracker.access import restrict

            self.fields["project_code"].queryset = restrict(Project.objects.all(), request.user, "view")


class CapitalReportSerializer(RecordSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=CapitalReport.Period.choices)
    period_end = serializers.DateField(read_only=True)
    report_date = serializers.DateField(required=False, allow_null=True)
    implemented_capital_vnd = serializers.IntegerField(**VND)
    revenue_vnd = serializers.IntegerField(required=False, allow_null=True, **VND)
    budget_contribution_vnd = serializers.IntegerField(required=False, allow_null=True, **VND)
    workers = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, allow_null=True)
    average_income_vnd = serializers.IntegerField(required=False, allow_null=True, **VND)


class AdjustmentSerializer(RecordSerializer):
    decision_number = serializers.CharField(max_length=50)
    decision_date = serializers.DateField()
    months_added = serializers.IntegerField(min_value=1, max_value=32767)
    new_construction_start_deadline = serializers.DateField(required=False, allow_null=True)
    new_construction_completion_deadline = serializers.DateField(required=False, allow_null=True)
    new_operation_deadline = serializers.DateField(required=False, allow_null=True)
    previous_construction_start_deadline = serializers.DateField(read_only=True, allow_null=True)
    previous_construction_completion_deadline = serializers.DateField(read_only=True, allow_null=True)
    previous_operation_deadline = serializers.DateField(read_only=True, allow_null=True)
    reason = serializers.CharField()


class ExtensionSerializer(RecordSerializer):
    clock = serializers.ChoiceField(choices=LandUseExtension.Clock.choices, required=False)
    decision_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    requested_on = serializers.DateField(required=False, allow_null=True)
    from_inspection = serializers.BooleanField(required=False)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    payment_due_date = serializers.DateField(required=False, allow_null=True)
    payment_amount_vnd = serializers.IntegerField(required=False, allow_null=True, **VND)


class ForceMajeureSerializer(RecordSerializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField()


class NoticeSerializer(RecordSerializer):
    number = serializers.CharField(max_length=50)
    notice_date = serializers.DateField()
    content = serializers.CharField(required=False, allow_blank=True)
    extension_requested_on = serializers.DateField(required=False, allow_null=True)


class TransferSerializer(RecordSerializer):
    request_date = serializers.DateField()
    transferee = serializers.CharField(max_length=255, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class UnreachableSerializer(RecordSerializer):
    since = serializers.DateField()
    resolved_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class StatusChangeSerializer(RecordSerializer):
    status = serializers.ChoiceField(choices=Project.Status.choices, read_only=True)
    effective_on = serializers.DateField(read_only=True)
    decision_number = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class DocumentSerializer(RecordSerializer):
    kind = serializers.ChoiceField(choices=Document.Kind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size_bytes = serializers.IntegerField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document) -> str:
        from django.urls import reverse

        return reverse("api:document-download", args=[document.pk])


# --- the watchlist ----------------------------------------------------------------------------------------------


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    severity = serializers.ChoiceField(choices=Flag._meta.get_field("severity").choices, read_only=True)
    since = serializers.DateField(read_only=True)
    first_seen = serializers.DateTimeField(read_only=True)
    last_confirmed = serializers.DateTimeField(read_only=True)
    cleared_at = serializers.DateTimeField(read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=Flag.State.choices, read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True, default=None)


class ReviewStepInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ReviewStep.Action.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    letter_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    letter_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    assignee = serializers.CharField(required=False, allow_blank=True, default="", help_text="user name")
    months = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=24)
    payment_amount_vnd = serializers.IntegerField(required=False, allow_null=True, default=None, **VND)
    requested_on = serializers.DateField(required=False, allow_null=True, default=None)
    from_inspection = serializers.BooleanField(required=False, default=False)


class ReviewStepSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    action = serializers.ChoiceField(choices=ReviewStep.Action.choices, read_only=True)
    from_state = serializers.ChoiceField(choices=Flag.State.choices, read_only=True)
    to_state = serializers.ChoiceField(choices=Flag.State.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    note = serializers.CharField(read_only=True)
    letter_number = serializers.CharField(read_only=True)
    letter_date = serializers.DateField(read_only=True, allow_null=True)
    due_date = serializers.DateField(read_only=True, allow_null=True)


class ScanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    as_of = serializers.DateField(read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Scan.Status.choices, read_only=True)
    opened = serializers.IntegerField(read_only=True)
    kept = serializers.IntegerField(read_only=True)
    closed = serializers.IntegerField(read_only=True)


class ComingDueSerializer(serializers.Serializer):
    project_code = serializers.CharField(read_only=True)
    rule_code = serializers.CharField(read_only=True)
    crossing = serializers.DateField(read_only=True)
    days_left = serializers.IntegerField(read_only=True)
    severity = serializers.CharField(source="finding.severity", read_only=True)


MODELS = {
    "capital-reports": (CapitalReport, CapitalReportSerializer),
    "adjustments": (ScheduleAdjustment, AdjustmentSerializer),
    "extensions": (LandUseExtension, ExtensionSerializer),
    "force-majeure-periods": (ForceMajeurePeriod, ForceMajeureSerializer),
    "notices": (ViolationNotice, NoticeSerializer),
    "transfer-requests": (TransferRequest, TransferSerializer),
    "unreachable-records": (UnreachableRecord, UnreachableSerializer),
    "status-history": (ProjectStatusChange, StatusChangeSerializer),
    "documents": (Document, DocumentSerializer),
}
