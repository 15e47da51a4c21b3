"""No constraint's name reaches an administrator either (issue 12, defect 6): a constraint violated through an admin
form is told in Vietnamese words beside its field, as in the tracker's forms and the import; nothing is saved, no
500. Every check constraint of every model with an admin form is broken in turn through that form."""
import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils import translation

from clusters.models import Cluster
from projects.models import (
    AnnualTarget, CapitalReport, ForceMajeurePeriod, Investor, LandUseExtension, Project, ScheduleAdjustment,
)
from industry.models import InfrastructureItem
from tracker.admin_mixins import ConstraintWordsAdminMixin, ConstraintWordsFormMixin
from tracker.services import _condition

NEGATIVE = "Giá trị này không được âm."


def constraint_names() -> set[str]:
    return {constraint.name for model in apps.get_models() for constraint in model._meta.constraints}


def assert_no_constraint_name(html: str):
    assert "Constraint" not in html and "vi phạm" not in html
    leaked = [name for name in constraint_names() if name in html]
    assert not leaked, leaked


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("quantri", is_superuser=True, is_staff=True))
    return client


def project_post(cluster, investor, **values):
    data = {"code": "DA-ADMIN", "name": "Nhà máy qua trang quản trị", "cluster": cluster.pk, "investor": investor.pk,
            "industry": "food", "registered_capital_vnd": "1000000000", "land_area_ha": "1", "status": "registered",
            "workers": "0"}
    data.update(values)
    return data


def field_errors(response, name) -> list[str]:
    form = response.context["adminform"].form
    return [str(message) for message in form.errors.get(name, [])]


def test_a_negative_land_area_through_the_project_admin_is_told_in_words_beside_the_field(admin_client, cluster,
                                                                                           investor):
    response = admin_client.post(reverse("admin:projects_project_add"),
                                 project_post(cluster, investor, land_area_ha="-1"))
    assert response.status_code == 200
    assert field_errors(response, "land_area_ha") == [NEGATIVE]
    assert_no_constraint_name(response.content.decode())
    assert not Project.objects.filter(code="DA-ADMIN").exists()
    # just inside: 0 ha is saved
    response = admin_client.post(reverse("admin:projects_project_add"), project_post(cluster, investor, land_area_ha="0"))
    assert response.status_code == 302 and Project.objects.get(code="DA-ADMIN").land_area_ha == 0


def test_deadlines_out_of_order_through_the_project_admin_are_told_beside_the_first_deadline(admin_client, cluster,
                                                                                              investor):
    url = reverse("admin:projects_project_add")
    response = admin_client.post(url, project_post(cluster, investor, construction_start_deadline="02/06/2026",
                                                   construction_completion_deadline="01/06/2026"))
    assert response.status_code == 200
    assert field_errors(response, "construction_start_deadline") == [
        "Hạn khởi công không được sau hạn hoàn thành xây dựng."]
    assert_no_constraint_name(response.content.decode())
    assert not Project.objects.exists()
    response = admin_client.post(url, project_post(cluster, investor, construction_start_deadline="01/06/2026",
                                                   construction_completion_deadline="01/06/2026"))
    assert response.status_code == 302 and Project.objects.count() == 1


def cluster_post(commune, district, **values):
    data = {"code": "CCN-ADMIN", "name": "Cụm qua trang quản trị", "commune": commune.pk, "former_district": district.pk,
            "kind": "general", "stage": "planned", "total_area_ha": "10", "industrial_land_ha": "8"}
    data.update(values)
    return data


@pytest.mark.parametrize("values, field, message", [
    ({"total_area_ha": "-0.5"}, "total_area_ha", NEGATIVE),
    ({"infrastructure_investment_paid_vnd": "-1"}, "infrastructure_investment_paid_vnd", NEGATIVE),
    ({"industrial_land_ha": "10.0001"}, "industrial_land_ha",
     "Diện tích đất công nghiệp không được vượt tổng diện tích."),
    ({"wastewater_plant_compliant": "on"}, "wastewater_plant_compliant", None),
])
def test_a_cluster_constraint_through_the_admin_is_told_in_words_beside_its_field(admin_client, commune, district,
                                                                                 values, field, message):
    response = admin_client.post(reverse("admin:clusters_cluster_add"), cluster_post(commune, district, **values))
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors and (message is None or errors == [message]), response.context["adminform"].form.errors
    assert_no_constraint_name(response.content.decode())
    assert not Cluster.objects.filter(code="CCN-ADMIN").exists()


def test_the_cluster_admin_saves_the_values_just_inside(admin_client, commune, district):
    response = admin_client.post(reverse("admin:clusters_cluster_add"),
                                 cluster_post(commune, district, total_area_ha="0", industrial_land_ha="0",
                                              wastewater_plant_built="on", wastewater_plant_compliant="on"))
    assert response.status_code == 302 and Cluster.objects.filter(code="CCN-ADMIN").exists()


# --- every check constraint of every model with an admin form ----------------------------------------------------


def _some(field, near=None):
    """A value of the field's kind (near another one, for comparisons)."""
    if isinstance(field, models.DateField):
        return near or date(2025, 6, 1)
    if isinstance(field, models.DecimalField):
        return near if near is not None else Decimal(5)
    return near if near is not None else 5


def _step(value, by: int):
    return value + timedelta(days=by) if isinstance(value, date) else value + by


def _make(instance, condition, result: bool):
    """Set the instance's fields so that the constraint's condition is `result` (as the database reads it)."""
    if condition.negated:
        return _make(instance, models.Q(*condition.children, _connector=condition.connector), not result)
    children = list(condition.children)
    if condition.connector == "AND" and not result or condition.connector == "OR" and result:
        children = children[:1]  # one child decides
    for child in children:
        if isinstance(child, models.Q):
            _make(instance, child, result)
            continue
        path, value = child
        name, _sep, lookup = path.partition("__")
        field = instance._meta.get_field(name)
        lookup = lookup or "exact"
        if lookup == "isnull":
            if value is not result:  # this leaf must be false: a value is needed
                if getattr(instance, field.attname) is None:
                    setattr(instance, field.attname, _some(field))
            else:
                setattr(instance, field.attname, None)
        elif lookup == "exact":
            setattr(instance, field.attname, value if result else not value if isinstance(value, bool) else None)
        elif lookup == "regex":
            setattr(instance, field.attname, "0101234567" if result else "abc")
        else:
            if isinstance(value, models.F):
                other = instance._meta.get_field(value.name)
                if getattr(instance, other.attname) is None:
                    setattr(instance, other.attname, _some(other))
                value = getattr(instance, other.attname)
            holds = {"gte": 0, "lte": 0, "gt": 1, "lt": -1}[lookup]  # the offset from `value` where it holds
            breaks = {"gte": -1, "lte": 1, "gt": 0, "lt": 0}[lookup]
            setattr(instance, field.attname, _step(value, holds if result else breaks))


def _valid_instances(project, cluster, investor) -> dict:
    """One valid unsaved row of each model whose admin form can break a check constraint."""
    return {
        Cluster: Cluster(code="CCN-NEW", name="Cụm mới", commune=cluster.commune, former_district=cluster.former_district,
                         total_area_ha=Decimal(10), industrial_land_ha=Decimal(8)),
        Investor: Investor(name="Công ty Mới", tax_code="0100000001", country="Việt Nam"),
        Project: Project(code="DA-NEW", name="Dự án mới", cluster=cluster, investor=investor, industry="food",
                         registered_capital_vnd=10**9, land_area_ha=Decimal(1), workers=0),
        AnnualTarget: AnnualTarget(year=2031, projects_min=1, projects_max=2, capital_min_vnd=1, capital_max_vnd=2,
                                   clusters_min=1, clusters_max=2),
        CapitalReport: CapitalReport(project=project, year=2024, period="Q1", implemented_capital_vnd=1),
        ScheduleAdjustment: ScheduleAdjustment(project=project, decision_number="QĐ 1", decision_date=date(2024, 1, 1),
                                               months_added=3, reason="Vướng giải phóng mặt bằng"),
        LandUseExtension: LandUseExtension(project=project, clock="unused", start_date=date(2025, 1, 1),
                                           end_date=date(2025, 6, 1)),
        ForceMajeurePeriod: ForceMajeurePeriod(project=project, start_date=date(2025, 1, 1), end_date=date(2025, 2, 1),
                                               reason="Lũ"),
        InfrastructureItem: InfrastructureItem(cluster=cluster, kind="roads", investment_planned_vnd=10**9,
                                               investment_disbursed_vnd=0, state_support_pct=Decimal(10)),
        **_industry_production_instances(),
        **_industry_obstacle_and_scheme_instances(project, cluster, investor),
    }


def _industry_obstacle_and_scheme_instances(project, cluster, investor) -> dict:
    from industry.models import Obstacle, Scheme, SchemePlan

    return {
        Obstacle: Obstacle(title="Vướng giải phóng mặt bằng", kind="land_clearance", cluster=cluster, project=project,
                           agency="UBND xã", raised_on=date(2025, 1, 10), target_date=date(2025, 3, 1),
                           status="open"),
        Scheme: Scheme(year=2025, name="Hỗ trợ máy móc", kind="equipment", investor=investor, commune=cluster.commune,
                       province_budget_vnd=350_000_000, counterpart_vnd=0, approved_on=date(2025, 3, 1),
                       status="approved"),
        SchemePlan: SchemePlan(year=2031, schemes_planned=5, province_budget_vnd=10**9, counterpart_vnd=0),
    }


def _industry_production_instances() -> dict:
    from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget

    return {
        ProductionIndex: ProductionIndex(year=2024, month=2, sector="total", vs_previous_month_pct=Decimal("-10.58"),
                                         vs_same_month_pct=Decimal("-15.74")),
        ElectricityMonth: ElectricityMonth(year=2024, month=2, produced_mkwh=Decimal(441)),
        ProductionTarget: ProductionTarget(year=2031, iip_growth_pct=Decimal(12), electricity_produced_mkwh=Decimal(8700)),
    }


def _admin_errors(form_class, instance) -> dict:
    """The errors the admin form's own validation (ModelForm._post_clean) gives for this instance as it stands."""
    form = form_class(data={}, instance=instance)
    form._errors = ErrorDict()
    columns = {field.name for field in instance._meta.fields}
    # what the fields would have cleaned to: construct_instance() puts the instance's own values back
    form.cleaned_data = {name: getattr(instance, name) for name in form.fields if name in columns}
    form._post_clean()
    return {name: [str(message) for message in errors] for name, errors in form._errors.items()}


def test_every_check_constraint_of_every_admin_form_is_told_in_words(project, cluster, investor, rf, make_user):
    request = rf.get("/admin/")
    request.user = make_user("quantri", is_superuser=True, is_staff=True)
    valid = _valid_instances(project, cluster, investor)
    constrained = {model for model in admin.site._registry
                   if any(isinstance(c, models.CheckConstraint) for c in model._meta.constraints)}
    assert constrained == set(valid), "a model with check constraints and an admin form is not broken here"
    broken = set()
    with translation.override("vi"):
        for model, base in valid.items():
            form_class = admin.site._registry[model].get_form(request, None)
            assert _admin_errors(form_class, copy.copy(base)) == {}, model  # the valid row passes
            for constraint in model._meta.constraints:
                if not isinstance(constraint, models.CheckConstraint):
                    continue
                instance = copy.copy(base)
                _make(instance, constraint.condition, False)
                errors = _admin_errors(form_class, instance)
                texts = [text for messages in errors.values() for text in messages]
                if not texts:  # the model's clean() repaired the value (a blank certificate number becomes none)
                    assert _condition(instance, constraint.condition) is not False, (constraint.name, "not refused")
                    continue
                for text in texts:
                    assert constraint.name not in text and "Constraint" not in text, (constraint.name, text)
                fields = {leaf[0].split("__")[0] for leaf in _leaves(constraint.condition)}
                beside = [name for name in errors if name in fields]
                assert beside or set(errors) == {NON_FIELD_ERRORS} and not fields & set(form_class.base_fields), \
                    (constraint.name, errors)
                broken.add(constraint.name)
    assert {"project_land_gte_0", "cluster_industrial_land_within_total", "target_capital_range",
            "extension_start_before_end", "investor_tax_code_format", "report_year_range",
            "obstacle_target_after_raised", "obstacle_resolved_after_raised", "obstacle_resolved_on_iff_resolved",
            "scheme_budget_gte_0", "scheme_counterpart_gte_0", "scheme_completed_after_approved",
            "scheme_plan_budget_gte_0", "scheme_plan_counterpart_gte_0"} <= broken


def _leaves(condition):
    for child in condition.children:
        if isinstance(child, models.Q):
            yield from _leaves(child)
        else:
            yield child


def test_every_admin_and_inline_of_the_tracker_tells_constraints_in_words(rf, make_user, project):
    """The tracker's own admins and inlines carry the mixin; an admin of another package may not, but then its
    model has no constraint."""
    superuser = make_user("quantri", is_superuser=True, is_staff=True)
    request = rf.get("/admin/")
    request.user = superuser
    ours = ("tracker.", "clusters.", "projects.", "industry.")
    inlines = 0
    for model, model_admin in admin.site._registry.items():
        if not type(model_admin).__module__.startswith(ours):
            assert not model._meta.constraints, model
            continue
        assert isinstance(model_admin, ConstraintWordsAdminMixin), model
        obj = project if model is Project else model._default_manager.first()
        for instance in {None, obj}:
            assert issubclass(model_admin.get_form(request, instance), ConstraintWordsFormMixin), model
            for inline in model_admin.get_inline_instances(request, instance):
                assert isinstance(inline, ConstraintWordsAdminMixin), inline
                assert issubclass(inline.get_formset(request, instance).form, ConstraintWordsFormMixin), inline
                inlines += 1
    assert inlines >= 2  # the user page's access scope and password state


def test_a_unique_constraint_with_a_condition_is_told_in_words_not_by_its_name(project, watchlist_rules):
    """Django names a conditional unique constraint without words of its own ("Constraint “…” is violated.");
    tracker.services.validate_constraints (forms, admin, import) gives the model's words for a value in use."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from projects.models import Flag, Rule
    from tracker.services import validate_constraints

    rule = Rule.objects.first()
    values = {"project": project, "rule": rule, "severity": "warning", "since": date(2025, 1, 1),
              "first_seen": timezone.now(), "last_confirmed": timezone.now()}
    Flag.objects.create(**values)
    with translation.override("vi"):
        with pytest.raises(ValidationError) as django_says:
            Flag(**values).validate_constraints()
        assert "flag_one_open_per_project_rule" in " ".join(django_says.value.messages)  # what this replaces
        with pytest.raises(ValidationError) as refused:
            validate_constraints(Flag(**values))
    texts = refused.value.messages
    assert texts and not any("flag_one_open_per_project_rule" in text or "Constraint" in text for text in texts), texts
    assert all("đã tồn tại" in text for text in texts), texts  # Django's Vietnamese words for a value in use
    # a cleared flag does not count: a new one may open
    Flag.objects.update(cleared_at=timezone.now())
    validate_constraints(Flag(**values))
