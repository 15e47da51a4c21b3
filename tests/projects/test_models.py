"""Project invariants: database constraints and full_clean()."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import CapitalReport, Investor, LandUseExtension, Project


def test_database_refuses_negative_capital(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(registered_capital_vnd=-1)


def test_database_refuses_negative_land(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(land_area_ha=Decimal("-0.1"))


def test_project_code_is_unique(make_project):
    make_project(code="DA-1")
    with pytest.raises(ValidationError) as error:
        make_project(code="DA-1")
    assert "code" in error.value.message_dict


def test_certificate_number_is_unique_but_may_be_missing(make_project):
    make_project(irc_number="1234567890")
    make_project(irc_number=None)
    make_project(irc_number=None)  # several projects without a certificate yet
    with pytest.raises(ValidationError) as error:
        make_project(irc_number="1234567890")
    assert "irc_number" in error.value.message_dict


def test_blank_certificate_number_is_stored_as_missing(make_project):
    assert make_project(irc_number="").irc_number is None
    assert make_project(irc_number="").irc_number is None


@pytest.mark.parametrize("tax_code", ["0101234567", "0101234567-001"])
def test_valid_tax_codes_are_accepted(db, tax_code):
    investor = Investor(name="A", tax_code=tax_code)
    investor.full_clean()
    investor.save()


@pytest.mark.parametrize("tax_code", ["123", "01012345678", "0101234567-01", "0101234567_001", "010123456A"])
def test_invalid_tax_codes_are_refused_by_the_form_rules_and_the_database(db, tax_code):
    with pytest.raises(ValidationError) as error:
        Investor(name="A", tax_code=tax_code).full_clean()
    assert "tax_code" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Investor.objects.create(name="A", tax_code=tax_code)


def test_tax_code_is_unique(investor):
    with pytest.raises(ValidationError) as error:
        Investor(name="B", tax_code=investor.tax_code).full_clean()
    assert "tax_code" in error.value.message_dict


def test_foreign_investor_needs_a_country(db):
    with pytest.raises(ValidationError) as error:
        Investor(name="A", tax_code="0101234567", is_foreign=True, country="Việt Nam").full_clean()
    assert "country" in error.value.message_dict


@pytest.mark.parametrize(
    "start, completion, operation",
    [
        (date(2025, 6, 2), date(2025, 6, 1), None),
        (None, date(2025, 6, 2), date(2025, 6, 1)),
        (date(2025, 6, 2), None, date(2025, 6, 1)),
    ],
)
def test_deadlines_must_be_in_order(make_project, start, completion, operation):
    with pytest.raises(ValidationError):
        make_project(
            construction_start_deadline=start, construction_completion_deadline=completion, operation_deadline=operation
        )


def test_deadlines_on_the_same_day_are_in_order(make_project):
    same = date(2025, 6, 1)
    assert make_project(
        construction_start_deadline=same, construction_completion_deadline=same, operation_deadline=same
    ).pk


def test_database_refuses_deadlines_out_of_order(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(
            construction_start_deadline=date(2026, 1, 2), construction_completion_deadline=date(2026, 1, 1)
        )


def test_project_land_may_take_exactly_the_unleased_land(cluster, make_project):
    make_project(land_area_ha=Decimal("30"))
    assert make_project(land_area_ha=Decimal("20")).pk  # 50 ha of industrial land, 30 leased


def test_project_land_cannot_exceed_the_unleased_land(cluster, make_project):
    make_project(land_area_ha=Decimal("30"))
    with pytest.raises(ValidationError) as error:
        make_project(land_area_ha=Decimal("20.0001"))
    assert "land_area_ha" in error.value.message_dict


def test_terminated_projects_free_their_land(cluster, make_project):
    make_project(land_area_ha=Decimal("45"), status=Project.Status.TERMINATED)
    assert make_project(land_area_ha=Decimal("50")).pk


def test_editing_a_project_does_not_count_its_own_land_twice(make_project):
    project = make_project(land_area_ha=Decimal("50"))
    project.name = "Đổi tên"
    project.full_clean()


def test_capital_report_period_end_orders_the_reports(project):
    for year, period in ((2024, "H2"), (2024, "Q1"), (2025, "Q1")):
        report = CapitalReport(project=project, year=year, period=period, implemented_capital_vnd=1)
        report.full_clean()
        report.save()
    assert [(r.year, r.period) for r in project.capital_reports.all()] == [(2025, "Q1"), (2024, "H2"), (2024, "Q1")]


def test_one_capital_report_per_period(project):
    CapitalReport.objects.create(project=project, year=2024, period="Q1", implemented_capital_vnd=1)
    with pytest.raises(ValidationError):
        CapitalReport(project=project, year=2024, period="Q1", implemented_capital_vnd=2).full_clean()


def test_land_use_extension_may_last_24_months_to_the_day(project):
    # The end date is the last day of the extension: 24 months from 01/03/2025 run to 28/02/2027 inclusive.
    LandUseExtension(project=project, start_date=date(2025, 3, 1), end_date=date(2027, 2, 28)).full_clean()


def test_land_use_extension_cannot_last_a_day_more_than_24_months(project):
    with pytest.raises(ValidationError) as error:
        LandUseExtension(project=project, start_date=date(2025, 3, 1), end_date=date(2027, 3, 1)).full_clean()
    assert "end_date" in error.value.message_dict
