"""The check constraints evaluated in Python (tracker.services.validate_constraints) say what the database says:
the same rows pass, the same rows fail with the same message, a NULL operand passes as in SQL."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clusters.models import Cluster
from projects.models import CapitalReport, Project
from tracker.services import full_clean, validate_constraints


def _summary(instance, messages) -> tuple:
    """How many constraints failed, and the messages the constraints carry themselves (ours says the others in
    words, next to their field, where Django names the constraint)."""
    own = {str(c.violation_error_message) for c in instance._meta.constraints
           if c.violation_error_message != c.default_violation_error_message}
    return len(messages), sorted(m for m in messages if m in own)


def _django(instance):
    try:
        instance.validate_constraints()
    except ValidationError as error:
        return _summary(instance, [str(message) for message in error.messages])
    return _summary(instance, [])


def _ours(instance):
    try:
        validate_constraints(instance)
    except ValidationError as error:
        return _summary(instance, [str(message) for message in error.messages])
    return _summary(instance, [])


PROJECT_CASES = [
    {},
    {"construction_start_deadline": date(2025, 1, 2), "construction_completion_deadline": date(2025, 1, 1)},
    {"construction_start_deadline": date(2025, 1, 1), "construction_completion_deadline": date(2025, 1, 1)},
    {"construction_start_deadline": date(2025, 1, 2), "construction_completion_deadline": None},
    {"construction_completion_deadline": date(2026, 1, 1), "operation_deadline": date(2025, 12, 31)},
    {"construction_start_deadline": date(2026, 1, 1), "operation_deadline": date(2025, 12, 31)},
    {"registered_capital_vnd": -1},
    {"registered_capital_usd": Decimal("-0.01")},
    {"registered_capital_usd": None},
    {"land_area_ha": Decimal("-1")},
    {"irc_number": ""},
    {"irc_number": None},
]


@pytest.mark.parametrize("values", PROJECT_CASES)
def test_project_constraints_agree_with_the_database(project, values):
    for name, value in values.items():
        setattr(project, name, value)
    assert _ours(project) == _django(project)


@pytest.mark.parametrize(
    "values",
    [{}, {"total_area_ha": Decimal(10), "industrial_land_ha": Decimal(11)}, {"total_area_ha": None, "industrial_land_ha": Decimal(11)},
     {"wastewater_plant_compliant": True, "wastewater_plant_built": False}, {"wastewater_plant_compliant": True, "wastewater_plant_built": True},
     {"infrastructure_investment_paid_vnd": -5}],
)
def test_cluster_constraints_agree_with_the_database(cluster, values):
    for name, value in values.items():
        setattr(cluster, name, value)
    assert _ours(cluster) == _django(cluster)


def test_unique_constraints_still_go_to_the_database(project):
    CapitalReport.objects.create(project=project, year=2024, period="Q1", implemented_capital_vnd=1)
    again = CapitalReport(project=project, year=2024, period="Q1", implemented_capital_vnd=2)
    assert _ours(again) == _django(again) != []


def test_full_clean_gathers_field_clean_unique_and_constraint_errors(project, cluster, investor):
    other = Project(code=project.code, name="", cluster=cluster, investor=investor, registered_capital_vnd=1,
                    construction_start_deadline=date(2025, 2, 1), construction_completion_deadline=date(2025, 1, 1))
    with pytest.raises(ValidationError) as caught:
        full_clean(other)
    errors = caught.value.message_dict
    assert "name" in errors and "code" in errors and "__all__" in errors


def test_a_foreign_key_not_loaded_is_still_checked(cluster, investor):
    orphan = Project(code="X-1", name="X", cluster_id=999_999, investor=investor, registered_capital_vnd=1)
    with pytest.raises(ValidationError) as caught:
        full_clean(orphan)
    assert "cluster" in caught.value.message_dict


@pytest.mark.parametrize("tax_code", ["0101234567", "0101234567-001", "010123456", "0101234567-01", "abc"])
def test_the_tax_code_pattern_agrees_with_the_database(db, tax_code):
    from projects.models import Investor

    investor = Investor(name="A", tax_code=tax_code)
    assert _ours(investor) == _django(investor)


def test_a_constraint_without_a_message_is_told_in_words_next_to_its_field_never_by_its_name(make_project):
    # project_land_gte_0 has no message of its own: the user reads a sentence beside the land field.
    from django.utils import translation

    project = make_project(code="DA-NEG")
    project.land_area_ha = -1
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_constraints(project)
    assert refused.value.message_dict == {"land_area_ha": ["Giá trị này không được âm."]}


def test_the_import_never_shows_a_constraint_name(cluster):
    from projects.imports.engine import run_import
    from tests.projects.test_imports import project_row, projects_file

    outcome = run_import(projects_file(project_row(land_area_ha="-1")), "du-an.xlsx")
    texts = [str(error) for error in outcome.errors]
    assert texts and not any("Constraint" in text or "_gte_" in text for text in texts), texts
