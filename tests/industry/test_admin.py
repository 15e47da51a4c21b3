"""The admin of obstacles and khuyến công schemes: a repair made there keeps what the pages keep (the force-majeure
period on the obstacle's dates, the project of a converted obstacle, who recorded an action)."""
from datetime import date

import pytest
from django.urls import reverse

from industry.models import Obstacle, Scheme, SchemePlan
from industry.services.obstacles import obstacle_convert_to_force_majeure, obstacle_create


@pytest.fixture
def admin_user(make_user):
    return make_user("quantri", is_superuser=True, is_staff=True)


def _obstacle_post(obstacle, **values):
    data = {"title": obstacle.title, "description": "", "kind": obstacle.kind, "cluster": obstacle.cluster_id,
            "agency": obstacle.agency, "raised_on": obstacle.raised_on.strftime("%d/%m/%Y"), "target_date": "",
            "status": obstacle.status, "resolved_on": "",
            "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0", "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "1000"}
    data.update(values)
    return data


def test_resolving_a_converted_obstacle_in_the_admin_moves_its_period_and_keeps_its_project(client, admin_user,
                                                                                            project, make_project):
    obstacle = obstacle_create(title="Vướng GPMB", kind="land_clearance", project=project, agency="UBND xã",
                               raised_on=date(2025, 1, 10), status="open")
    period = obstacle_convert_to_force_majeure(obstacle=obstacle, today=date(2025, 2, 1))
    other = make_project(code="DA-KHAC", cluster=project.cluster)
    client.force_login(admin_user)
    url = reverse("admin:industry_obstacle_change", args=[obstacle.pk])
    page = client.get(url).content.decode()
    assert 'name="project"' not in page  # read-only: the period belongs to the project
    data = _obstacle_post(obstacle, project=other.pk, status="resolved", resolved_on="20/01/2025",
                          **{"actions-TOTAL_FORMS": "1", "actions-0-taken_on": "15/01/2025",
                             "actions-0-description": "Họp với các hộ dân"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    obstacle.refresh_from_db()
    period.refresh_from_db()
    assert obstacle.project == project and obstacle.version == 3  # created, converted, saved here
    assert (period.start_date, period.end_date) == (date(2025, 1, 10), date(2025, 1, 20))  # raised to resolved
    action = obstacle.actions.get()
    assert action.recorded_by == admin_user and action.taken_on == date(2025, 1, 15)


def test_an_action_before_the_obstacle_was_raised_is_refused_in_the_admin_beside_its_date(client, admin_user, cluster):
    obstacle = obstacle_create(title="Thiếu điện", kind="power_grid", cluster=cluster, agency="Điện lực",
                               raised_on=date(2025, 1, 10), status="open")
    client.force_login(admin_user)
    data = _obstacle_post(obstacle, **{"actions-TOTAL_FORMS": "1", "actions-0-taken_on": "09/01/2025",
                                       "actions-0-description": "Quá sớm"})
    response = client.post(reverse("admin:industry_obstacle_change", args=[obstacle.pk]), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert "taken_on" in errors and not obstacle.actions.exists()
    data["actions-0-taken_on"] = "10/01/2025"  # the day it was raised: allowed
    assert client.post(reverse("admin:industry_obstacle_change", args=[obstacle.pk]), data).status_code == 302
    assert obstacle.actions.count() == 1


def test_the_scheme_and_plan_admin_pages_open_and_list(client, admin_user, cluster, investor):
    SchemePlan.objects.create(year=2026, schemes_planned=3, province_budget_vnd=10**9)
    Scheme.objects.create(year=2026, name="Hỗ trợ máy móc", kind="equipment", investor=investor,
                          commune=cluster.commune, province_budget_vnd=350_000_000, approved_on=date(2026, 3, 1))
    client.force_login(admin_user)
    for name in ("scheme", "schemeplan", "obstacle"):
        assert client.get(reverse(f"admin:industry_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:industry_{name}_add")).status_code == 200
    assert "Hỗ trợ máy móc" in client.get(reverse("admin:industry_scheme_changelist")).content.decode()
