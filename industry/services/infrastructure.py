"""Writes for cluster infrastructure: create, edit and delete an item, each validated whole (the 30 % cap of
Decree 32/2024 Art. 26 included) and versioned with its history."""
from django.core.exceptions import ValidationError
from django.db import transaction

from clusters.models import Cluster
from industry.models.infrastructure import InfrastructureItem, support_cap_error
from tracker.services import model_save


def _lock_cluster(cluster_id: int) -> None:
    """The cap is on the cluster's total: two writers of one cluster's items check it one after the other."""
    list(Cluster.objects.select_for_update().filter(pk=cluster_id).values_list("pk", flat=True))


@transaction.atomic
def infrastructure_item_create(*, cluster: Cluster, user=None, change_reason: str = "", **fields) -> InfrastructureItem:
    _lock_cluster(cluster.pk)
    return model_save(InfrastructureItem(cluster=cluster), fields=fields, user=user, change_reason=change_reason)


@transaction.atomic
def infrastructure_item_update(
    *, item: InfrastructureItem, user=None, change_reason: str = "", expected_version: int | None = None, **fields
) -> InfrastructureItem:
    fields.pop("cluster", None)  # an item stays with its cluster
    _lock_cluster(item.cluster_id)
    return model_save(item, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version)


@transaction.atomic
def infrastructure_item_delete(*, item: InfrastructureItem, user=None, change_reason: str = "") -> None:
    """Delete an item, unless the cluster's other items would then be supported over the cap (removing a work the
    State does not support makes the others a larger share of a smaller total)."""
    _lock_cluster(item.cluster_id)
    rest = InfrastructureItem.objects.filter(cluster_id=item.cluster_id).exclude(pk=item.pk)
    error = support_cap_error(list(rest.values_list("investment_planned_vnd", "state_support_pct")))
    if error:
        raise ValidationError(error)
    if user is not None and getattr(user, "is_authenticated", False):
        item._history_user = user
    if change_reason:
        item._change_reason = change_reason[:100]
    item.delete()


def demo_infrastructure_load(clusters) -> int:
    """Sample items for the demo's clusters (marked sample): an operating cluster's works done, a planned one's
    planned; one cluster with its wastewater plant still being built. Returns how many were created."""
    from datetime import date

    from tracker.numbers import billions_to_vnd

    created = 0
    kinds = list(InfrastructureItem.Kind)
    for n, cluster in enumerate(sorted(clusters, key=lambda c: c.code)):
        if InfrastructureItem.objects.filter(cluster=cluster).exists():
            continue
        established = cluster.establishment_date
        for k, kind in enumerate(kinds):
            planned = (n * 7 + k * 5) % 40 + 8  # 8 to 47 tỷ đồng, the same on every run
            planned_vnd = billions_to_vnd(planned)
            done = established is not None and not (kind == InfrastructureItem.Kind.WASTEWATER and n % 3 == 1)
            year = (established.year + 2) if established else 2027
            item = InfrastructureItem(
                cluster=cluster,
                kind=kind,
                description="[MẪU]",
                planned_completion=date(year, 6, 30),
                actual_completion=date(year, 6 + k % 6, 15) if done else None,
                standards_met_on=date(year, 12, 1) if done and kind == InfrastructureItem.Kind.WASTEWATER else None,
                investment_planned_vnd=planned_vnd,
                investment_disbursed_vnd=planned_vnd if done else billions_to_vnd(planned // 3),
                state_support_pct=30 if kind == InfrastructureItem.Kind.WASTEWATER else 20,
                is_sample=True,
                notes="Số liệu mẫu, không phải số liệu chính thức.",
            )
            item.full_clean()
            item.save()
            created += 1
    return created
