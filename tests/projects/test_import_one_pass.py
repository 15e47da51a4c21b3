"""One check shows every problem of every row (issue 12, defect 6): the cells that cannot be read, then the rules of
the fields that could (required values, references to clusters, projects and investors, cross-field dates, check
constraints, uniqueness), each in its column with its value, in Vietnamese words and never a constraint's name; a
field whose cell could not be read is not reported again. Nothing is written unless every row is clean."""
import re

import pytest
from django.db import models
from django.utils import translation

from clusters.models import Cluster
from projects.models import CapitalReport, Investor, Project
from tests.projects.test_imports import check, messages, project_row, projects_file, workbook

PREFIX = re.compile(r"^\[(?P<sheet>[^\]]+)\] dòng (?P<row>\d+), cột (?P<column>[A-Z]+) \([^)]*\)(?:\)*), giá trị “(?P<value>[^”]*)”: .+")


@pytest.fixture(autouse=True)
def vietnamese():
    # the messages are lazy: read them in Vietnamese whatever an earlier test left active in this thread
    with translation.override("vi"):
        yield


def constraint_names() -> set[str]:
    from django.apps import apps

    return {constraint.name for model in apps.get_models() for constraint in model._meta.constraints}


def assert_in_words(texts):
    names = constraint_names()
    for text in texts:
        assert "Constraint" not in text and "constraint" not in text and "vi phạm ràng buộc" not in text, text
        assert not any(name in text for name in names), text


def by_column(outcome, row):
    """{column letter: (value, message)} of one row's problems."""
    found = {}
    for error in outcome.errors:
        if error.row == row:
            assert error.column, f"a problem of row {row} without its column: {error}"
            letter = error.column.split(" ")[0]
            assert letter not in found, f"column {letter} reported twice: {found[letter]} and {error.message}"
            found[letter] = (error.value, error.message)
    return found


def bad_project(code="NK-01", **values):
    """A new project with five problems, one of each stage: an impossible date, a number that is not one, a negative
    land area (a check constraint without a message of its own), an unknown cluster, deadlines out of order (a check
    constraint with its own message)."""
    row = project_row(code, cluster="CCN-KHONG-CO", irc_date="31/02/2024", land_area_ha="-1")
    row.update(registered_capital_usd="12 nghìn", construction_start_deadline="01/06/2025",
               construction_completion_deadline="01/01/2025")
    row.update(values)
    return row


# Columns of bad_project(): A project_code, B project_name, C cluster_code, D investor_name, E investor_tax_code,
# F registered capital (billion), G land_area_ha, H irc_number, I irc_date, J status, K registered_capital_usd,
# L construction_start_deadline, M construction_completion_deadline.


def test_every_problem_of_one_row_in_one_check(cluster):
    outcome = check(projects_file(bad_project()), commit=True)
    assert not outcome.committed and Project.objects.count() == 0 and Investor.objects.count() == 0
    found = by_column(outcome, 3)
    assert set(found) == {"C", "G", "I", "K", "L"}, messages(outcome)
    assert found["I"] == ("31/02/2024", found["I"][1]) and found["I"][1].startswith("Không phải ngày")
    assert found["K"] == ("12 nghìn", found["K"][1]) and found["K"][1].startswith("Không phải số")
    assert found["G"] == ("-1", "Giá trị này không được âm.")
    assert found["C"] == ("CCN-KHONG-CO", "Không có cụm nào mang mã này, trong hệ thống hay trong trang tính cụm "
                                          "công nghiệp của tệp.")
    assert found["L"] == ("01/06/2025", "Hạn khởi công không được sau hạn hoàn thành xây dựng.")
    texts = messages(outcome)
    assert all(PREFIX.match(text) for text in texts), texts
    assert_in_words(texts)
    assert outcome.counts() == {"create": 0, "update": 0, "unchanged": 0, "error": 1}


def test_every_bad_row_is_reported_and_a_good_one_between_them_is_not(cluster):
    outcome = check(projects_file(
        bad_project("NK-01"),
        project_row("NK-02", cluster=cluster.code),
        # the second bad row: a blank required name, a capital that is not a number (not "required" as well), a
        # certificate number already used by the first good row, an operation deadline before the completion one
        project_row("NK-03", cluster=cluster.code, project_name=None, registered_capital_billion_vnd="abc",
                    irc_number="GCN-NK-02", construction_completion_deadline="01/01/2026",
                    operation_deadline="31/12/2025"),
    ), commit=True)
    assert not outcome.committed and Project.objects.count() == 0
    assert set(by_column(outcome, 3)) == {"C", "G", "I", "K", "L"}
    assert by_column(outcome, 4) == {}
    row5 = by_column(outcome, 5)
    assert set(row5) == {"B", "F", "H", "M"}, messages(outcome)
    assert row5["B"][1] == "Giá trị này là bắt buộc."
    assert row5["F"] == ("abc", row5["F"][1]) and row5["F"][1].startswith("Không phải số")
    assert row5["H"] == ("GCN-NK-02", "Không dùng được số giấy chứng nhận này; hãy kiểm tra lại.")
    assert row5["M"] == ("01/01/2026", "Hạn hoàn thành xây dựng không được sau hạn đưa vào hoạt động.")
    assert [row.action for row in outcome.rows] == ["error", "create", "error"]
    assert_in_words(messages(outcome))


def test_a_new_investor_with_a_bad_tax_code_and_the_projects_own_problems(cluster):
    outcome = check(projects_file(project_row("NK-01", cluster=cluster.code, investor_tax_code="12345",
                                              land_area_ha="-0,5", irc_date="hôm qua")))
    found = by_column(outcome, 3)
    assert set(found) == {"E", "G", "I"}, messages(outcome)
    assert found["E"][0] == "12345" and found["E"][1].startswith("Mã số thuế gồm 10 chữ số")
    assert_in_words(messages(outcome))


def test_an_update_reports_its_unreadable_cells_and_the_rules_of_the_others(make_project):
    project = make_project(code="DA-1", workers=5)
    outcome = check(projects_file({"project_code": "DA-1", "workers": "năm", "land_area_ha": "-2",
                                   "cluster_code": "CCN-KHONG-CO", "construction_start_deadline": "01/06/2025",
                                   "construction_completion_deadline": "01/01/2025"}), commit=True)
    found = by_column(outcome, 3)
    assert set(found) == {"B", "C", "D", "E"}, messages(outcome)  # workers, land, cluster, start deadline
    assert found["B"][0] == "năm" and found["C"][1] == "Giá trị này không được âm."
    project.refresh_from_db()
    assert project.workers == 5 and project.version == 1  # the loaded project was put back, nothing written


def test_an_unreadable_update_cell_alone_makes_the_row_an_error_not_unchanged(make_project):
    make_project(code="DA-1")
    outcome = check(projects_file({"project_code": "DA-1", "workers": "năm"}))
    assert [row.action for row in outcome.rows] == ["error"] and len(outcome.errors) == 1


def test_a_cluster_row_reports_its_cells_and_its_rules_together(commune, district):
    handle = workbook({"Cụm công nghiệp": [
        ["cluster_code", "cluster_name", "commune", "former_district", "total_area_ha", "industrial_land_ha",
         "establishment_date", "wastewater_plant_built"],
        ["CCN-MOI", None, commune.name, district.name, "10", "11", "30/02/2020", "chắc chắn"],
    ]})
    outcome = check(handle, commit=True)
    found = by_column(outcome, 3)
    # B name required, F land over the total (a constraint with its own words), G the date, H the yes/no cell
    assert set(found) == {"B", "F", "G", "H"}, messages(outcome)
    assert found["F"] == ("11", "Diện tích đất công nghiệp không được vượt tổng diện tích.")
    assert not Cluster.objects.exists()
    assert_in_words(messages(outcome))


def test_a_capital_report_row_reports_an_unknown_project_with_its_other_problems(db):
    handle = workbook({"Báo cáo vốn": [
        ["project_code", "period", "implemented_capital_billion_vnd", "revenue_billion_vnd", "workers"],
        ["KHONG", "2024-Q2", "-3", "nhiều", "1,5"],
    ]})
    outcome = check(handle, commit=True)
    found = by_column(outcome, 3)
    assert set(found) == {"A", "C", "D", "E"}, messages(outcome)
    assert found["A"][1].startswith("Không có dự án nào mang mã này")
    assert found["C"] == ("-3", "Giá trị này không được âm.")
    assert not CapitalReport.objects.exists()
    assert_in_words(messages(outcome))


def test_the_same_file_corrected_imports_in_full(cluster):
    good = bad_project("NK-01", cluster_code=cluster.code, irc_date="28/02/2024", registered_capital_usd="12.000",
                       land_area_ha="1", construction_start_deadline="01/01/2025")
    outcome = check(projects_file(good, project_row("NK-02", cluster=cluster.code)), commit=True)
    assert outcome.committed, messages(outcome)
    project = Project.objects.get(code="NK-01")
    assert str(project.registered_capital_usd) == "12000.00" and project.land_area_ha == 1


def test_no_check_constraint_is_ever_told_by_its_name(db):
    """Every check constraint of every model, broken, is told in words: constraint_error never gives its name."""
    from django.apps import apps
    from django.core.exceptions import ValidationError

    from tracker.services import constraint_error

    walked = set()
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            error = constraint_error(model(), constraint)
            assert isinstance(error, ValidationError)
            for text in error.messages:
                assert constraint.name not in text and "Constraint" not in text and text.strip(), (constraint.name, text)
            walked.add(constraint.name)
    # the constraints of every app were walked, with and without a message of their own
    assert {"project_land_gte_0", "project_start_before_completion", "cluster_industrial_land_within_total",
            "report_capital_gte_0", "investor_tax_code_format"} <= walked, walked


def test_a_cell_the_reader_refused_is_not_reported_again_as_missing(cluster):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Dự án"
    keys = list(project_row())
    sheet.append(keys)
    row = list(project_row("NK-01", cluster=cluster.code, land_area_ha="-1").values())
    row[keys.index("registered_capital_billion_vnd")] = "=2*6"  # a required value, given by a formula
    sheet.append(row)
    sheet.append(list(project_row("NK-02", cluster=cluster.code).values()))
    sheet.merge_cells("B3:C3")  # the name and the cluster code of NK-02: C3 reads as blank
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    outcome = check(handle)
    assert [(error.row, error.column[:1]) for error in outcome.errors] == [(2, "F"), (2, "G"), (3, "B")], \
        messages(outcome)
    assert outcome.errors[0].message.startswith("Ô chứa công thức")
    assert outcome.errors[1].message == "Giá trị này không được âm."
    assert outcome.errors[2].message.startswith("Ô gộp (B3:C3)")
