"""The province-wide list of infrastructure items: its filters and sort orders."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.filters import cluster_code_filter
from clusters.models import Commune, FormerDistrict
from industry.models.infrastructure import InfrastructureItem
from tracker.filters import BaseFilterSet, VNDateFilter

STATE_DONE, STATE_UNDERWAY, STATE_OVERDUE = "done", "underway", "overdue"


class InfrastructureFilter(BaseFilterSet):
    default_order = ("cluster__code", "kind_order")

    q = django_filters.CharFilter(label=_("Search"), method="search")
    commune = django_filters.ModelChoiceFilter(
        field_name="cluster__commune", queryset=Commune.objects.order_by("name"), label=_("Commune or ward")
    )
    former_district = django_filters.ModelChoiceFilter(
        field_name="cluster__former_district", queryset=FormerDistrict.objects.order_by("name"),
        label=_("Former district"),
    )
    cluster = cluster_code_filter()  # the cluster's code; offered only among the user's clusters (BaseFilterSet)
    kind = django_filters.ChoiceFilter(choices=InfrastructureItem.Kind.choices, label=_("Infrastructure item"))
    state = django_filters.ChoiceFilter(
        choices=[(STATE_DONE, _("Completed")), (STATE_UNDERWAY, _("Not completed")),
                 (STATE_OVERDUE, _("Past the planned completion"))],
        method="filter_state", label=_("Progress"),
    )
    planned_from = VNDateFilter(field_name="planned_completion", lookup_expr="gte", label=_("Planned from"))
    planned_to = VNDateFilter(field_name="planned_completion", lookup_expr="lte", label=_("Planned to"))
    supported = django_filters.BooleanFilter(method="filter_supported", label=_("State support"))
    o = django_filters.OrderingFilter(
        fields=(
            ("cluster__code", "cluster"),
            ("cluster__commune__name", "commune"),
            ("kind_order", "kind"),  # the order of the kinds, not of their keys
            ("planned_completion", "planned_completion"),
            ("actual_completion", "actual_completion"),
            ("investment_planned_vnd", "investment_planned"),
            ("investment_disbursed_vnd", "investment_disbursed"),
            ("state_support_pct", "state_support_pct"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = InfrastructureItem
        fields = []

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(cluster__code__icontains=word) | Q(cluster__name__icontains=word) | Q(description__icontains=word)
            )
        return queryset

    def filter_state(self, queryset, name, value):
        if value == STATE_DONE:
            return queryset.filter(actual_completion__isnull=False)
        if value == STATE_UNDERWAY:
            return queryset.filter(actual_completion__isnull=True)
        if value == STATE_OVERDUE:
            return queryset.filter(actual_completion__isnull=True, planned_completion__lt=timezone.localdate())
        return queryset

    def filter_supported(self, queryset, name, value):
        return queryset.filter(state_support_pct__gt=0) if value else queryset.filter(state_support_pct=0)
