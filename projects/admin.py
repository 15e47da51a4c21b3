from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import (
    AnnualTarget,
    CapitalReport,
    Document,
    ForceMajeurePeriod,
    Investor,
    LandUseExtension,
    Project,
    ScheduleAdjustment,
)
from projects.services import project_refresh_implemented
from tracker.admin_mixins import VersionedAdminMixin


@admin.register(Investor)
class InvestorAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "tax_code", "is_foreign", "country", "is_sample"]
    list_filter = ["is_foreign", "is_sample"]
    search_fields = ["name", "tax_code"]


@admin.register(Project)
class ProjectAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "cluster", "investor", "status", "registered_capital_vnd", "land_area_ha"]
    list_filter = ["status", "industry", "cluster__former_district", "is_sample"]
    search_fields = ["code", "name", "investor__name", "irc_number"]
    autocomplete_fields = ["cluster", "investor"]
    readonly_fields = ["latest_implemented_vnd"]


@admin.register(CapitalReport, ScheduleAdjustment, LandUseExtension, ForceMajeurePeriod)
class ProjectRecordAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project"]
    search_fields = ["project__code", "project__name"]
    autocomplete_fields = ["project"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if isinstance(obj, CapitalReport):
            project_refresh_implemented(obj.project_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        if isinstance(obj, CapitalReport):
            project_refresh_implemented(obj.project_id)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "content_type", "size_bytes", "uploaded_at"]
    search_fields = ["title", "project__code"]
    autocomplete_fields = ["project"]


@admin.register(AnnualTarget)
class AnnualTargetAdmin(SimpleHistoryAdmin):
    list_display = ["year", "projects_min", "projects_max", "capital_min_vnd", "capital_max_vnd", "clusters_min", "clusters_max"]
