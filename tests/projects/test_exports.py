"""Exports: exactly the list's filtered rows, every column, CSV with a BOM and xlsx; scoped to the user."""
import csv
import io
from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_project_csv_has_a_bom_the_filtered_rows_and_exact_money(staff_client, make_project):
    make_project(code="DA-A", name="Nhà máy chè Đồng Tâm", registered_capital_vnd=1_234_500_000_000, irc_date=date(2024, 12, 31))
    make_project(code="DA-B", name="Xưởng may", status="operating")
    response = staff_client.get(reverse("projects:export"), {"q": "chè", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    labels, keys, data = rows[0], rows[1], rows[2:]
    assert "Mã dự án" in labels and keys[0] == "project_code"
    assert [row[0] for row in data] == ["DA-A"]
    record = dict(zip(keys, data[0]))
    assert record["project_name"] == "Nhà máy chè Đồng Tâm"
    assert record["registered_capital_billion_vnd"] == "1234,5"  # a decimal comma: Excel in Vietnamese, and no 12.345 ambiguity
    assert record["irc_date"] == "31/12/2024"


def test_project_xlsx_matches_the_list(staff_client, make_project):
    for n in range(3):
        make_project(code=f"DA-{n}", land_area_ha=Decimal("2.5"))
    response = staff_client.get(reverse("projects:export"), {"format": "xlsx", "o": "-code"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    keys = rows[1]
    assert [row[0] for row in rows[2:]] == ["DA-2", "DA-1", "DA-0"]
    assert rows[2][keys.index("land_area_ha")] == 2.5


def test_every_list_exports(staff_client, make_project):
    make_project()
    for name in ("projects:export", "investors:export", "clusters:export", "watchlist:export"):
        for fmt in ("csv", "xlsx"):
            assert staff_client.get(reverse(name), {"format": fmt}).status_code == 200, (name, fmt)


def test_an_unknown_format_is_a_clear_400(staff_client, db):
    response = staff_client.get(reverse("projects:export"), {"format": "pdf"})
    assert response.status_code == 400 and "csv" in response.content.decode()


def test_a_commune_officer_exports_only_their_communes(make_user, make_project, make_cluster, commune):
    from clusters.models import Commune

    other = Commune.objects.create(name="Xã Khác", former_district=commune.former_district)
    make_project(code="DA-OWN")
    make_project(code="DA-OTHER", cluster=make_cluster(commune=other))
    client = Client()
    client.force_login(make_user("canbo", "commune_officer", communes=[commune]))
    rows = _csv_rows(client.get(reverse("projects:export"), {"format": "csv"}))
    assert [row[0] for row in rows[2:]] == ["DA-OWN"]


def test_the_export_costs_the_same_queries_for_few_and_many_rows(staff_client, make_project, make_cluster, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    big = make_cluster(industrial_land_ha=Decimal(1000), total_area_ha=Decimal(1000))
    make_project(cluster=big)
    with CaptureQueriesContext(connection) as few:
        b"".join(staff_client.get(reverse("projects:export"), {"format": "csv"}).streaming_content)
    for _ in range(40):
        make_project(cluster=big)
    with CaptureQueriesContext(connection) as many:
        b"".join(staff_client.get(reverse("projects:export"), {"format": "csv"}).streaming_content)
    assert len(many.captured_queries) == len(few.captured_queries)


def _xlsx_records(response):
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.iter_rows(values_only=True))
    return [dict(zip(rows[1], row)) for row in rows[2:]]


def test_choices_are_exported_as_the_labels_a_reader_knows_not_as_keys(staff_client, make_project, cluster):
    from clusters.models import Cluster

    Cluster.objects.filter(pk=cluster.pk).update(kind="craft_village", stage="operating")
    make_project(code="DA-F", industry="food", status="operating")
    for fmt, records in (("csv", lambda r: [dict(zip(rows[1], row)) for rows in [_csv_rows(r)] for row in rows[2:]]),
                         ("xlsx", _xlsx_records)):
        [project] = records(staff_client.get(reverse("projects:export"), {"format": fmt}))
        assert project["industry"] == "Chế biến thực phẩm, đồ uống" and project["status"] == "Đang hoạt động"
        [row] = records(staff_client.get(reverse("clusters:export"), {"format": fmt}))
        assert row["kind"] == "Làng nghề" and row["stage"] == "Đang hoạt động"
    # In English the labels are English; the import reads either language back (see test_imports.py).
    staff_client.post(reverse("set_language"), {"language": "en"})
    [project] = _xlsx_records(staff_client.get(reverse("projects:export"), {"format": "xlsx"}))
    assert project["industry"] == "Food and beverage processing" and project["status"] == "Operating"
