from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import Cluster, Commune, FormerDistrict
from clusters.services import cluster_deadlines_refresh
from tracker.admin_mixins import ConstraintWordsAdminMixin, DateWindowAdminMixin, VersionedAdminMixin


@admin.register(FormerDistrict)
class FormerDistrictAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Commune)
class CommuneAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "former_district"]
    list_filter = ["kind", "former_district"]
    search_fields = ["name"]


@admin.register(Cluster)
class ClusterAdmin(DateWindowAdminMixin, ConstraintWordsAdminMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "commune", "former_district", "stage", "industrial_land_ha", "is_sample"]
    list_filter = ["stage", "kind", "former_district", "is_sample"]
    search_fields = ["code", "name", "developer_name"]
    autocomplete_fields = ["commune", "former_district"]

    # The admin writes around the services: the coming-due list's copy of the commune follows, as after
    # cluster_update (the admin saves in a transaction).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "commune" in form.changed_data:
            cluster_deadlines_refresh(obj)
