from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget
from tracker.admin_mixins import ConstraintWordsAdminMixin, DateWindowAdminMixin, VersionedAdminMixin


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
