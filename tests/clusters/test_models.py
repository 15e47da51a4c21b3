"""Cluster invariants, and occupancy derived from the projects."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters.models import Cluster, Commune, FormerDistrict
from clusters.selectors import cluster_queryset
from projects.models import Project


def test_database_refuses_negative_area(cluster):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cluster.objects.filter(pk=cluster.pk).update(total_area_ha=Decimal("-1"))


def test_industrial_land_cannot_exceed_total_area(make_cluster):
    with pytest.raises(ValidationError) as error:
        make_cluster(total_area_ha=Decimal("10"), industrial_land_ha=Decimal("10.5"))
    assert "__all__" in error.value.message_dict


def test_cluster_code_is_unique(make_cluster):
    make_cluster(code="CCN-X")
    with pytest.raises(ValidationError) as error:
        make_cluster(code="CCN-X")
    assert "code" in error.value.message_dict


def test_established_cluster_needs_its_decision_date(make_cluster):
    with pytest.raises(ValidationError) as error:
        make_cluster(stage=Cluster.Stage.ESTABLISHED, establishment_date=None)
    assert "establishment_date" in error.value.message_dict


def test_planned_cluster_needs_no_decision_date(make_cluster):
    assert make_cluster(stage=Cluster.Stage.PLANNED, establishment_date=None).pk


def test_compliant_wastewater_plant_must_be_built(make_cluster):
    with pytest.raises(ValidationError):
        make_cluster(wastewater_plant_built=False, wastewater_plant_compliant=True)


def test_commune_and_former_district_must_agree(make_cluster, commune):
    other = FormerDistrict.objects.create(name="Lạc Thủy")
    with pytest.raises(ValidationError) as error:
        make_cluster(commune=commune, former_district=other)
    assert "former_district" in error.value.message_dict


def test_occupancy_and_unleased_land_come_from_active_projects(cluster, make_project):
    make_project(land_area_ha=Decimal("10"))
    make_project(land_area_ha=Decimal("5"), status=Project.Status.OPERATING)
    make_project(land_area_ha=Decimal("20"), status=Project.Status.TERMINATED)  # its land went back to the cluster
    derived = cluster_queryset().get(pk=cluster.pk)
    assert derived.leased_ha == Decimal("15")
    assert derived.unleased_ha == Decimal("35")
    assert derived.occupancy_pct == Decimal("30")
    assert derived.project_count == 3


def test_cluster_without_projects_has_zero_occupancy(cluster):
    derived = cluster_queryset().get(pk=cluster.pk)
    assert derived.leased_ha == 0
    assert derived.occupancy_pct == 0


def test_cluster_without_industrial_land_has_no_occupancy(make_cluster):
    derived = cluster_queryset().get(pk=make_cluster(industrial_land_ha=None).pk)
    assert derived.occupancy_pct is None


def test_commune_str_names_its_kind(db):
    ward = Commune.objects.create(name="Kỳ Sơn", kind=Commune.Kind.WARD)
    assert str(ward).endswith("Kỳ Sơn")
