"""The cluster list's filters and sort orders."""
import django_filters
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Commune, FormerDistrict
from tracker.filters import BaseFilterSet, CodeChoiceFilter, SearchFilter, VNDateFilter


class ClusterFilter(BaseFilterSet):
    default_order = ("code",)

    q = SearchFilter(label=_("Search"))  # code, name, commune, developer, decision no. (Cluster.search_parts)
    commune = django_filters.ModelChoiceFilter(queryset=Commune.objects.order_by("name"), label=_("Commune or ward"))
    former_district = django_filters.ModelChoiceFilter(
        queryset=FormerDistrict.objects.order_by("name"), label=_("Former district")
    )
    stage = django_filters.ChoiceFilter(choices=Cluster.Stage.choices, label=_("Stage"))
    kind = django_filters.ChoiceFilter(choices=Cluster.Kind.choices, label=_("Kind"))
    # The plant as the cluster page and form 04 read it (its records first, the typed flag without them): the
    # annotation of clusters.selectors.cluster_queryset (clusters.reported).
    wastewater_plant_built = django_filters.BooleanFilter(field_name="reported_wastewater_built",
                                                          label=_("Wastewater plant built"))
    established_from = VNDateFilter(field_name="establishment_date", lookup_expr="gte", label=_("Established from"))
    established_to = VNDateFilter(field_name="establishment_date", lookup_expr="lte", label=_("Established to"))
    o = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("commune__name", "commune"),
            ("former_district__name", "former_district"),
            ("stage", "stage"),
            ("industrial_land_ha", "industrial_land_ha"),
            ("leased_ha", "leased_ha"),
            ("unleased_ha", "unleased_ha"),
            ("occupancy_order", "occupancy_pct"),  # the sort key of the figure occupancy_pct (clusters.selectors)
            ("project_count", "project_count"),
            ("establishment_date", "establishment_date"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Cluster
        fields = []


CLUSTER_CODE_UNKNOWN = _("No industrial cluster you may choose has this code. Type the cluster's code (for example "
                         "CCN-01) or pick the cluster from the list.")


def cluster_code_filter(field_name: str = "cluster"):
    """The cluster filter of a list: the cluster's code, found by code or name as one types."""
    return CodeChoiceFilter(
        field_name=field_name, queryset=Cluster.objects.order_by("name"), label=_("Industrial cluster"),
        code_field="code", url_name="clusters:autocomplete", invalid_message=CLUSTER_CODE_UNKNOWN,
    )
