"""Forms: the department's ways of typing money, areas and dates, and each kind of invalid input."""
from datetime import date
from decimal import Decimal

import pytest

from clusters.forms import ClusterForm
from projects.forms import (
    CapitalReportForm,
    DocumentForm,
    InvestorForm,
    LandUseExtensionForm,
    ProjectForm,
    ScheduleAdjustmentForm,
)


@pytest.fixture
def user(staff_user):
    return staff_user


@pytest.fixture
def project_data(cluster, investor):
    return {
        "code": "DA-2024-001",
        "name": "Nhà máy thử",
        "cluster": cluster.code,
        "investor": investor.tax_code,
        "industry": "food",
        "registered_capital_vnd": "1.234,5",
        "land_area_ha": "2,5",
        "irc_number": "",
        "irc_date": "31/12/2024",
        "construction_start_deadline": "01/06/2025",
        "construction_completion_deadline": "2026-06-01",
        "operation_deadline": "01/09/2026",
        "status": "registered",
        "workers": "0",
    }


def test_project_form_reads_vietnamese_money_areas_and_dates(user, project_data):
    form = ProjectForm(data=project_data, user=user)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["registered_capital_vnd"] == 1_234_500_000_000
    assert form.cleaned_data["land_area_ha"] == Decimal("2.5")
    assert form.cleaned_data["irc_date"] == date(2024, 12, 31)
    assert form.cleaned_data["construction_completion_deadline"] == date(2026, 6, 1)
    assert form.cleaned_data["irc_number"] is None


def test_project_form_shows_stored_money_the_vietnamese_way(user, project):
    form = ProjectForm(instance=project, user=user)
    html = str(form["registered_capital_vnd"])
    assert 'value="100"' in html
    project.registered_capital_vnd = 1_234_500_000_000
    assert 'value="1.234,5"' in str(ProjectForm(instance=project, user=user)["registered_capital_vnd"])
    assert 'value="01/03/2024"' in str(ProjectForm(instance=project, user=user)["irc_date"])


@pytest.mark.parametrize(
    "field, value",
    [
        ("code", ""),
        ("name", ""),
        ("cluster", ""),
        ("cluster", "999999"),
        ("registered_capital_vnd", ""),
        ("registered_capital_vnd", "abc"),
        ("registered_capital_vnd", "-5"),
        ("registered_capital_vnd", "0,0000000001"),
        ("land_area_ha", "hai"),
        ("land_area_ha", "-1"),
        ("land_area_ha", "60"),  # more than the cluster's 50 ha of industrial land
        ("irc_date", "31/02/2024"),
        ("irc_date", "12-31-2024"),
        ("status", "closed"),
        ("workers", "-3"),
    ],
)
def test_project_form_rejects_invalid_field_and_keeps_input(user, project_data, field, value):
    project_data[field] = value
    form = ProjectForm(data=project_data, user=user)
    assert not form.is_valid()
    assert field in form.errors
    # What the user typed in the other fields is rendered back untouched.
    assert 'value="1.234,5"' in str(form["registered_capital_vnd"]) or field == "registered_capital_vnd"
    if value:
        assert f'value="{value}"' in str(form[field]) or form.fields[field].widget.input_type == "select"


def test_project_form_rejects_deadlines_out_of_order(user, project_data):
    project_data["construction_start_deadline"] = "02/06/2026"
    form = ProjectForm(data=project_data, user=user)
    assert not form.is_valid()
    assert form.non_field_errors()


def test_project_form_rejects_duplicate_code(user, project_data, project):
    project_data["code"] = project.code
    form = ProjectForm(data=project_data, user=user)
    assert not form.is_valid()
    assert "code" in form.errors


def test_invalid_field_is_marked_for_screen_readers(user, project_data):
    project_data["registered_capital_vnd"] = "abc"
    form = ProjectForm(data=project_data, user=user)
    form.is_valid()
    html = str(form["registered_capital_vnd"])
    assert "is-invalid" in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize("tax_code, valid", [("0101234567", True), ("0101234567-001", True), ("01012345", False)])
def test_investor_form_checks_the_tax_code(db, tax_code, valid):
    form = InvestorForm(data={"name": "Công ty A", "tax_code": tax_code, "country": "Việt Nam"})
    assert form.is_valid() is valid
    if not valid:
        assert "tax_code" in form.errors


def test_cluster_form_valid_and_invalid(user, commune, district):
    data = {
        "code": "CCN-LS-09",
        "name": "Cụm mới",
        "commune": commune.pk,
        "former_district": district.pk,
        "kind": "general",
        "stage": "established",
        "total_area_ha": "74,5",
        "industrial_land_ha": "52,15",
        "establishment_date": "15/03/2020",
        "infrastructure_investment_approved_vnd": "459",
    }
    form = ClusterForm(data=data, user=user)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["infrastructure_investment_approved_vnd"] == 459 * 10**9
    data["industrial_land_ha"] = "80"
    form = ClusterForm(data=data, user=user)
    assert not form.is_valid() and form.non_field_errors()
    data.update(industrial_land_ha="50", establishment_date="")
    form = ClusterForm(data=data, user=user)
    assert not form.is_valid() and "establishment_date" in form.errors
    data.update(establishment_date="15/03/2020", latitude="95")
    form = ClusterForm(data=data, user=user)
    assert not form.is_valid() and "latitude" in form.errors


def test_capital_report_form(project):
    data = {"year": "2024", "period": "Q2", "implemented_capital_vnd": "12,5"}
    form = CapitalReportForm(data=data, instance=None)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["implemented_capital_vnd"] == 12_500_000_000
    form = CapitalReportForm(data={**data, "period": "Q5"})
    assert not form.is_valid() and "period" in form.errors


def test_extension_form_caps_24_months(project):
    form = LandUseExtensionForm(data={"start_date": "01/03/2025", "end_date": "01/03/2027"})
    form.instance.project = project
    assert not form.is_valid() and "end_date" in form.errors


def test_adjustment_form_needs_decision_and_reason(project):
    form = ScheduleAdjustmentForm(data={"months_added": "0"})
    assert not form.is_valid()
    assert {"decision_number", "decision_date", "reason", "months_added"} <= set(form.errors)


def test_document_form_needs_a_file(db):
    form = DocumentForm(data={"title": "Quyết định", "kind": "irc"})
    assert not form.is_valid() and "file" in form.errors
