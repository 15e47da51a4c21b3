"""The industry app's admin: one registration per subject."""
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from industry.models import ElectricityMonth, InfrastructureItem, ProductionIndex, ProductionTarget
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
