"""The khuyến công scheme list's filters and sort orders."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Commune
from industry.models import Scheme
from tracker.filters import BaseFilterSet


class SchemeFilter(BaseFilterSet):
    default_order = ("-year", "name")

    q = django_filters.CharFilter(method="search", label=_("Search"))
    year = django_filters.NumberFilter(field_name="year", label=_("Plan year"))
    kind = django_filters.ChoiceFilter(choices=Scheme.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Scheme.Status.choices, label=_("Status"))
    commune = django_filters.ModelChoiceFilter(queryset=Commune.objects.order_by("name"), label=_("Commune or ward"))
    o = django_filters.OrderingFilter(
        fields=(
            ("year", "year"),
            ("name", "name"),
            ("kind", "kind"),
            ("commune__name", "commune"),
            ("province_budget_vnd", "province_budget"),
            ("counterpart_vnd", "counterpart"),
            ("approved_on", "approved_on"),
            ("status", "status"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Scheme
        fields = []

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(business_name__icontains=word) | Q(investor__name__icontains=word)
                | Q(decision_number__icontains=word) | Q(result__icontains=word)
            )
        return queryset
