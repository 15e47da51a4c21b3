"""Writes for clusters and administrative units."""
from django.db import transaction

from clusters.models import Cluster, Commune, FormerDistrict
from tracker.services import model_save


@transaction.atomic
def cluster_create(*, user=None, change_reason: str = "", **fields) -> Cluster:
    return model_save(Cluster(), fields=fields, user=user, change_reason=change_reason)


@transaction.atomic
def cluster_update(
    *, cluster: Cluster, user=None, change_reason: str = "", expected_version: int | None = None, **fields
) -> Cluster:
    return model_save(
        cluster, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version
    )


def former_district_get_or_create(*, name: str) -> FormerDistrict:
    district, _created = FormerDistrict.objects.get_or_create(name=name.strip())
    return district


def commune_get_or_create(*, name: str, kind: str = Commune.Kind.COMMUNE, former_district=None) -> Commune:
    commune, _created = Commune.objects.get_or_create(
        name=name.strip(), defaults={"kind": kind, "former_district": former_district}
    )
    return commune
