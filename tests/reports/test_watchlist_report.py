"""The watchlist report to the provincial People's Committee: open flags in the user's scope, as xlsx and as a PDF
whose extracted text carries the Vietnamese letters."""
import unicodedata
from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from clusters.models import Commune
from projects.models import Flag, ReviewStep, Rule


@pytest.fixture
def flags(make_project, make_cluster, make_user, district, watchlist_rules):
    """A critical flag in commune A (revocation proposed), a warning in commune B, a dismissed one in commune A."""
    commune_b = Commune.objects.create(name="Cao Phong", former_district=district)
    leader = make_user("lanhdao", "leadership")
    now = timezone.now()
    project_a = make_project(code="DA-A", name="Nhà máy chế biến gỗ Hòa Bình")
    project_b = make_project(code="DA-B", name="Xưởng may Cao Phong", cluster=make_cluster(code="CCN-B", commune=commune_b))
    project_c = make_project(code="DA-C", name="Kho hàng Lương Sơn")
    unused = Flag.objects.create(
        project=project_a, rule=Rule.objects.get(code="EXTENSION_EXPIRED"), severity="critical", since=date(2025, 1, 1),
        evidence={"clock": "unused", "extension_start": "2023-01-01", "extension_end": "2024-12-31"},
        first_seen=now, last_confirmed=now, state=Flag.State.REVOCATION_PROPOSED, ground="recovery",
    )
    ReviewStep.objects.create(flag=unused, action="propose_revocation", from_state="new", to_state="revocation_proposed",
                              user=leader, note="Đề nghị thu hồi")
    Flag.objects.create(
        project=project_b, rule=Rule.objects.get(code="REPORT_MISSING"), severity="warning", since=date(2025, 8, 1),
        evidence={"missing_periods": ["6 tháng đầu năm 2025"]}, first_seen=now, last_confirmed=now,
    )
    Flag.objects.create(
        project=project_c, rule=Rule.objects.get(code="SUSPENDED_12M"), severity="critical", since=date(2025, 3, 1),
        evidence={"unreachable_since": "2024-03-01"}, first_seen=now, last_confirmed=now, state=Flag.State.DISMISSED,
    )
    return {"B": commune_b}


def _pdf_text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
    return " ".join(text.split())  # the table's narrow columns wrap their words onto several lines


def test_the_pdf_carries_vietnamese_text(staff_client, flags):
    response = staff_client.get("/reports/watchlist/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response)
    for expected in ("Ủy ban nhân dân tỉnh Phú Thọ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Dự án",
                     "Cụm công nghiệp", "Nhà máy chế biến gỗ Hòa Bình", "Hết thời hạn gia hạn", "Luật Đất đai 2024",
                     "Căn cứ pháp lý", "Đề xuất", "Trang 1/"):
        assert expected in text, expected
    # The evidence in a sentence, the review state and the proposal to the People's Committee.
    assert "Thời hạn gia hạn sử dụng đất đã hết ngày 31/12/2024" in text
    assert "Đã đề xuất thu hồi" in text or "thu hồi" in text
    assert "Xưởng may Cao Phong" in text
    assert "Kho hàng Lương Sơn" not in text  # dismissed


def test_the_pdf_is_a4_landscape(staff_client, flags):
    page = PdfReader(BytesIO(staff_client.get("/reports/watchlist/pdf/").content)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_the_xlsx_lists_the_open_flags_with_rule_and_proposal(staff_client, flags):
    response = staff_client.get("/reports/watchlist/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert [row[1].split(" – ")[0] for row in rows] == ["DA-A", "DA-B"]  # critical first; the dismissed one left out
    first = rows[0]
    assert first[2] == "Công ty TNHH Thử nghiệm"
    assert first[4].startswith("Hết thời hạn gia hạn sử dụng đất")
    assert "khoản 8 Điều 81" in first[5]
    assert first[6].startswith("Thời hạn gia hạn sử dụng đất đã hết ngày 31/12/2024")
    assert "Ủy ban nhân dân tỉnh" in first[8] and "thu hồi đất không bồi thường" in first[8]
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert "Kính gửi: Ủy ban nhân dân tỉnh Phú Thọ" in text


def test_a_commune_officer_reports_only_their_communes_flags(client, make_user, flags, commune):
    client.force_login(make_user("canboxa", "commune_officer", communes=[commune]))
    text = _pdf_text(client.get("/reports/watchlist/pdf/"))
    assert "Nhà máy chế biến gỗ Hòa Bình" in text and "Xưởng may Cao Phong" not in text


def test_the_watchlist_filters_choose_the_flags(staff_client, flags):
    response = staff_client.get("/reports/watchlist/xlsx/", {"commune": flags["B"].pk})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [row[1].split(" – ")[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)] == ["DA-B"]
    text = _pdf_text(staff_client.get("/reports/watchlist/pdf/", {"state": "dismissed"}))
    assert "Kho hàng Lương Sơn" in text and "Nhà máy chế biến gỗ" not in text


def test_no_flag_still_renders_both_files(staff_client, watchlist_rules):
    text = _pdf_text(staff_client.get("/reports/watchlist/pdf/"))
    assert "Không có cờ cảnh báo nào đang mở." in text
    assert staff_client.get("/reports/watchlist/xlsx/").status_code == 200


def test_bad_watchlist_filters_are_ignored_not_a_500(staff_client, flags):
    assert staff_client.get("/reports/watchlist/pdf/", {"rule": "abc", "severity": "nope"}).status_code == 200


def test_the_watchlist_report_costs_a_fixed_number_of_queries(staff_client, flags, make_project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/reports/watchlist/xlsx/").status_code == 200
        return len(captured)

    before = queries()
    leader = ReviewStep.objects.get().user
    rule, now = Rule.objects.get(code="MILESTONE_OVERDUE"), timezone.now()
    for n in range(8):
        flag = Flag.objects.create(project=make_project(code=f"DA-N{n}"), rule=rule, severity="warning",
                                   since=date(2025, 5, 1), evidence={"missed": []}, first_seen=now, last_confirmed=now)
        ReviewStep.objects.create(flag=flag, action="assign", from_state="new", to_state="assigned", user=leader)
    assert queries() == before


@pytest.mark.parametrize("rule, ground, expected, refused", [
    # Being 24 months late opens the extension window (Land Law 2024 Art. 81(8)): no recovery is proposed.
    ("LAND_DELAY_24M", "", "gia hạn sử dụng đất một lần", "thu hồi"),
    ("LAND_UNUSED_12M", "", "gia hạn sử dụng đất một lần", "thu hồi"),
    ("EXTENSION_EXPIRED", "recovery", "thu hồi đất không bồi thường", "chấm dứt hoạt động"),
    ("SUSPENDED_12M", "termination", "chấm dứt hoạt động dự án", "thu hồi"),
])
def test_the_proposal_for_an_inspected_flag_follows_the_rules_ground(make_project, watchlist_rules, rule, ground,
                                                                       expected, refused):
    from django.utils import translation

    from tracker.reports.watchlist import proposed_action

    now = timezone.now()
    flag = Flag.objects.create(
        project=make_project(code="DA-G"), rule=Rule.objects.get(code=rule), severity="critical",
        since=date(2025, 1, 1), evidence={}, first_seen=now, last_confirmed=now, state=Flag.State.INSPECTED,
        ground=ground,
    )
    with translation.override("vi"):
        text = proposed_action(flag)
    assert expected in text and refused not in text


def test_a_proposal_on_a_flag_that_is_no_longer_a_ground_is_not_repeated_to_the_committee(make_project, watchlist_rules):
    from django.utils import translation

    from tracker.reports.watchlist import proposed_action

    now = timezone.now()
    flag = Flag.objects.create(
        project=make_project(code="DA-OLD"), rule=Rule.objects.get(code="LAND_DELAY_24M"), severity="critical",
        since=date(2025, 1, 1), evidence={}, first_seen=now, last_confirmed=now, state=Flag.State.REVOCATION_PROPOSED,
    )
    with translation.override("vi"):
        text = proposed_action(flag)
    assert "không còn là căn cứ" in text and "Ủy ban nhân dân tỉnh" not in text


def test_no_revocation_is_proposed_while_an_extension_runs(make_project, watchlist_rules):
    from datetime import timedelta

    from django.utils import translation

    from projects.watchlist.rules import Extension
    from tracker.reports.watchlist import proposed_action

    now = timezone.now()
    flag = Flag.objects.create(
        project=make_project(code="DA-EXT"), rule=Rule.objects.get(code="EXTENSION_NOT_REQUESTED"),
        severity="critical", since=date(2025, 1, 1), evidence={}, first_seen=now, last_confirmed=now,
        state=Flag.State.INSPECTED, ground="recovery",
    )
    running = Extension("unused", date(2025, 1, 1), timezone.localdate() + timedelta(days=90))
    with translation.override("vi"):
        text = proposed_action(flag, running)
    assert (timezone.localdate() + timedelta(days=90)).strftime("%d/%m/%Y") in text and "Ủy ban nhân dân tỉnh" not in text


def test_the_report_shows_the_legal_basis_without_the_developers_note(staff_client, make_project, watchlist_rules):
    """The seeded bases of two rules end with "cần đối chiếu lại số điều", a note to the developers (the article
    numbers are to be checked against the new Law on Investment); the rule keeps it, the report does not."""
    now = timezone.now()
    rules = Rule.objects.filter(code__in=("MILESTONE_OVERDUE", "ADJUSTMENT_CAP"))
    for rule in rules:
        assert "cần đối chiếu lại số điều" in rule.legal_basis  # the data as seeded, unchanged
        Flag.objects.create(project=make_project(code=f"DA-{rule.code}"), rule=rule, severity="warning",
                            since=date(2025, 5, 1), evidence={"missed": []}, first_seen=now, last_confirmed=now)
    text = _pdf_text(staff_client.get("/reports/watchlist/pdf/"))
    assert "Luật Đầu tư 143/2025/QH15 thay thế từ 01/3/2026." in text and "đối chiếu" not in text
    sheet = load_workbook(BytesIO(b"".join(staff_client.get("/reports/watchlist/xlsx/").streaming_content))).active
    bases = [row[5] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert len(bases) == 2 and all(basis.endswith("Luật Đầu tư 143/2025/QH15 thay thế từ 01/3/2026.") for basis in bases)

    from tracker.legal import public_legal_basis

    plain = Rule.objects.get(code="EXTENSION_NOT_REQUESTED").legal_basis  # a basis without the note stays as it is
    assert public_legal_basis(plain) == plain
