from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from clusters.services import cluster_summary_refresh
from projects.models import (
    AnnualTarget,
    CapitalReport,
    Document,
    ForceMajeurePeriod,
    Investor,
    LandUseExtension,
    Project,
    Rule,
    ScheduleAdjustment,
)
from projects.queue import queue_project_scan
from projects.services import project_keys_refresh, project_record_changed, project_status_record
from tracker.admin_mixins import ConstraintWordsAdminMixin, DateWindowAdminMixin, VersionedAdminMixin


@admin.register(Investor)
class InvestorAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "tax_code", "is_foreign", "country", "is_sample"]
    list_filter = ["is_foreign", "is_sample"]
    search_fields = ["name", "tax_code"]


@admin.register(Project)
class ProjectAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "cluster", "investor", "status", "registered_capital_vnd", "land_area_ha"]
    list_filter = ["status", "industry", "cluster__former_district", "is_sample"]
    search_fields = ["code", "name", "investor__name", "irc_number"]
    autocomplete_fields = ["cluster", "investor"]
    # A change of status made here enters the dated status history as of today (the project form can date it
    # otherwise); the watchlist counts from that date.
    readonly_fields = ["latest_implemented_vnd", "status_since"]

    # The admin writes around the services: keep the clusters' summary as they do, for every cluster touched, and
    # owe the watchlist a rescan.
    def save_model(self, request, obj, form, change):
        stored, stored_code = (Project.objects.filter(pk=obj.pk).values_list("cluster_id", "code").first()
                               if change else (None, None))
        super().save_model(request, obj, form, change)
        if not change or "status" in form.changed_data:
            project_status_record(project=obj, status=obj.status, user=request.user)
        if change and (obj.cluster_id, obj.code) != (stored, stored_code):
            project_keys_refresh([obj.pk])  # the copies of the code (flags, stored dates) and the commune
        cluster_summary_refresh([stored, obj.cluster_id])
        queue_project_scan(obj.pk)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cluster_summary_refresh([obj.cluster_id])

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        cluster_ids = set(queryset.values_list("cluster_id", flat=True))
        super().delete_queryset(request, queryset)
        cluster_summary_refresh(cluster_ids)


@admin.register(CapitalReport, ScheduleAdjustment, LandUseExtension, ForceMajeurePeriod)
class ProjectRecordAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "project"]
    search_fields = ["project__code", "project__name"]
    autocomplete_fields = ["project"]

    # The admin writes around the services: do what they do after a record changes, for every project touched.
    def save_model(self, request, obj, form, change):
        before = form.initial.get("project") if change else None
        super().save_model(request, obj, form, change)
        self._after_change(type(obj), {obj.project_id, before} - {None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._after_change(type(obj), {obj.project_id})

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        project_ids = set(queryset.values_list("project_id", flat=True))
        super().delete_queryset(request, queryset)
        self._after_change(queryset.model, project_ids)

    def _after_change(self, model, project_ids):
        for project_id in project_ids:
            project_record_changed(model, getattr(project_id, "pk", project_id))


@admin.register(Document)
class DocumentAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.ModelAdmin):
    list_display = ["title", "project", "kind", "content_type", "size_bytes", "uploaded_at"]
    search_fields = ["title", "project__code"]
    autocomplete_fields = ["project"]


@admin.register(AnnualTarget)
class AnnualTargetAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "projects_min", "projects_max", "capital_min_vnd", "capital_max_vnd", "clusters_min", "clusters_max"]


@admin.register(Rule)
class RuleAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, SimpleHistoryAdmin):
    """The watchlist rules' thresholds and legal-basis text are data; which rules are grounds for revocation is law
    and stays in the code (projects.watchlist.rules.GROUNDS)."""

    list_display = ["code", "name", "severity", "enabled"]
    readonly_fields = ["code"]
    fields = ["code", "name", "description", "severity", "thresholds", "legal_basis", "enabled"]

    def has_add_permission(self, request):
        return False  # a rule without its function in the code would do nothing

    def has_delete_permission(self, request, obj=None):
        return False  # flags refer to it

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Other thresholds move every project's next check: the next nightly scan looks at all of them.
        Project.objects.update(next_check_on=None)
