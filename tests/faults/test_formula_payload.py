"""Fault: a commune officer imports a project whose texts are formulas; every CSV and xlsx staff then download
carries them inert (issue 13, point 3). The rule itself and each exporter: tests/tracker/test_formula_injection.py."""
import csv
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from projects.imports.engine import run_import
from projects.models import Project
from tests.tracker.test_formula_injection import HYPERLINK, NUMBER, SPREADSHEETS, download_url
from tracker.cells import TRIGGERS


def test_a_formula_imported_by_a_commune_officer_comes_out_inert_everywhere(make_user, staff_client, cluster, commune):
    officer = make_user("canboxa", "commune_officer", communes=[commune])
    file = ("\ufeffproject_code,project_name,cluster_code,investor_name,investor_tax_code,registered_capital_billion_vnd,"
            "irc_number,irc_date\n"
            f'@A1,"{HYPERLINK.replace(chr(34), chr(34) * 2)}",{cluster.code},"=cmd|\' /C calc\'!A0",0107777777,"12,5",'
            "-1+1,14/06/2024\n").encode()
    outcome = run_import(io.BytesIO(file), "du-an.csv", user=officer, csv_kind="projects", commit=True)
    assert outcome.committed, [str(error) for error in outcome.errors] + outcome.file_errors
    assert Project.objects.get(code="@A1").name == HYPERLINK  # stored as typed: the exports make it inert

    for name, formats in SPREADSHEETS.items():
        url = download_url(name, commune)
        for fmt in formats:
            response = staff_client.get(url, {"format": fmt} if name.endswith("export") else {})
            assert response.status_code == 200, (name, fmt)
            content = response.getvalue()
            if fmt == "csv":
                fields = [field for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for field in row]
                assert not [field for field in fields if field.startswith(TRIGGERS) and not NUMBER.match(field)], name
                if name == "projects:export":
                    assert {"'" + HYPERLINK, "'@A1", "'-1+1"} <= set(fields)
            else:
                book = load_workbook(io.BytesIO(content))
                cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
                assert not [cell.coordinate for cell in cells if cell.data_type == "f"], name
                assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS)]
    # And the export imports back unchanged: the apostrophes come off again.
    export = staff_client.get(reverse("projects:export"), {"format": "xlsx"}).getvalue()
    again = run_import(io.BytesIO(export), "du-an.xlsx", user=officer, commit=True)
    assert again.valid and again.counts()["unchanged"] == 1 and again.counts()["update"] == 0
