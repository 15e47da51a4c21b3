"""The cluster map: the markers' GeoJSON (one point per cluster with coordinates, the occupancy figure of the
list), the page (the same clusters as a table, those without coordinates named), the list's filters and access
rules, and a policy that stays same-origin unless a tile server is configured."""
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.exports import occupancy_band
from clusters.models import Cluster, Commune


def _data(client, query=""):
    response = client.get(reverse("clusters:map_data") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def test_a_cluster_with_coordinates_is_a_point_in_longitude_latitude_order_with_the_lists_occupancy(
    staff_client, make_cluster, make_project
):
    located = make_cluster(
        name="Lương Sơn", latitude=Decimal("20.880123"), longitude=Decimal("105.525456"),
        industrial_land_ha=Decimal("44"),
    )
    make_project(cluster=located, land_area_ha=Decimal("9"))  # 9 / 44 ha = 20,45… %
    make_cluster(name="Chưa có tọa độ", latitude=None, longitude=None)

    data = _data(staff_client)

    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["id"] == located.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [105.525456, 20.880123]}
    properties = feature["properties"]
    assert properties["name"] == "Lương Sơn"
    assert properties["url"] == located.get_absolute_url()
    assert properties["occupancy_text"] == "20,5 %"
    assert properties["band"] == "low"
    assert properties["projects"] == 1
    assert properties["stage"] == "Đang hoạt động"
    # The list page shows the same figure for the same cluster.
    assert "20,5 %" in staff_client.get(reverse("clusters:list")).content.decode()


def test_a_cluster_with_only_one_coordinate_is_not_placed(staff_client, make_cluster):
    make_cluster(latitude=Decimal("20.8"), longitude=None)
    make_cluster(latitude=None, longitude=Decimal("105.4"))
    assert _data(staff_client)["features"] == []


@pytest.mark.parametrize(
    "occupancy, band",
    [
        (None, "none"),
        (Decimal("0"), "low"),
        (Decimal("49.99"), "low"),
        (Decimal("50"), "mid"),
        (Decimal("79.99"), "mid"),
        (Decimal("80"), "high"),
        (Decimal("100"), "high"),
        (Decimal("130"), "high"),  # more land leased than planned: still shown, in the top band
    ],
)
def test_the_occupancy_bands_split_at_50_and_80_per_cent(occupancy, band):
    assert occupancy_band(occupancy) == band


def test_a_cluster_without_industrial_land_says_so_in_words(staff_client, make_cluster):
    make_cluster(latitude=Decimal("20.8"), longitude=Decimal("105.4"), industrial_land_ha=None)
    properties = _data(staff_client)["features"][0]["properties"]
    assert properties["band"] == "none"
    assert properties["occupancy_text"] == "chưa ghi diện tích đất công nghiệp"


def test_the_map_follows_the_lists_filters(staff_client, make_cluster):
    make_cluster(name="Đang hoạt động", latitude=Decimal("20.8"), longitude=Decimal("105.4"))
    make_cluster(
        name="Quy hoạch", stage=Cluster.Stage.PLANNED, establishment_date=None,
        latitude=Decimal("20.7"), longitude=Decimal("105.3"),
    )
    names = [f["properties"]["name"] for f in _data(staff_client, "?stage=planned")["features"]]
    assert names == ["Quy hoạch"]
    page = staff_client.get(reverse("clusters:map") + "?stage=planned").content.decode()
    assert "Quy hoạch" in page and "Đang hoạt động</a>" not in page
    # The page hands its filters on to the markers' address.
    assert 'data-url="/clusters/map/data.geojson?stage=planned"' in page


def test_a_commune_officer_sees_only_their_communes_clusters(client, make_user, make_cluster, commune, district):
    other = Commune.objects.create(name="Kỳ Sơn", kind="ward", former_district=district)
    make_cluster(name="Cụm của xã", latitude=Decimal("20.8"), longitude=Decimal("105.4"))
    make_cluster(name="Cụm xã khác", commune=other, latitude=Decimal("20.9"), longitude=Decimal("105.5"))
    make_cluster(name="Cụm xã khác chưa định vị", commune=other)
    client.force_login(make_user("canbo", "commune_officer", communes=[commune]))

    assert [f["properties"]["name"] for f in _data(client)["features"]] == ["Cụm của xã"]
    page = client.get(reverse("clusters:map")).content.decode()
    assert "Cụm của xã" in page
    assert "Cụm xã khác" not in page


def test_the_page_lists_the_clusters_on_the_map_and_names_those_without_coordinates(staff_client, make_cluster):
    make_cluster(name="Có tọa độ", latitude=Decimal("20.8"), longitude=Decimal("105.4"))
    without = make_cluster(name="Không tọa độ")
    page = staff_client.get(reverse("clusters:map")).content.decode()
    assert "1 cụm trên bản đồ" in page
    assert "1 cụm chưa có tọa độ" in page
    assert f'href="{without.get_absolute_url()}">Không tọa độ</a>' in page
    assert "Chưa cấu hình bản đồ nền" in page  # no tile server by default, and the page says so


def test_an_empty_province_gives_an_empty_map_and_a_page_that_says_what_to_do(staff_client, db):
    assert _data(staff_client) == {"type": "FeatureCollection", "features": []}
    page = staff_client.get(reverse("clusters:map"))
    assert page.status_code == 200
    assert "Chưa có cụm nào có tọa độ" in page.content.decode()


def test_a_name_with_markup_goes_out_as_json_text_and_the_page_escapes_it(staff_client, make_cluster):
    make_cluster(name='<img src=x onerror="alert(1)">', latitude=Decimal("20.8"), longitude=Decimal("105.4"))
    assert _data(staff_client)["features"][0]["properties"]["name"] == '<img src=x onerror="alert(1)">'
    page = staff_client.get(reverse("clusters:map")).content.decode()
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x" in page


def test_the_markers_take_a_fixed_number_of_queries(staff_client, make_cluster, make_project):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _data(staff_client)
        return len(queries)

    first = make_cluster(latitude=Decimal("20.8"), longitude=Decimal("105.4"))
    make_project(cluster=first)
    few = count()
    for n in range(5):
        make_project(cluster=make_cluster(latitude=Decimal("20.7"), longitude=Decimal(f"105.{n}")))
    many = count()
    assert many == few, (few, many)
    # The session and the user, their permissions (user's and groups'), the clusters with their occupancy and project
    # counts in one query, and the session's idle-expiry update (a savepoint, the update, its release).
    assert few == 8, few


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    for name in ("clusters:map", "clusters:map_data"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _policy(**env_vars) -> dict:
    env = {**os.environ, **env_vars}
    code = "from django.conf import settings; import json; print(json.dumps(settings.CONTENT_SECURITY_POLICY))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tracker.settings'); django.setup(); {code}"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["DIRECTIVES"]


def test_the_policy_stays_same_origin_without_a_tile_server_or_with_one_on_this_site():
    assert _policy(MAP_TILE_URL="")["img-src"] == ["'self'", "data:"]
    assert _policy(MAP_TILE_URL="/tiles/{z}/{x}/{y}.png")["img-src"] == ["'self'", "data:"]


def test_a_tile_server_elsewhere_adds_only_its_origin_to_the_images():
    directives = _policy(MAP_TILE_URL="https://bando.example.gov.vn:8443/osm/{z}/{x}/{y}.png")
    assert directives["img-src"] == ["'self'", "data:", "https://bando.example.gov.vn:8443"]
    assert directives["script-src"] == ["'self'"] and directives["connect-src"] == ["'self'"]
