"""The infrastructure pages: the province-wide list (filters, sort, pages, export, fixed query count), the cluster's
page, the commune officer's scope, the dashboard link, and pages that hold up on empty data."""
import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusters.models import Commune
from industry.models import InfrastructureItem
from industry.services.infrastructure import infrastructure_item_create

B = 10**9


def _item(cluster, kind="roads", **fields):
    fields.setdefault("investment_planned_vnd", 10 * B)
    return infrastructure_item_create(cluster=cluster, kind=kind, **fields)


@pytest.fixture
def two_communes(make_cluster, district):
    other = Commune.objects.create(name="Cao Phong", former_district=district)
    a = make_cluster(code="CCN-A", name="Cụm A")
    b = make_cluster(code="CCN-B", name="Cụm B", commune=other)
    return a, b


def test_the_empty_list_and_the_empty_cluster_page_hold_up(staff_client, cluster):
    html = staff_client.get("/industry/infrastructure/").content.decode()
    assert "Chưa có hạng mục hạ tầng nào được ghi nhận." in html
    page = staff_client.get(f"/industry/infrastructure/cluster/{cluster.pk}/")
    assert page.status_code == 200
    assert "Cụm chưa có hạng mục hạ tầng nào được ghi nhận." in page.content.decode()
    assert page.context["check"]["status"] == "not_yet"


def test_the_list_filters_sorts_and_keeps_the_filters_in_the_url(staff_client, two_communes):
    a, b = two_communes
    today = timezone.localdate()
    late = _item(a, "roads", planned_completion=today - timedelta(days=1))
    done = _item(a, "wastewater", planned_completion=today - timedelta(days=30), actual_completion=today,
                 investment_planned_vnd=50 * B, state_support_pct=Decimal(30))
    due = _item(b, "power", planned_completion=today)  # due today: not yet late

    def rows(**params):
        return [item.pk for item in staff_client.get("/industry/infrastructure/", params).context["object_list"]]

    assert rows(state="overdue") == [late.pk]
    assert rows(state="done") == [done.pk]
    assert set(rows(state="underway")) == {late.pk, due.pk}
    assert rows(cluster=b.code) == [due.pk]
    assert rows(commune=a.commune_id, kind="wastewater") == [done.pk]
    assert rows(supported="true") == [done.pk]
    assert rows(q="cụm b") == [due.pk]
    assert rows(o="-investment_planned")[0] == done.pk
    assert rows(planned_from=today.strftime("%d/%m/%Y")) == [due.pk]
    response = staff_client.get("/industry/infrastructure/", {"state": "overdue"})
    assert "state=overdue" in response.content.decode()  # the export and the sort links keep the filter
    bad = staff_client.get("/industry/infrastructure/", {"planned_from": "31/02/2024"})
    assert bad.status_code == 200 and "planned_from" in bad.context["filter"].form.errors


def test_the_list_pages(staff_client, cluster):
    for n in range(30):
        _item(cluster, "roads", description=f"Đoạn {n}")
    first = staff_client.get("/industry/infrastructure/")
    assert len(first.context["object_list"]) == 25
    assert len(staff_client.get("/industry/infrastructure/", {"page": 2}).context["object_list"]) == 5


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_the_cluster_page_cost_a_fixed_number_of_queries(staff_client, make_cluster):
    cluster = make_cluster(code="CCN-Q", name="Cụm đếm")
    _item(cluster)
    cluster_page = f"/industry/infrastructure/cluster/{cluster.pk}/"
    detail = f"/clusters/{cluster.pk}/"
    counts = (_queries(staff_client, "/industry/infrastructure/"), _queries(staff_client, cluster_page),
              _queries(staff_client, detail))
    for n in range(20):
        other = make_cluster(code=f"CCN-Q{n}", name=f"Cụm {n}")
        _item(other, "power")
        _item(cluster, "drainage", description=str(n))
    assert (_queries(staff_client, "/industry/infrastructure/"), _queries(staff_client, cluster_page),
            _queries(staff_client, detail)) == counts


def test_the_export_is_the_filtered_list(staff_client, two_communes):
    a, b = two_communes
    _item(a, "wastewater", description="Trạm 1", investment_planned_vnd=45_500_000_000,
          state_support_pct=Decimal("12.5"), planned_completion=date(2025, 6, 30))
    _item(b, "roads")
    response = staff_client.get("/industry/infrastructure/export/", {"format": "csv", "cluster": a.code})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[1][:5] == ["cluster_code", "cluster_name", "commune", "former_district", "kind"]
    assert len(lines) == 3  # the headers, the keys, commune A's one item
    row = dict(zip(lines[1], lines[2]))
    assert row["cluster_code"] == "CCN-A" and row["kind"] == "Trạm xử lý nước thải tập trung"
    assert row["investment_planned_vnd"] == "45500000000" and row["state_support_pct"] == "12,50"
    assert row["planned_completion"] == "30/06/2025"
    xlsx = staff_client.get("/industry/infrastructure/export/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')


def test_a_commune_officer_sees_and_edits_only_their_communes(client, make_user, two_communes):
    a, b = two_communes
    mine, theirs = _item(a), _item(b)
    client.force_login(make_user("canbo", "commune_officer", communes=[a.commune]))
    assert [i.pk for i in client.get("/industry/infrastructure/").context["object_list"]] == [mine.pk]
    assert client.get(f"/industry/infrastructure/cluster/{b.pk}/").status_code == 404
    assert client.get(f"/industry/infrastructure/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/industry/infrastructure/cluster/{b.pk}/new/", {"kind": "roads"}).status_code == 404
    assert client.get(f"/industry/infrastructure/{mine.pk}/edit/").status_code == 200
    assert client.get(f"/industry/infrastructure/{mine.pk}/delete/").status_code == 403  # officers do not delete
    # Commune B's cluster is not even a choice of the list's filter.
    response = client.get("/industry/infrastructure/", {"cluster": b.code})
    assert "cluster" in response.context["filter"].form.errors
    export = client.get("/industry/infrastructure/export/", {"format": "csv"})
    assert "CCN-B" not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_a_viewer_reads_but_has_no_buttons(client, make_user, cluster):
    item = _item(cluster)
    client.force_login(make_user("xem", "viewer"))
    page = client.get(f"/industry/infrastructure/cluster/{cluster.pk}/")
    assert page.status_code == 200 and not page.context["can_add"] and not page.context["can_change"]
    assert f"/industry/infrastructure/{item.pk}/edit/" not in page.content.decode()
    assert client.get(f"/industry/infrastructure/{item.pk}/edit/").status_code == 403


def test_the_dashboard_and_the_cluster_page_link_to_the_infrastructure(staff_client, cluster):
    assert 'href="/industry/infrastructure/"' in staff_client.get("/").content.decode()
    html = staff_client.get(f"/clusters/{cluster.pk}/").content.decode()
    assert f'href="/industry/infrastructure/cluster/{cluster.pk}/"' in html


def test_the_pages_read_in_vietnamese(staff_client, cluster):
    _item(cluster, "wastewater", state_support_pct=Decimal(30), planned_completion=date(2030, 1, 1))
    for url in ("/industry/infrastructure/", f"/industry/infrastructure/cluster/{cluster.pk}/",
                f"/industry/infrastructure/cluster/{cluster.pk}/new/"):
        html = staff_client.get(url).content.decode()
        text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html.split("<body", 1)[1], flags=re.S)  # what one reads
        for english in ("Infrastructure", "Wastewater", "State support", "Planned", "wastewater", "not_yet", "roads"):
            assert english not in text, (url, english)
