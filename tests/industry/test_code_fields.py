"""The industry app's cluster, project and investor fields and filters are typed as a code (issue 17): no list of
every record in the page, the record found among those the user may choose, what was typed kept on an error. These
tests run without JavaScript: the autocomplete (static/js/autocomplete.js) only helps to type the same code."""
from datetime import date

import pytest
from django.urls import reverse

from clusters.models import Commune
from industry.models import InfrastructureItem, Obstacle, Scheme

CLUSTER_UNKNOWN = "Không có cụm công nghiệp nào anh/chị được chọn mang mã này"
PROJECT_UNKNOWN = "Không có dự án nào anh/chị được chọn mang mã này"
INVESTOR_UNKNOWN = "Không có nhà đầu tư nào mang mã số thuế này"


@pytest.fixture
def world(make_cluster, make_project, make_user, district):
    """Commune A (the officer's) and commune B, each with a cluster and a project."""
    other = Commune.objects.create(name="Xã Khác", former_district=district)
    cluster_a = make_cluster(code="CCN-A", name="Cụm Đồng Tâm")
    cluster_b = make_cluster(code="CCN-B", name="Cụm Bờ Kia", commune=other)
    project_a = make_project(code="DA-A", name="Nhà máy gạch A", cluster=cluster_a)
    project_b = make_project(code="DA-B", name="Nhà máy gạch B", cluster=cluster_b)
    officer = make_user("canbo", "commune_officer", communes=[cluster_a.commune])
    return {"cluster": {"A": cluster_a, "B": cluster_b}, "project": {"A": project_a, "B": project_b}, "officer": officer}


def _obstacle(**values):
    data = {"title": "Chưa có đường vào", "kind": "land_clearance", "agency": "UBND xã", "raised_on": "10/01/2024",
            "status": "open", "cluster": "", "project": ""}
    data.update(values)
    return data


def test_the_obstacle_form_takes_the_project_and_cluster_codes(staff_client, world):
    url = reverse("industry:obstacle_create")
    page = staff_client.get(url).content.decode()
    for name in ("project", "cluster"):  # text boxes, not selects
        assert page.split(f'name="{name}"')[0].rsplit("<", 1)[-1].startswith("input type=\"text\"")
    assert "Nhà máy gạch B" not in page and 'data-autocomplete="/projects/autocomplete/"' in page
    response = staff_client.post(url, _obstacle(project=" da-b "))  # case and spaces do not matter
    assert response.status_code == 302, response.context["form"].errors
    obstacle = Obstacle.objects.get()
    assert obstacle.project == world["project"]["B"] and obstacle.cluster == world["cluster"]["B"]
    response = staff_client.post(url, _obstacle(title="Điện", cluster="CCN-A"))
    assert response.status_code == 302
    assert Obstacle.objects.get(title="Điện").cluster == world["cluster"]["A"]
    # The edit form shows the codes, and the project's label for the autocomplete to show.
    page = staff_client.get(reverse("industry:obstacle_update", args=[obstacle.pk])).content.decode()
    assert 'value="DA-B"' in page and 'value="CCN-B"' in page and "DA-B – Nhà máy gạch B" in page


def test_an_unknown_code_gives_the_message_and_keeps_what_was_typed(staff_client, world):
    url = reverse("industry:obstacle_create")
    response = staff_client.post(url, _obstacle(project="DA-KHONG-CO", cluster="CCN-ZZ"))
    assert response.status_code == 200 and not Obstacle.objects.exists()
    page = response.content.decode()
    assert PROJECT_UNKNOWN in page and CLUSTER_UNKNOWN in page
    assert 'value="DA-KHONG-CO"' in page and 'value="CCN-ZZ"' in page and 'value="Chưa có đường vào"' in page


def test_a_commune_officer_cannot_type_another_communes_code(client, world):
    client.force_login(world["officer"])
    url = reverse("industry:obstacle_create")
    response = client.post(url, _obstacle(project="DA-B"))
    page = response.content.decode()
    assert response.status_code == 200 and PROJECT_UNKNOWN in page and 'value="DA-B"' in page
    response = client.post(url, _obstacle(cluster="CCN-B"))
    page = response.content.decode()
    assert response.status_code == 200 and CLUSTER_UNKNOWN in page and 'value="CCN-B"' in page
    assert not Obstacle.objects.exists()
    # Opened from B's project page by its id: nothing is filled in (B's code is not even shown).
    page = client.get(url, {"project": world["project"]["B"].pk}).content.decode()
    assert "DA-B" not in page
    assert client.post(url, _obstacle(project="DA-A")).status_code == 302
    assert Obstacle.objects.get().cluster == world["cluster"]["A"]


def test_the_project_autocomplete_offers_only_the_users_projects(client, staff_client, world):
    found = staff_client.get("/projects/autocomplete/", {"q": "gach"}).json()["results"]
    assert {row["value"] for row in found} == {"DA-A", "DA-B"}
    assert staff_client.get("/projects/autocomplete/", {"q": "da-b"}).json()["results"][0] == {
        "value": "DA-B", "text": "DA-B – Nhà máy gạch B"}
    client.force_login(world["officer"])
    assert [row["value"] for row in client.get("/projects/autocomplete/", {"q": "gạch"}).json()["results"]] == ["DA-A"]
    assert client.get("/projects/autocomplete/", {"q": "DA-B"}).json()["results"] == []


def test_the_scheme_form_takes_the_investors_tax_code(staff_client, commune, investor):
    url = reverse("industry:scheme_create")
    data = {"year": "2024", "name": "Hỗ trợ máy chế biến chè", "kind": "equipment", "business_name": "",
            "investor": "0000000000", "commune": commune.pk, "province_budget_vnd": "0,35", "counterpart_vnd": "0",
            "approved_on": "15/03/2024", "status": "approved"}
    response = staff_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and INVESTOR_UNKNOWN in page and 'value="0000000000"' in page
    assert not Scheme.objects.exists()
    response = staff_client.post(url, {**data, "investor": investor.tax_code})
    assert response.status_code == 302, response.context["form"].errors
    assert Scheme.objects.get().investor == investor
    page = staff_client.get(reverse("industry:scheme_update", args=[Scheme.objects.get().pk])).content.decode()
    assert f'value="{investor.tax_code}"' in page and 'data-autocomplete="/investors/autocomplete/"' in page


@pytest.mark.parametrize("url", ["/industry/obstacles/", "/industry/infrastructure/"])
def test_the_lists_filter_by_the_clusters_code(client, staff_client, world, url):
    a, b = world["cluster"]["A"], world["cluster"]["B"]
    Obstacle.objects.create(title="Vướng A", kind="land_clearance", agency="UBND xã", raised_on=date(2024, 1, 10),
                            cluster=a)
    Obstacle.objects.create(title="Vướng B", kind="land_clearance", agency="UBND xã", raised_on=date(2024, 1, 10),
                            cluster=b)
    InfrastructureItem.objects.create(cluster=a, kind="roads")
    InfrastructureItem.objects.create(cluster=b, kind="roads")

    def clusters(response):
        return {row.cluster.code for row in response.context["object_list"]}

    page = staff_client.get(url).content.decode()
    assert "Cụm Bờ Kia" not in page.split("</form>")[0]  # no option per cluster in the filter form
    assert clusters(staff_client.get(url, {"cluster": "ccn-b"})) == {"CCN-B"}
    response = staff_client.get(url, {"cluster": "CCN-ZZ"})
    assert CLUSTER_UNKNOWN in response.content.decode() and 'value="CCN-ZZ"' in response.content.decode()
    # A commune officer: another commune's cluster is unknown, not a way to see its rows.
    client.force_login(world["officer"])
    assert clusters(client.get(url, {"cluster": "CCN-A"})) == {"CCN-A"}
    response = client.get(url, {"cluster": "CCN-B"})
    assert "cluster" in response.context["filter"].form.errors and clusters(response) == {"CCN-A"}
    assert CLUSTER_UNKNOWN in response.content.decode() and 'value="CCN-B"' in response.content.decode()


def test_the_cluster_pages_link_to_the_lists_by_code(staff_client, world):
    a = world["cluster"]["A"]
    assert "/industry/infrastructure/?cluster=CCN-A" in staff_client.get(
        reverse("industry:infrastructure_cluster", args=[a.pk])).content.decode()
    assert "/industry/obstacles/?cluster=CCN-A" in staff_client.get(a.get_absolute_url()).content.decode()
