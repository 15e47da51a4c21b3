"""The industry app's admin: one registration per subject."""
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from industry.models import (
    ElectricityMonth, InfrastructureItem, Obstacle, ObstacleAction, ProductionIndex, ProductionTarget, Scheme, SchemePlan,
)
from tracker.admin_mixins import ConstraintWordsAdminMixin, DateWindowAdminMixin, VersionedAdminMixin


@admin.register(InfrastructureItem)
class InfrastructureItemAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin,
                              SimpleHistoryAdmin):
    """The 30 % cap of Decree 32/2024 Art. 26 is in the model's clean(), so the admin's form refuses it too; a
    deletion goes through the service, which refuses one that would break the cap."""

    list_display = ["cluster", "kind", "planned_completion", "actual_completion", "state_support_pct", "is_sample"]
    list_filter = ["kind", "is_sample"]
    search_fields = ["cluster__code", "cluster__name", "description"]
    autocomplete_fields = ["cluster"]

    def delete_model(self, request, obj):
        from industry.services.infrastructure import infrastructure_item_delete

        try:
            infrastructure_item_delete(item=obj, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# Production index and electricity (issue 16): the pages are /industry/production/<year>/; the admin is for repairs.
@admin.register(ProductionIndex)
class ProductionIndexAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "month", "sector", "vs_previous_month_pct", "vs_same_month_pct", "year_to_date_pct",
                    "status", "is_sample"]
    list_filter = ["year", "sector", "status", "is_sample"]


@admin.register(ElectricityMonth)
class ElectricityMonthAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "month", "produced_mkwh", "commercial_mkwh", "status", "is_sample"]
    list_filter = ["year", "status", "is_sample"]


@admin.register(ProductionTarget)
class ProductionTargetAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "iip_growth_pct", "electricity_produced_mkwh", "electricity_commercial_mkwh", "is_sample"]


# Obstacles and khuyến công schemes (issue 16): the pages are /industry/obstacles/ and /industry/schemes/; the admin
# is for repairs. An obstacle that is the basis of a force-majeure period keeps the period on its dates after a save
# here (as after a save through the pages), and its project cannot change (the period is the project's).
class ObstacleActionInline(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.TabularInline):
    model = ObstacleAction
    extra = 0
    fields = ["taken_on", "description", "recorded_by"]
    readonly_fields = ["recorded_by"]


@admin.register(Obstacle)
class ObstacleAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "cluster", "project", "agency", "raised_on", "target_date", "status",
                    "resolved_on", "is_sample"]
    list_filter = ["kind", "status", "is_sample"]
    search_fields = ["title", "agency", "cluster__code", "cluster__name", "project__code", "project__name"]
    autocomplete_fields = ["cluster", "project"]
    date_hierarchy = "raised_on"
    inlines = [ObstacleActionInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.force_majeure_period_id is not None:
            fields.append("project")
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is ObstacleAction:
            for action in formset.save(commit=False):
                if action.pk is None and action.recorded_by_id is None:
                    action.recorded_by = request.user
                action.save()
            for action in formset.deleted_objects:
                action.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        from industry.services.obstacles import obstacle_period_sync

        super().save_related(request, form, formsets, change)
        obstacle_period_sync(form.instance, user=request.user)


@admin.register(Scheme)
class SchemeAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "year", "kind", "beneficiary", "commune", "province_budget_vnd", "counterpart_vnd",
                    "approved_on", "status", "is_sample"]
    list_filter = ["year", "kind", "status", "is_sample"]
    search_fields = ["name", "business_name", "investor__name", "decision_number"]
    autocomplete_fields = ["investor", "commune"]
    list_select_related = ["investor", "commune"]


@admin.register(SchemePlan)
class SchemePlanAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "decision_number", "schemes_planned", "province_budget_vnd", "counterpart_vnd",
                    "is_sample"]
