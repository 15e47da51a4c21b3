"""The obstacle list's filters and sort orders; the dashboard links here with its filters in the URL."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.filters import cluster_code_filter
from clusters.models import Commune
from industry.models import Obstacle
from tracker.filters import BaseFilterSet, VNDateFilter


class ObstacleFilter(BaseFilterSet):
    default_order = ("-raised_on",)

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Obstacle.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Obstacle.Status.choices, label=_("Status"))
    unresolved = django_filters.BooleanFilter(method="filter_unresolved", label=_("Not yet resolved"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past the target date"))
    agency = django_filters.CharFilter(field_name="agency", label=_("Responsible agency"))  # exact: the dashboard links with the name
    commune = django_filters.ModelChoiceFilter(
        field_name="cluster__commune", queryset=Commune.objects.order_by("name"), label=_("Commune or ward")
    )
    cluster = cluster_code_filter()  # the cluster's code; offered only among the user's clusters (BaseFilterSet)
    raised_from = VNDateFilter(field_name="raised_on", lookup_expr="gte", label=_("Raised from"))
    raised_to = VNDateFilter(field_name="raised_on", lookup_expr="lte", label=_("Raised to"))
    o = django_filters.OrderingFilter(
        fields=(
            ("raised_on", "raised_on"),
            ("target_date", "target_date"),
            ("title", "title"),
            ("kind", "kind"),
            ("agency", "agency"),
            ("status", "status"),
            ("cluster__name", "cluster"),
            ("resolved_on", "resolved_on"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Obstacle
        fields = []

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(agency__icontains=word)
                | Q(project__code__icontains=word) | Q(project__name__icontains=word) | Q(cluster__name__icontains=word)
            )
        return queryset

    def filter_unresolved(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=Obstacle.UNRESOLVED)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=Obstacle.UNRESOLVED, target_date__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)
