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
