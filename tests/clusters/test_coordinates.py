"""The cluster form's latitude and longitude at their limits (issue 13, point 7): the limit itself is kept, a hair
beyond it gets a Vietnamese message beside the field, never a 500 (−91 used to raise KeyError: 'limit')."""
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import Cluster

INSIDE = [
    ("latitude", "-90", Decimal("-90")), ("latitude", "90", Decimal("90")), ("latitude", "0", Decimal("0")),
    ("latitude", "-89,999999", Decimal("-89.999999")), ("latitude", "20,8171", Decimal("20.8171")),
    ("longitude", "-180", Decimal("-180")), ("longitude", "180", Decimal("180")),
    ("longitude", "179,999999", Decimal("179.999999")), ("longitude", "105,3383", Decimal("105.3383")),
]
OUTSIDE = [
    ("latitude", "-90,0001", "Nhập số lớn hơn hoặc bằng -90."),
    ("latitude", "-90,000001", "Nhập số lớn hơn hoặc bằng -90."),
    ("latitude", "-91", "Nhập số lớn hơn hoặc bằng -90."),
    ("latitude", "90,0001", "Nhập số nhỏ hơn hoặc bằng 90."),
    ("latitude", "91", "Nhập số nhỏ hơn hoặc bằng 90."),
    ("longitude", "-180,0001", "Nhập số lớn hơn hoặc bằng -180."),
    ("longitude", "-181", "Nhập số lớn hơn hoặc bằng -180."),
    ("longitude", "180,000001", "Nhập số nhỏ hơn hoặc bằng 180."),
    ("longitude", "181", "Nhập số nhỏ hơn hoặc bằng 180."),
    ("longitude", "-1000", "Nhập số lớn hơn hoặc bằng -180."),
]


def _data(commune, district, **values):
    data = {"code": "CCN-TD-01", "name": "Cụm toạ độ", "commune": commune.pk, "former_district": district.pk,
            "kind": "general", "stage": "planned", "total_area_ha": "74,5", "industrial_land_ha": "50"}
    data.update(values)
    return data


@pytest.mark.parametrize(("field", "typed", "stored"), INSIDE)
def test_a_coordinate_within_its_limits_is_saved(staff_client, commune, district, field, typed, stored):
    response = staff_client.post(reverse("clusters:create"), _data(commune, district, **{field: typed}))
    assert response.status_code == 302, response.context["form"].errors
    assert getattr(Cluster.objects.get(code="CCN-TD-01"), field) == stored


@pytest.mark.parametrize(("field", "typed", "message"), OUTSIDE)
def test_a_coordinate_beyond_its_limits_is_refused_beside_its_field(staff_client, commune, district, field, typed, message):
    response = staff_client.post(reverse("clusters:create"), _data(commune, district, **{field: typed}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert typed in response.content.decode()  # what was typed is shown back, nothing lost
    assert not Cluster.objects.filter(code="CCN-TD-01").exists()


def test_editing_a_cluster_to_a_latitude_beyond_the_pole_keeps_the_old_one(staff_client, cluster, commune, district):
    data = _data(commune, district, code=cluster.code, name=cluster.name, latitude="-91", longitude="105",
                 version=cluster.version)
    response = staff_client.post(reverse("clusters:update", args=[cluster.pk]), data)
    assert response.status_code == 200 and "latitude" in response.context["form"].errors
    cluster.refresh_from_db()
    assert cluster.latitude is None and cluster.longitude is None


def test_a_models_own_limit_behind_a_field_without_one_gives_the_models_message_not_a_500(staff_user, commune, district):
    """The cause of the 500: a ModelForm puts the field's message of the same code over the model's error, and the
    field's message wanted a parameter the model's error does not carry."""
    from clusters.forms import ClusterForm

    form = ClusterForm(data=_data(commune, district, latitude="-91"), user=staff_user)
    form.fields["latitude"].min_value = None  # only the model's MinValueValidator(-90) is left to refuse it
    assert not form.is_valid()
    assert form.errors["latitude"] == ["Giá trị này phải lớn hơn hoặc bằng -90."]
