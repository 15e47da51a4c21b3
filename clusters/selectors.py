"""Reads for clusters: occupancy (tỷ lệ lấp đầy) and unleased land derived from the projects in one query."""
from decimal import Decimal

from django.db.models import (
    Case, Count, DecimalField, ExpressionWrapper, F, FloatField, OuterRef, Subquery, Sum, Value, When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.query import ModelIterable

from clusters import reported
from clusters.models import Cluster, Commune, FormerDistrict
from tracker.access import get_for_user, restrict

AREA = DecimalField(max_digits=14, decimal_places=4)


def _leased_subquery():
    from projects.models import Project  # projects depends on clusters, not the other way round

    return Subquery(
        Project.objects.filter(cluster=OuterRef("pk"))
        .exclude(status=Project.Status.TERMINATED)
        .order_by()
        .values("cluster")
        .annotate(total=Sum("land_area_ha"))
        .values("total"),
        output_field=AREA,
    )


def occupancy_pct(leased_ha, industrial_land_ha) -> Decimal | None:
    """Occupancy (tỷ lệ lấp đầy) in per cent: the industrial land leased or committed to the projects that are not
    terminated, over the industrial land of the approved plan; None when the plan records none (or 0 ha).

    The one place it is computed. The cluster list and page and their export (through cluster_queryset), the
    dashboard and the official reports all call it, in Python's exact decimals: a database division is not exact
    everywhere (SQLite divides two whole numbers of hectares as integers: 9 / 44 ha gave 20 %, not 20,45 %).
    """
    if not industrial_land_ha:
        return None
    return Decimal(leased_ha or 0) * 100 / Decimal(industrial_land_ha)


def _occupancy_order():
    """The list's sort key for occupancy: leased ÷ industrial land as a float, on both databases (a float division
    is never an integer one), so the rows sort as occupancy_pct() ranks them. Never shown: the figure is
    occupancy_pct()'s."""
    return Case(
        When(
            industrial_land_ha__gt=0,
            then=Cast(F("leased_ha"), FloatField()) / Cast(F("industrial_land_ha"), FloatField()),
        ),
        default=None,
        output_field=FloatField(),
    )


class _WithOccupancy(ModelIterable):
    """Each cluster as the database returns it, with occupancy_pct computed from its leased_ha annotation."""

    def __iter__(self):
        for cluster in super().__iter__():
            cluster.occupancy_pct = occupancy_pct(cluster.leased_ha, cluster.industrial_land_ha)
            yield cluster


def cluster_queryset():
    """Clusters with leased_ha, unleased_ha, occupancy_pct, project_count and the reported wastewater plant
    (reported_wastewater_built, reported_wastewater_compliant: clusters.reported), at a fixed number of queries.

    occupancy_pct is set on each cluster as it is loaded (occupancy_pct() above); occupancy_order is its sort key.
    """
    from projects.models import Project

    project_count = Subquery(
        Project.objects.filter(cluster=OuterRef("pk")).order_by().values("cluster").annotate(n=Count("pk")).values("n")
    )
    queryset = (
        Cluster.objects.select_related("commune", "former_district")
        .annotate(
            leased_ha=Coalesce(_leased_subquery(), Value(Decimal(0)), output_field=AREA),
            project_count=Coalesce(project_count, Value(0)),
        )
        .annotate(
            unleased_ha=ExpressionWrapper(F("industrial_land_ha") - F("leased_ha"), output_field=AREA),
            occupancy_order=_occupancy_order(),
            # reported_wastewater_built / _compliant: the answer of the cluster page and form 04 (clusters.reported)
            **reported.annotations(),
        )
    )
    # Django has no public hook to compute a value on each object it loads; the iterable class is kept by every
    # filter, order, slice, get() and iterator() made from this queryset (values() replaces it, as it should).
    queryset._iterable_class = _WithOccupancy
    return queryset


def cluster_list(*, filters=None, user):
    from clusters.filters import ClusterFilter

    return ClusterFilter(filters, queryset=restrict(cluster_queryset(), user, "view"), user=user)


def cluster_get(*, pk, user, action: str = "view") -> Cluster:
    return get_for_user(cluster_queryset(), user, action, pk=pk)


def commune_choices():
    return Commune.objects.select_related("former_district").order_by("name")


def former_district_choices():
    return FormerDistrict.objects.order_by("name")


def cluster_choices():
    return Cluster.objects.exclude(stage=Cluster.Stage.DISSOLVED).select_related("commune").order_by("name")


def cluster_status_counts(cluster: Cluster) -> list[dict]:
    """Projects of one cluster by status (the cluster is already checked for the user)."""
    from projects.models import Project

    rows = Project.objects.filter(cluster=cluster).order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return [
        {"status": value, "label": label, "n": counts[value]} for value, label in Project.Status.choices if value in counts
    ]

