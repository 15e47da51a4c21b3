"""The leadership dashboard: counting at the year boundary, below/within/above, pace and projection, the
establishment check at its thresholds, a commune officer's scope, a fixed number of queries."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import EstablishmentCriteria
from projects.models import AnnualTarget
from tracker.dashboard import TargetLine, establishment_check, year_fraction

D = date
BILLION = 10**9


@pytest.fixture
def target_2024(db):
    return AnnualTarget.objects.create(year=2024, projects_min=2, projects_max=3, capital_min_vnd=400 * BILLION,
                                       capital_max_vnd=600 * BILLION, clusters_min=1, clusters_max=2)


def _line(response, key):
    return next(line for line in response.context["lines"] if line.key == key)


def test_a_certificate_dated_31_12_counts_in_its_year_and_one_dated_01_01_in_the_next(staff_client, make_project, target_2024):
    make_project(code="DA-1", irc_date=D(2024, 12, 31), registered_capital_vnd=100 * BILLION)
    make_project(code="DA-2", irc_date=D(2025, 1, 1), registered_capital_vnd=50 * BILLION)
    make_project(code="DA-3", irc_date=None, policy_approval_date=D(2024, 1, 1), registered_capital_vnd=10 * BILLION)
    response = staff_client.get(reverse("home"), {"year": 2024})
    assert _line(response, "projects").actual == 2 and _line(response, "capital").actual == 110
    response = staff_client.get(reverse("home"), {"year": 2025})
    assert _line(response, "projects").actual == 1 and _line(response, "capital").actual == 50
    # Every number links to the list behind it, which counts the same way.
    listed = staff_client.get(_line(staff_client.get(reverse("home"), {"year": 2024}), "projects").url)
    assert sorted(p.code for p in listed.context["object_list"]) == ["DA-1", "DA-3"]


@pytest.mark.parametrize("actual, position", [(1, "below"), (2, "within"), (3, "within"), (4, "above")])
def test_below_within_above(actual, position):
    assert TargetLine("projects", actual, 2, 3, Decimal(1), "").position == position


def test_no_target_means_no_position():
    assert TargetLine("projects", 5, None, None, Decimal(1), "").position is None


def test_pace_and_projection_on_a_fixed_date():
    fraction = year_fraction(2024, D(2024, 7, 1))  # 2024 is a leap year: 183 of 366 days
    assert fraction == Decimal(183) / Decimal(366)
    line = TargetLine("projects", 3, 5, 8, fraction, "")
    assert line.expected_min == Decimal(5) * fraction and round(line.expected_min, 2) == Decimal("2.50")
    assert round(line.projection, 2) == Decimal("6.00") and line.on_pace is True
    assert TargetLine("projects", 2, 5, 8, fraction, "").on_pace is False
    assert year_fraction(2023, D(2024, 7, 1)) == 1 and year_fraction(2025, D(2024, 7, 1)) == 0
    assert TargetLine("projects", 0, 5, 8, Decimal(0), "").projection is None
    assert year_fraction(2024, D(2024, 12, 31)) == 1


@pytest.mark.parametrize(
    "average, unleased, may, reason",
    [
        (Decimal("50.01"), Decimal(500), True, "occupancy"),
        (Decimal("50"), Decimal("100.01"), False, "neither"),
        (Decimal("50"), Decimal(100), True, "unleased"),
        (None, Decimal(0), True, "unleased"),
    ],
)
def test_establishment_check_at_its_thresholds(average, unleased, may, reason):
    criteria = EstablishmentCriteria(occupancy_over_pct=Decimal(50), unleased_at_most_ha=Decimal(100))
    assert establishment_check(average, unleased, 2, criteria) == {"may_establish": may, "reason": reason}
    assert establishment_check(None, Decimal(0), 0, criteria)["reason"] == "no_cluster"


def test_establishment_thresholds_are_data(staff_client, make_cluster, make_project, db):
    cluster = make_cluster(industrial_land_ha=Decimal(200), total_area_ha=Decimal(250))
    make_project(cluster=cluster, land_area_ha=Decimal(90))  # 45 % occupied, 110 ha unleased
    # With the fixtures' other cluster of the commune (50 ha, empty): average 22,5 %, 160 ha unleased.
    row = staff_client.get(reverse("home")).context["by_commune"][0]
    assert row["average_occupancy"] == Decimal("22.5") and row["unleased_ha"] == Decimal(160)
    assert row["may_establish"] is False
    EstablishmentCriteria.objects.update(occupancy_over_pct=Decimal(20))
    row = staff_client.get(reverse("home")).context["by_commune"][0]
    assert row["may_establish"] is True and row["reason"] == "occupancy"


def test_the_dashboard_costs_a_fixed_number_of_queries(staff_client, make_cluster, make_project, target_2024,
                                                      django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_project(irc_date=D(2024, 3, 1))
    with CaptureQueriesContext(connection) as small:
        staff_client.get(reverse("home"), {"year": 2024})
    for n in range(15):
        cluster = make_cluster(industrial_land_ha=Decimal(100), total_area_ha=Decimal(100))
        for _ in range(3):
            make_project(cluster=cluster, irc_date=D(2024, 5, 1))
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        with CaptureQueriesContext(connection) as large:
            response = staff_client.get(reverse("home"), {"year": 2024})
    assert len(large.captured_queries) == len(small.captured_queries) == DASHBOARD_QUERIES
    assert len(response.context["clusters"]) == 16


# Pinned: session (read, and its write in a savepoint: 4), user, permissions (2), the year's target, the projects
# attracted, the clusters established, the clusters, their summary, the criteria, open flags by rule, the coming-due
# counts by rule (the stored dates), the rules, the last scan, the obstacles not yet resolved by kind and agency, the
# clusters' wastewater plants from their infrastructure records (issue 16).
DASHBOARD_QUERIES = 19


def test_the_coming_due_counts_by_rule_link_to_the_list_filtered_by_rule(client, make_user, make_project):
    from datetime import timedelta

    from django.utils import timezone

    from projects.watchlist.scans import run_scan

    today = timezone.localdate()
    make_project(construction_start_deadline=today + timedelta(days=29))  # comes due in 30 days
    make_project(construction_start_deadline=today + timedelta(days=30))  # in 31: not counted
    run_scan()
    client.force_login(make_user("lanhdao", "leadership"))
    response = client.get(reverse("home"))
    counts = {rule.code: due for rule, _n, _critical, due in response.context["rules"]}
    assert counts["MILESTONE_OVERDUE"] == 1 and counts["LAND_UNUSED_12M"] == 0
    html = response.content.decode()
    assert 'href="/watchlist/coming-due/?days=30&amp;rule=MILESTONE_OVERDUE">1</a>' in html
    assert "Sắp đến hạn trong 30 ngày" in html
    # A viewer may not open the list: no column.
    client.force_login(make_user("xem", "viewer"))
    response = client.get(reverse("home"))
    assert not response.context["coming_due"] and "Sắp đến hạn trong" not in response.content.decode()


def test_bad_year_falls_back_to_this_year(staff_client, db):
    for value in ("abc", "1800", ""):
        assert staff_client.get(reverse("home"), {"year": value}).status_code == 200


def test_empty_database_renders(staff_client, db):
    html = staff_client.get(reverse("home")).content.decode()
    assert "Chỉ tiêu năm" in html and "chưa có chỉ tiêu" in html


def test_leadership_edits_targets_staff_may_not(make_user, client, target_2024):
    from django.test import Client

    leader, staff = Client(), Client()
    leader.force_login(make_user("lanhdao", "leadership"))
    staff.force_login(make_user("cv", "staff"))
    url = reverse("targets:update", args=[target_2024.pk])
    assert staff.get(url).status_code == 403
    data = {"year": "2024", "projects_min": "5", "projects_max": "8", "capital_min_vnd": "400", "capital_max_vnd": "600",
            "clusters_min": "1", "clusters_max": "2", "change_reason": "Theo kế hoạch điều chỉnh"}
    assert staff.post(url, data).status_code == 403
    assert leader.post(url, data).status_code == 302
    target_2024.refresh_from_db()
    assert target_2024.projects_min == 5 and target_2024.capital_max_vnd == 600 * BILLION
    response = leader.post(url, {**data, "projects_max": "4"})
    assert "projects_max" in response.context["form"].errors
    html = leader.get(reverse("targets:history", args=[target_2024.pk])).content.decode()
    assert "Theo kế hoạch điều chỉnh" in html and "lanhdao" in html


def test_capital_implemented_is_each_projects_latest_report(staff_client, make_project, target_2024):
    from projects.models import CapitalReport
    from projects.services import project_record_create, project_record_delete

    first = make_project(code="DA-1", irc_date=D(2024, 3, 1), registered_capital_vnd=100 * BILLION, status="operating")
    second = make_project(code="DA-2", irc_date=D(2023, 3, 1), registered_capital_vnd=50 * BILLION, status="operating")
    project_record_create(model=CapitalReport, project=first, year=2024, period="H1", implemented_capital_vnd=20 * BILLION)
    latest = project_record_create(model=CapitalReport, project=first, year=2024, period="H2", implemented_capital_vnd=35 * BILLION)
    project_record_create(model=CapitalReport, project=second, year=2024, period="Y", implemented_capital_vnd=50 * BILLION)
    context = staff_client.get(reverse("home"), {"year": 2024}).context
    assert context["attracted"] == {"n": 1, "capital": 100 * BILLION, "implemented": 35 * BILLION}
    assert context["operating"] == {"n": 2, "capital": 150 * BILLION, "implemented": 85 * BILLION}
    project_record_delete(record=latest)  # the latest report withdrawn: the one before it counts again
    assert staff_client.get(reverse("home"), {"year": 2024}).context["operating"]["implemented"] == 70 * BILLION


def test_the_capital_card_keeps_the_fraction_of_a_billion(staff_client, make_project):
    # 37,5 billion against a target of 37,6–40: below it, which whole billions (37 against 37–40) read as within.
    AnnualTarget.objects.create(year=2024, projects_min=1, projects_max=2, capital_min_vnd=37_600_000_000,
                                capital_max_vnd=40 * BILLION, clusters_min=0, clusters_max=1)
    make_project(irc_date=D(2024, 5, 1), registered_capital_vnd=37_500_000_000)
    response = staff_client.get(reverse("home"), {"year": 2024})
    line = _line(response, "capital")
    assert line.actual == Decimal("37.5") and line.minimum == Decimal("37.6") and line.position == "below"
    card = re.search(r'id="target-capital".*?</div></div></div>', response.content.decode(), flags=re.S).group(0)
    assert ">37,5</a>" in card and "37,6–40" in card


# --- the year the dashboard opens on (issue 12, defect 5) ---------------------------------------------------------


def _targets(year):
    return AnnualTarget.objects.create(year=year, projects_min=5, projects_max=8, capital_min_vnd=400 * BILLION,
                                       capital_max_vnd=600 * BILLION, clusters_min=1, clusters_max=2)


def test_without_a_year_in_the_url_the_dashboard_opens_on_the_latest_year_with_targets(staff_client, make_project):
    from django.utils import timezone

    this_year = timezone.localdate().year
    _targets(this_year - 3)
    _targets(this_year - 2)
    make_project(irc_date=D(this_year - 2, 6, 1))
    response = staff_client.get(reverse("home"))
    assert response.context["year"] == this_year - 2 and response.context["target"].year == this_year - 2
    assert _line(response, "projects").actual == 1 and _line(response, "projects").minimum == 5
    html = response.content.decode()
    assert f'<option value="{this_year - 2}" selected>' in html
    # Targets already set for next year do not make the dashboard open on a year that has not begun.
    _targets(this_year + 1)
    assert staff_client.get(reverse("home")).context["year"] == this_year - 2
    # The year asked for is the year shown, targets or not; so is this year once it has targets.
    assert staff_client.get(reverse("home"), {"year": this_year}).context["year"] == this_year
    _targets(this_year)
    assert staff_client.get(reverse("home")).context["year"] == this_year


def test_a_year_without_targets_says_so_and_leadership_gets_a_link_to_set_them(make_user, staff_client, db):
    from django.test import Client

    _targets(2024)
    leader = Client()
    leader.force_login(make_user("lanhdao", "leadership"))
    create = reverse("targets:create")
    html = leader.get(reverse("home"), {"year": 2023}).content.decode()
    notice = re.search(r'<div[^>]*id="no-targets".*?</div>', html, flags=re.S).group(0)
    assert "Năm 2023 chưa có chỉ tiêu" in notice
    assert f'href="{create}?year=2023"' in notice
    assert f'href="{reverse("home")}?year=2024"' in notice  # the latest year that has them
    # Staff may not set targets: the notice, without the link.
    html = staff_client.get(reverse("home"), {"year": 2023}).content.decode()
    assert "Năm 2023 chưa có chỉ tiêu" in html and create not in html
    # A year with targets has no notice.
    assert 'id="no-targets"' not in leader.get(reverse("home"), {"year": 2024}).content.decode()
    # The link opens the form with the year filled in.
    form = leader.get(create, {"year": 2023}).context["form"]
    assert form["year"].value() == 2023


def test_the_last_scan_is_dated_in_vietnamese(staff_client, db):
    from datetime import timedelta

    from django.utils import timezone

    from projects.models import Scan

    finished = timezone.now() - timedelta(minutes=7, seconds=30)
    Scan.objects.create(started_at=finished, finished_at=finished, as_of=finished.date(), status=Scan.Status.SUCCEEDED)
    html = staff_client.get(reverse("home")).content.decode()
    heading = re.search(r'id="flags-heading">.*?</h2>', html, flags=re.S).group(0)
    assert "cách đây 7\xa0phút" in heading and "minute" not in heading
