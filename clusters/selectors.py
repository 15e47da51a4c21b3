"""Reads for clusters: occupancy (tỷ lệ lấp đầy) and unleased land derived from the projects in one query."""
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

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


def cluster_queryset():
    """Clusters with leased_ha, unleased_ha, occupancy_pct and project_count, at a fixed number of queries."""
    from projects.models import Project

    project_count = Subquery(
        Project.objects.filter(cluster=OuterRef("pk")).order_by().values("cluster").annotate(n=Count("pk")).values("n")
    )
    return (
        Cluster.objects.select_related("commune", "former_district")
        .annotate(
            leased_ha=Coalesce(_leased_subquery(), Value(Decimal(0)), output_field=AREA),
            project_count=Coalesce(project_count, Value(0)),
        )
        .annotate(
            unleased_ha=ExpressionWrapper(F("industrial_land_ha") - F("leased_ha"), output_field=AREA),
            occupancy_pct=Case(
                When(
                    industrial_land_ha__gt=0,
                    then=ExpressionWrapper(F("leased_ha") * 100 / F("industrial_land_ha"), output_field=AREA),
                ),
                default=None,
                output_field=AREA,
            ),
        )
    )


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

