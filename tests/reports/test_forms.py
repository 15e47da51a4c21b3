"""Form 04 (the province) and form 03 (one commune) of Circular 14/2024/TT-BCT, against the small province of
conftest.py counted by hand; the xlsx laid out like the form; bad parameters; the page's query count."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.utils import timezone
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tracker.reports.indicators import ROWS, cutoff_date, form_figures, latest_period

H1_2024 = date(2024, 6, 14)
YEAR_2024 = date(2024, 12, 14)


def test_there_are_27_numbered_indicators():
    assert len(ROWS) == 27 and len({key for _group, key, _label, _unit in ROWS}) == 27


def test_the_cut_off_dates_are_14_june_and_14_december():
    assert cutoff_date(2024, "h1") == H1_2024 and cutoff_date(2024, "year") == YEAR_2024
    assert latest_period(date(2025, 6, 13)) == (2024, "year")
    assert latest_period(date(2025, 6, 14)) == (2025, "h1")
    assert latest_period(date(2025, 12, 14)) == (2025, "year")


def test_form_04_half_year_figures_counted_by_hand(province):
    figures = form_figures(cutoff=H1_2024)
    expected = {
        # Clusters: C5 is dissolved and counts nowhere. In the plan: C1, C2, C3, C4; areas 74,5 + 40 + 20 + 60.
        "planned": 4,
        "planned_area": Decimal("194.5"),
        # Established by 14/06: C1 (2015) and C2 (established on 14/06 itself); C3 (15/06) is not.
        "established": 2,
        "established_area": Decimal("114.5"),  # 74,5 + 40
        "established_industrial": Decimal(80),  # 50 + 30
        "detailed_plan": 1,  # C1 (2016); C2's plan is dated 01/07/2024, after the cut-off
        "infrastructure": 1,  # C2
        "operating": 1,  # C1
        "operating_area": Decimal("74.5"),
        "with_developer": 1,  # C1
        "infra_approved": Decimal(300),  # 200 (C1) + 100 (C2)
        "infra_paid": Decimal(150),  # C1 only
        # Projects counted: P1, P2 (certified on 14/06), P4 (policy approval 01/02), P6 (terminated only on 01/09),
        # P7. Not P3 (certified on 15/06), not P5 (terminated on 01/03).
        "projects": 5,
        "capital": Decimal(265),  # 100 + 50 + 40 + 60 + 15
        "implemented": Decimal(120),  # latest report by 14/06: P1 Q1 80, P4 Q1 10, P6 Q1 30 (P1's H1 ends 30/06)
        "foreign": 2,  # P2, P6
        "foreign_capital": Decimal(110),  # 50 + 60
        "operating_projects": 1,  # P1 (operating since 01/12/2023)
        "construction_projects": 2,  # P4 (started 01/05/2024), P6 (started 2021, never operating)
        # Land in the established clusters: C1 holds P1 10 + P2 5 = 15, C2 holds P4 6 + P6 7 = 13 (P7's C3 is not
        # established yet).
        "leased": Decimal(28),
        "unleased": Decimal(52),  # C1 50 − 15 = 35, C2 30 − 13 = 17
        "occupancy": Decimal("36.67"),  # (15/50 = 30 % + 13/30 = 43,33 %) / 2
        "revenue": Decimal(25),  # 2024 reports by 14/06: P1 Q1 20 + P6 Q1 5 (P1's 2023 report is another year)
        "budget": Decimal(3),  # P1 Q1 2 + P6 Q1 1
        "workers": 83,  # reported: P1 60, P6 8; from the project: P2 0, P4 12, P7 3
        "wastewater_built": 2,  # C1, C2 (C5's plant is in a dissolved cluster)
        "wastewater_compliant": 1,  # C1
    }
    assert figures == expected


def test_form_04_year_figures_move_with_the_cut_off(province):
    figures = form_figures(cutoff=YEAR_2024)
    # By 14/12: P3 is certified and P6 terminated (01/09); C3 established; C2's detailed plan approved.
    assert figures["projects"] == 5  # P1, P2, P3, P4, P7
    assert figures["established"] == 3 and figures["detailed_plan"] == 2
    # P1's 2024 revenue: the H1 report (50) covers its Q1 (20), plus Q3 (30); P6 is no longer counted.
    assert figures["revenue"] == Decimal(80) and figures["budget"] == Decimal(7)
    assert figures["implemented"] == Decimal(105)  # P1's latest (Q3) 95 + P4 10


def test_form_03_counts_only_the_commune(province):
    b = form_figures(cutoff=H1_2024, commune=province["B"])
    assert (b["planned"], b["planned_area"], b["established"]) == (2, Decimal(80), 0)  # C3, C4
    assert (b["projects"], b["capital"], b["workers"], b["leased"]) == (1, Decimal(15), 3, Decimal(0))  # P7
    assert b["occupancy"] is None and b["revenue"] is None and b["implemented"] == Decimal(0)
    a = form_figures(cutoff=H1_2024, commune=province["A"])
    assert (a["planned"], a["established"], a["projects"], a["leased"]) == (2, 2, 4, Decimal(28))


def test_empty_data_gives_zeros_and_blanks(db):
    figures = form_figures(cutoff=H1_2024)
    assert figures["planned"] == 0 and figures["projects"] == 0 and figures["occupancy"] is None
    assert figures["revenue"] is None and figures["leased"] == Decimal(0)


def test_form_04_page_shows_the_figures(staff_client, province):
    response = staff_client.get("/reports/form-04/", {"year": 2024, "period": "h1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mẫu số 04" in html and "14/2024/TT-BCT" in html and "14/06/2024" in html
    assert "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ" in html
    assert '<tr data-key="occupancy"><td class="text-center">15</td>' in html
    assert "36,67" in html and "194,5" in html


def test_form_04_xlsx_is_laid_out_like_the_form(staff_client, province):
    response = staff_client.get("/reports/form-04/xlsx/", {"year": 2024, "period": "h1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mau-04-2024-h1.xlsx"')
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    text = "\n".join(str(value) for row in cells for value in row if value is not None)
    for expected in ("Mẫu số 04", "Thông tư số 14/2024/TT-BCT", "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "SỞ CÔNG THƯƠNG",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                     "6 tháng đầu năm 2024", "14/06/2024", "Kính gửi: Bộ Công Thương", "GIÁM ĐỐC"):
        assert expected in text, expected
    by_number = {row[0]: row for row in cells if row and isinstance(row[0], str) and row[0].isdigit()}
    assert len(by_number) == 27
    assert by_number["1"][1:4] == ("Số cụm công nghiệp trong quy hoạch của tỉnh", "cụm", 4)
    assert by_number["15"][2:4] == ("%", pytest.approx(36.67))  # Excel keeps numbers as doubles
    assert by_number["16"][2:4] == ("dự án", 5)
    assert by_number["17"][2:4] == ("tỷ đồng", Decimal(265))
    assert by_number["25"][2:4] == ("người", 83)


def test_the_xlsx_is_vietnamese_even_for_a_user_reading_english(staff_client, province):
    staff_client.post("/language/", {"language": "en"})
    page = staff_client.get("/reports/form-04/", {"year": 2024, "period": "h1"}).content.decode()
    assert "Form No. 04" in page
    response = staff_client.get("/reports/form-04/xlsx/", {"year": 2024, "period": "h1"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert "Mẫu số 04" in [value for row in sheet.iter_rows(values_only=True) for value in row]


def test_form_03_xlsx_names_the_commune(staff_client, province):
    commune = province["B"]
    response = staff_client.get(f"/reports/form-03/{commune.pk}/xlsx/", {"year": 2024, "period": "year"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert "Mẫu số 03" in text and "ỦY BAN NHÂN DÂN XÃ CAO PHONG" in text and "Kỳ báo cáo: Năm 2024" in text
    assert "14/12/2024" in text and "CHỦ TỊCH" in text


def test_a_commune_officer_gets_form_03_of_their_commune_only(client, make_user, province):
    officer = make_user("canboxa", "commune_officer", communes=[province["A"]])
    client.force_login(officer)
    assert client.get(f"/reports/form-03/{province['A'].pk}/", {"year": 2024, "period": "h1"}).status_code == 200
    assert client.get(f"/reports/form-03/{province['B'].pk}/", {"year": 2024, "period": "h1"}).status_code == 404
    assert client.get(f"/reports/form-03/{province['B'].pk}/xlsx/").status_code == 404
    assert client.get("/reports/form-04/").status_code == 403  # the province's figures are not theirs
    index = client.get("/reports/").content.decode()
    assert "Cao Phong" not in index and f"/reports/form-03/{province['A'].pk}/" in index
    assert "/reports/form-04/" not in index


@pytest.mark.parametrize("params", [
    {"year": "abc", "period": "h1"}, {"year": "1999", "period": "h1"}, {"year": "2999", "period": "year"},
    {"year": "2024", "period": "q3"}, {"year": "2024"}, {"year": "99999999999999999999", "period": "h1"},
])
def test_bad_parameters_get_a_clear_message(staff_client, province, params):
    for url in ("/reports/form-04/", "/reports/form-04/xlsx/", f"/reports/form-03/{province['A'].pk}/xlsx/"):
        response = staff_client.get(url, params)
        assert response.status_code == 400, (url, params)
        assert response["Content-Type"].startswith("text/html")
        assert "invalid-feedback" in response.content.decode()


def test_an_unknown_commune_is_404(staff_client, db):
    assert staff_client.get("/reports/form-03/999999/").status_code == 404


def test_empty_data_renders_the_page_and_the_file(staff_client):
    assert staff_client.get("/reports/").status_code == 200
    response = staff_client.get("/reports/form-04/", {"year": 2024, "period": "year"})
    assert response.status_code == 200 and "Mẫu số 04" in response.content.decode()
    response = staff_client.get("/reports/form-04/xlsx/", {"year": 2024, "period": "year"})
    assert response.status_code == 200


def test_without_parameters_the_last_cut_off_passed_is_shown(staff_client, db):
    response = staff_client.get("/reports/form-04/")
    assert response.status_code == 200
    year, period = latest_period(timezone.localdate())
    assert response.context["year"] == year and response.context["period"] == period


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"year": 2024, "period": "year"}).status_code == 200
    return len(queries)


def test_the_report_pages_cost_a_fixed_number_of_queries(staff_client, province, make_cluster, make_project):
    form04, form03 = _queries(staff_client, "/reports/form-04/"), _queries(
        staff_client, f"/reports/form-03/{province['A'].pk}/")
    # Session, user, the user's and the groups' permissions; the report: clusters, projects, terminations, capital
    # reports, infrastructure items (issue 16: indicators 11, 12, 26, 27 read them) (form 03: the commune first); the
    # session's idle expiry pushed ahead (a savepoint, an update, release).
    assert form04 == 12 and form03 == 13
    for n in range(10):
        cluster = make_cluster(code=f"X{n}", name=f"Cụm X{n}", total_area_ha=Decimal(200), industrial_land_ha=Decimal(100))
        for m in range(3):
            make_project(code=f"X{n}-{m}", cluster=cluster, irc_date=date(2024, 1, 1), status="terminated")
    assert _queries(staff_client, "/reports/form-04/") == form04
    assert _queries(staff_client, f"/reports/form-03/{province['A'].pk}/") == form03
