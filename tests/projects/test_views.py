"""Project and investor pages: login, filters, sort, create/edit round trips, records, documents, query counts."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import CapitalReport, Document, Investor, Project, ScheduleAdjustment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("name", ["projects:list", "projects:create", "investors:list", "investors:create", "home"])
def test_pages_require_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_detail_requires_login(client, project):
    response = client.get(project.get_absolute_url())
    assert response.status_code == 302


def test_missing_project_is_a_404_page_in_the_site_style(staff_client, db):
    response = staff_client.get(reverse("projects:detail", args=[999999]))
    assert response.status_code == 404
    assert b"navbar" in response.content


def test_list_filters_by_text_status_cluster_and_capital(staff_client, make_project, make_cluster):
    other_cluster = make_cluster(name="Thanh Nông")
    make_project(code="DA-A", name="Nhà máy gạch", registered_capital_vnd=50 * 10**9)
    make_project(code="DA-B", name="Xưởng may", status=Project.Status.OPERATING, registered_capital_vnd=300 * 10**9)
    make_project(code="DA-C", name="Xưởng gỗ", cluster=other_cluster, registered_capital_vnd=120 * 10**9)

    def codes(query):
        response = staff_client.get(reverse("projects:list"), query)
        assert response.status_code == 200
        return [p.code for p in response.context["object_list"]]

    assert codes({}) == ["DA-A", "DA-B", "DA-C"]
    assert codes({"q": "xưởng"}) == ["DA-B", "DA-C"]
    assert codes({"status": "operating"}) == ["DA-B"]
    assert codes({"cluster": other_cluster.code}) == ["DA-C"]
    assert codes({"capital_min": "100", "capital_max": "200,5"}) == ["DA-C"]
    assert codes({"capital_min": "1.000"}) == []
    assert codes({"o": "-capital"}) == ["DA-B", "DA-C", "DA-A"]


def test_list_filters_by_commune_district_and_date_range(staff_client, make_project, commune, district):
    make_project(code="DA-A", irc_date=date(2024, 12, 31))
    make_project(code="DA-B", irc_date=date(2025, 1, 1))
    response = staff_client.get(
        reverse("projects:list"),
        {"commune": commune.pk, "former_district": district.pk, "irc_from": "01/01/2025", "irc_to": "31/12/2025"},
    )
    assert [p.code for p in response.context["object_list"]] == ["DA-B"]


def test_invalid_filter_is_reported_and_ignored(staff_client, make_project):
    make_project()
    response = staff_client.get(reverse("projects:list"), {"capital_min": "nhiều", "irc_from": "32/13/2024"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert len(response.context["object_list"]) == 1


def test_list_paginates_with_a_total_count_and_survives_a_bad_page(staff_client, make_cluster, make_project):
    big = make_cluster(industrial_land_ha=Decimal("1000"), total_area_ha=Decimal("1000"))
    for _ in range(30):
        make_project(cluster=big)
    response = staff_client.get(reverse("projects:list"), {"page": "2"})
    assert response.context["paginator"].count == 30
    assert len(response.context["object_list"]) == 5
    assert staff_client.get(reverse("projects:list"), {"page": "abc"}).status_code == 200
    assert staff_client.get(reverse("projects:list"), {"page": "99", "per_page": "7"}).status_code == 200


def test_empty_list_pages_render(staff_client, db):
    for name in ("projects:list", "investors:list", "clusters:list", "home"):
        response = staff_client.get(reverse(name))
        assert response.status_code == 200


def _query_count(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["projects:list", "investors:list", "clusters:list"])
def test_list_costs_the_same_queries_for_1_and_50_rows(staff_client, make_cluster, make_project, name, django_assert_num_queries):
    from projects.models import Investor

    big = make_cluster(industrial_land_ha=Decimal("1000"), total_area_ha=Decimal("1000"))
    make_project(cluster=big)
    url = reverse(name) + "?per_page=50"
    # session read, user, permissions (2), total count, rows, the filters' choice lists, and the session save that
    # pushes the idle expiry ahead (savepoint, update, release)
    expected = {"projects:list": 11, "investors:list": 9, "clusters:list": 11}[name]
    with django_assert_num_queries(expected):
        staff_client.get(url)
    for index in range(49):
        investor = Investor.objects.create(name=f"NĐT {index}", tax_code=f"{index:010d}")
        make_project(cluster=big, investor=investor)
        if name == "clusters:list":
            make_cluster()
    with django_assert_num_queries(expected):
        response = staff_client.get(url)
    assert len(response.context["object_list"]) == 50


def test_create_project_round_trip(staff_client, cluster, investor):
    data = {
        "code": "DA-NEW",
        "name": "Nhà máy mới",
        "cluster": cluster.code,
        "investor": investor.tax_code,
        "industry": "food",
        "registered_capital_vnd": "85,5",
        "land_area_ha": "2,5",
        "irc_number": "9876543210",
        "irc_date": "15/05/2024",
        "status": "registered",
        "workers": "0",
    }
    response = staff_client.post(reverse("projects:create"), data, follow=True)
    project = Project.objects.get(code="DA-NEW")
    assert project.registered_capital_vnd == 85_500_000_000
    assert project.land_area_ha == Decimal("2.5")
    assert project.irc_date == date(2024, 5, 15)
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    assert "DA-NEW" in str(list(response.context["messages"])[0])
    assert "85,5" in response.content.decode()
    assert project.history.first().history_user.username == "chuyenvien"


def test_create_project_with_an_error_keeps_everything_typed(staff_client, cluster, investor):
    data = {
        "code": "DA-NEW",
        "name": "Nhà máy mới",
        "cluster": cluster.code,
        "investor": investor.tax_code,
        "industry": "food",
        "registered_capital_vnd": "85,5",
        "land_area_ha": "999",
        "irc_date": "15/05/2024",
        "status": "registered",
        "workers": "0",
    }
    response = staff_client.post(reverse("projects:create"), data)
    assert response.status_code == 200
    assert not Project.objects.exists()
    html = response.content.decode()
    assert 'value="85,5"' in html and 'value="999"' in html and 'value="15/05/2024"' in html
    assert "land_area_ha" in response.context["form"].errors


def test_edit_project_round_trip(staff_client, project):
    url = reverse("projects:update", args=[project.pk])
    form = staff_client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data.update(name="Tên mới", registered_capital_vnd="1.234,5", irc_date="01/03/2024")
    data["land_area_ha"] = "1"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.name == "Tên mới"
    assert project.registered_capital_vnd == 1_234_500_000_000


def test_edit_missing_project_is_404(staff_client, db):
    assert staff_client.get(reverse("projects:update", args=[424242])).status_code == 404


def test_project_detail_shows_everything(staff_client, project):
    CapitalReport.objects.create(project=project, year=2025, period="H1", implemented_capital_vnd=12_500_000_000)
    response = staff_client.get(project.get_absolute_url())
    html = response.content.decode()
    assert project.name in html and "12,5" in html and project.cluster.name in html and project.investor.name in html


def test_capital_report_is_added_edited_and_deleted_from_the_project(staff_client, project):
    url = reverse("projects:record_create", args=[project.pk, "reports"])
    response = staff_client.post(url, {"year": "2025", "period": "Q1", "implemented_capital_vnd": "10"})
    assert response.status_code == 302
    report = project.capital_reports.get()
    assert report.implemented_capital_vnd == 10 * 10**9
    response = staff_client.post(url, {"year": "2025", "period": "Q1", "implemented_capital_vnd": "11"})
    assert response.status_code == 200  # the same period twice is refused with a message
    assert response.context["form"].errors
    edit = reverse("projects:record_update", args=[project.pk, "reports", report.pk])
    assert staff_client.post(edit, {"year": "2025", "period": "Q1", "implemented_capital_vnd": "12"}).status_code == 302
    report.refresh_from_db()
    assert report.implemented_capital_vnd == 12 * 10**9
    delete = reverse("projects:record_delete", args=[project.pk, "reports", report.pk])
    assert staff_client.get(delete).status_code == 200
    assert staff_client.post(delete).status_code == 302
    assert not project.capital_reports.exists()


def test_record_of_another_project_is_404(staff_client, make_project):
    first, second = make_project(), make_project()
    report = CapitalReport.objects.create(project=first, year=2025, period="Q1", implemented_capital_vnd=1)
    url = reverse("projects:record_update", args=[second.pk, "reports", report.pk])
    assert staff_client.get(url).status_code == 404
    assert staff_client.get(reverse("projects:record_create", args=[first.pk, "unknown"])).status_code == 404


def test_schedule_adjustment_moves_the_project_deadlines(staff_client, make_project):
    project = make_project(
        construction_start_deadline=date(2025, 1, 1),
        construction_completion_deadline=date(2025, 12, 1),
        operation_deadline=date(2026, 3, 1),
    )
    url = reverse("projects:record_create", args=[project.pk, "adjustments"])
    data = {
        "decision_number": "12/QĐ-SCT",
        "decision_date": "10/12/2024",
        "months_added": "6",
        "new_construction_start_deadline": "01/07/2025",
        "new_construction_completion_deadline": "01/06/2026",
        "new_operation_deadline": "01/09/2026",
        "reason": "Giải phóng mặt bằng chậm",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.construction_start_deadline == date(2025, 7, 1)
    assert project.operation_deadline == date(2026, 9, 1)


def test_schedule_adjustment_that_breaks_the_deadline_order_saves_nothing(staff_client, make_project):
    project = make_project(construction_start_deadline=date(2025, 1, 1), construction_completion_deadline=date(2025, 12, 1))
    url = reverse("projects:record_create", args=[project.pk, "adjustments"])
    data = {
        "decision_number": "13/QĐ-SCT",
        "decision_date": "10/12/2024",
        "months_added": "24",
        "new_construction_start_deadline": "01/01/2027",
        "reason": "Thử",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ScheduleAdjustment.objects.exists()
    project.refresh_from_db()
    assert project.construction_start_deadline == date(2025, 1, 1)


def test_pdf_upload_and_download(staff_client, project):
    url = reverse("projects:document_upload", args=[project.pk])
    upload = SimpleUploadedFile("quyết định.pdf", PDF, content_type="application/pdf")
    assert staff_client.post(url, {"title": "Quyết định chủ trương", "kind": "policy_approval", "file": upload}).status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.size_bytes == len(PDF)
    response = staff_client.get(reverse("projects:document_download", args=[project.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


def test_upload_refuses_a_file_that_only_pretends_to_be_a_pdf(staff_client, project):
    url = reverse("projects:document_upload", args=[project.pk])
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = staff_client.post(url, {"title": "Giả", "kind": "other", "file": fake})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "Giả"
    assert not Document.objects.exists()


def test_upload_refuses_a_file_over_the_size_cap(staff_client, project, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    url = reverse("projects:document_upload", args=[project.pk])
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = staff_client.post(url, {"title": "Lớn", "kind": "other", "file": big})
    assert "file" in response.context["form"].errors
    assert not Document.objects.exists()


def test_investor_create_and_edit_round_trip(staff_client, db):
    response = staff_client.post(
        reverse("investors:create"), {"name": "Công ty Mới", "tax_code": "0109999999-002", "country": "Việt Nam"}
    )
    investor = Investor.objects.get(tax_code="0109999999-002")
    assert response.url == investor.get_absolute_url()
    response = staff_client.post(
        reverse("investors:update", args=[investor.pk]),
        {"name": "Công ty Mới", "tax_code": "0109999999-002", "is_foreign": "on", "country": "Hàn Quốc", "version": 1},
    )
    investor.refresh_from_db()
    assert investor.is_foreign and investor.country == "Hàn Quốc"
    response = staff_client.post(reverse("investors:create"), {"name": "Trùng", "tax_code": "0109999999-002"})
    assert "tax_code" in response.context["form"].errors


def test_investor_list_filters(staff_client, db):
    Investor.objects.create(name="Hanbit Vina", tax_code="0100000004", is_foreign=True, country="Hàn Quốc")
    Investor.objects.create(name="Sông Đà", tax_code="0100000001")
    response = staff_client.get(reverse("investors:list"), {"is_foreign": "true"})
    assert [i.name for i in response.context["object_list"]] == ["Hanbit Vina"]
    response = staff_client.get(reverse("investors:list"), {"q": "0100000001"})
    assert [i.name for i in response.context["object_list"]] == ["Sông Đà"]
