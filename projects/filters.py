"""Filters and sort orders of the project and investor lists."""
import django_filters
from django.utils.translation import gettext_lazy as _

from clusters.filters import cluster_code_filter
from clusters.models import Commune, FormerDistrict
from projects.models import Investor, Project
from tracker.filters import BaseFilterSet, BillionVNDFilter, SearchFilter, VNDateFilter


class ProjectFilter(BaseFilterSet):
    default_order = ("code",)

    q = SearchFilter(label=_("Search (name, code, investor, tax code)"))  # Project.search_parts
    cluster = cluster_code_filter()
    commune = django_filters.ModelChoiceFilter(
        field_name="cluster__commune", queryset=Commune.objects.order_by("name"), label=_("Commune or ward")
    )
    former_district = django_filters.ModelChoiceFilter(
        field_name="cluster__former_district", queryset=FormerDistrict.objects.order_by("name"), label=_("Former district")
    )
    status = django_filters.ChoiceFilter(choices=Project.Status.choices, label=_("Status"))
    industry = django_filters.ChoiceFilter(choices=Project.Industry.choices, label=_("Industry"))
    foreign = django_filters.BooleanFilter(field_name="investor__is_foreign", label=_("Foreign investor"))
    capital_min = BillionVNDFilter(
        field_name="registered_capital_vnd", lookup_expr="gte", label=_("Capital from (billion VND)")
    )
    capital_max = BillionVNDFilter(field_name="registered_capital_vnd", lookup_expr="lte", label=_("Capital to (billion VND)"))
    irc_from = VNDateFilter(field_name="irc_date", lookup_expr="gte", label=_("Certificate date from"))
    irc_to = VNDateFilter(field_name="irc_date", lookup_expr="lte", label=_("Certificate date to"))
    attracted_year = django_filters.NumberFilter(
        method="filter_attracted_year", label=_("Attracted in year"), min_value=1990, max_value=2100
    )
    handover_from = VNDateFilter(field_name="land_handover_date", lookup_expr="gte", label=_("Land handover from"))
    handover_to = VNDateFilter(field_name="land_handover_date", lookup_expr="lte", label=_("Land handover to"))
    o = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("cluster__name", "cluster"),
            ("investor__name", "investor"),
            ("industry", "industry"),
            ("registered_capital_vnd", "capital"),
            ("land_area_ha", "land"),
            ("irc_date", "irc_date"),
            ("land_handover_date", "handover"),
            ("status", "status"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Project
        fields = []

    def filter_attracted_year(self, queryset, name, value):
        """Attracted in a year: by the investment registration certificate, else the policy approval (the
        dashboard counts the same way)."""
        from tracker.dashboard import attracted_in_year

        return queryset.filter(attracted_in_year(int(value)))


class InvestorFilter(BaseFilterSet):
    default_order = ("name",)

    q = SearchFilter(label=_("Search (name, tax code)"))  # Investor.search_parts
    is_foreign = django_filters.BooleanFilter(label=_("Foreign investor"))
    country = django_filters.CharFilter(lookup_expr="icontains", label=_("Country"))
    o = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("tax_code", "tax_code"),
            ("country", "country"),
            ("project_count", "projects"),
            ("total_capital_vnd", "capital"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Investor
        fields = []
