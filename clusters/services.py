"""Writes for clusters and administrative units, and the per-cluster summary of projects the dashboard reads."""
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce

from clusters.models import Cluster, ClusterSummary, Commune, FormerDistrict
from tracker.batching import Batch
from tracker.services import model_save


@transaction.atomic
def cluster_create(*, user=None, change_reason: str = "", **fields) -> Cluster:
    return model_save(Cluster(), fields=fields, user=user, change_reason=change_reason)


@transaction.atomic
def cluster_update(
    *, cluster: Cluster, user=None, change_reason: str = "", expected_version: int | None = None, **fields
) -> Cluster:
    cluster = model_save(
        cluster, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version
    )
    if "commune" in fields:
        cluster_deadlines_refresh(cluster)
    return cluster


def cluster_deadlines_refresh(cluster: Cluster) -> None:
    """Copy the cluster's commune onto the stored coming dates of its projects (`Deadline.commune`: what the
    coming-due list filters by, and a commune officer's scope) where it changed: one UPDATE. Call it inside the
    transaction of any write that may change a cluster's commune (cluster_update, the admin)."""
    from projects.models import Deadline  # projects depends on clusters, not the other way round

    Deadline.objects.filter(project__cluster_id=cluster.pk).exclude(commune_id=cluster.commune_id).update(
        commune_id=cluster.commune_id)


def former_district_get_or_create(*, name: str) -> FormerDistrict:
    district, _created = FormerDistrict.objects.get_or_create(name=name.strip())
    return district


def commune_get_or_create(*, name: str, kind: str = Commune.Kind.COMMUNE, former_district=None) -> Commune:
    commune, _created = Commune.objects.get_or_create(
        name=name.strip(), defaults={"kind": kind, "former_district": former_district}
    )
    return commune


_summaries = Batch("cluster_summaries")


def batched_summaries():
    """For bulk writes inside one transaction (an import): the summary of every cluster the writes touched is
    rebuilt once, at the end, instead of after each write. Nothing is rebuilt when the block fails."""
    return _summaries.collect(cluster_summary_refresh)


@transaction.atomic(savepoint=False)  # all or nothing with the write that calls it
def cluster_summary_refresh(cluster_ids: Iterable[int | None] | None = None) -> None:
    """Rebuild the project figures of these clusters (every cluster when None) from their projects.

    Call it inside the transaction of any write that changes a project's cluster, status, registered capital, land or
    implemented capital, after the write (the project services and the admin do); a bulk import may skip it per
    project and call it once for the clusters it touched. One cluster costs four short indexed queries. The clusters
    are locked first, in a fixed order: two writers of one cluster rebuild one after the other, and the later one
    sees the earlier one's committed projects, so the summary always ends equal to a recount."""
    from projects.models import Project  # projects depends on clusters, not the other way round

    if cluster_ids is not None and _summaries.note(pk for pk in cluster_ids if pk is not None):
        return

    clusters = Cluster.objects.order_by("pk")
    if cluster_ids is not None:
        clusters = clusters.filter(pk__in={pk for pk in cluster_ids if pk is not None})
    locked = list(clusters.select_for_update().values_list("pk", flat=True))
    summary, projects = ClusterSummary.objects.all(), Project.objects.order_by()
    if cluster_ids is not None:
        if not locked:
            return
        summary, projects = summary.filter(cluster_id__in=locked), projects.filter(cluster_id__in=locked)
    summary.delete()
    rows = projects.values("cluster_id", "status").annotate(
        projects=Count("pk"), registered_capital_vnd=Sum("registered_capital_vnd"), land_area_ha=Sum("land_area_ha"),
        implemented_capital_vnd=Coalesce(Sum("latest_implemented_vnd"), Value(0)),
    )
    ClusterSummary.objects.bulk_create((ClusterSummary(**row) for row in rows), batch_size=5000)
