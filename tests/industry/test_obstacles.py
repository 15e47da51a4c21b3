"""Obstacles: their rules (dates, cluster and project), the dated actions, and the one-step conversion of a
State-caused obstacle into a force-majeure period that moves the watchlist's clocks by exactly its days."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from industry.models import Obstacle
from industry.services.obstacles import (
    obstacle_action_create, obstacle_convert_to_force_majeure, obstacle_create, obstacle_update,
)
from projects.models import Flag, ForceMajeurePeriod, Project
from projects.watchlist.rules import clock_end
from projects.watchlist.scans import run_scan

D = date


def fields(**values):
    base = {"title": "Chưa giải phóng mặt bằng lô C3", "kind": Obstacle.Kind.LAND_CLEARANCE, "agency": "UBND xã Lương Sơn",
            "raised_on": D(2023, 8, 1)}
    base.update(values)
    return base


@pytest.fixture
def unused_land(make_project):
    """Land handed over on 03/05/2023, construction not started: critical from 03/05/2024 (tests/projects/test_scans.py)."""
    return make_project(code="DA-UNUSED", land_handover_date=D(2023, 5, 3), irc_date=D(2023, 1, 10))


# ---- the obstacle's own rules ------------------------------------------------------------------------------------


def test_a_project_alone_gives_the_obstacle_its_cluster(project, staff_user):
    obstacle = obstacle_create(user=staff_user, **fields(project=project))
    assert obstacle.cluster == project.cluster
    assert obstacle.history.count() == 1 and obstacle.history.first().history_user == staff_user


def test_an_obstacle_needs_a_cluster_or_a_project(db, staff_user):
    with pytest.raises(ValidationError) as error:
        obstacle_create(user=staff_user, **fields())
    assert "cluster" in error.value.message_dict


def test_the_projects_cluster_must_be_the_obstacles(project, make_cluster, staff_user):
    other = make_cluster(name="Cụm khác")
    with pytest.raises(ValidationError) as error:
        obstacle_create(user=staff_user, **fields(cluster=other, project=project))
    assert "project" in error.value.message_dict
    assert obstacle_create(user=staff_user, **fields(cluster=project.cluster, project=project)).pk


def test_resolved_needs_its_day_and_not_before_the_day_it_was_raised(cluster, staff_user):
    with pytest.raises(ValidationError) as error:
        obstacle_create(user=staff_user, **fields(cluster=cluster, status="resolved"))
    assert "resolved_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        obstacle_create(user=staff_user, **fields(cluster=cluster, status="resolved", resolved_on=D(2023, 7, 31)))
    assert "resolved_on" in error.value.message_dict
    # The day it was raised is allowed: resolved the same day.
    same_day = obstacle_create(user=staff_user, **fields(cluster=cluster, status="resolved", resolved_on=D(2023, 8, 1)))
    assert same_day.resolved_on == D(2023, 8, 1)
    with pytest.raises(ValidationError) as error:  # an open obstacle has no resolved date
        obstacle_create(user=staff_user, **fields(cluster=cluster, status="open", resolved_on=D(2023, 8, 5)))
    assert "resolved_on" in error.value.message_dict


def test_the_target_date_and_raised_on_in_the_future_are_refused(cluster, staff_user):
    with pytest.raises(ValidationError) as error:
        obstacle_create(user=staff_user, **fields(cluster=cluster, target_date=D(2023, 7, 31)))
    assert "target_date" in error.value.message_dict
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        obstacle_create(user=staff_user, **fields(cluster=cluster, raised_on=tomorrow))
    assert "raised_on" in error.value.message_dict


def test_overdue_the_day_after_the_target_date_unless_resolved(cluster, staff_user):
    obstacle = obstacle_create(user=staff_user, **fields(cluster=cluster, target_date=D(2023, 9, 30)))
    assert not obstacle.is_overdue(D(2023, 9, 30)) and obstacle.is_overdue(D(2023, 10, 1))
    obstacle = obstacle_update(obstacle=obstacle, user=staff_user, status="resolved", resolved_on=D(2023, 10, 5))
    assert not obstacle.is_overdue(D(2023, 10, 6))


def test_an_action_is_dated_from_the_day_the_obstacle_was_raised(cluster, staff_user):
    obstacle = obstacle_create(user=staff_user, **fields(cluster=cluster))
    with pytest.raises(ValidationError) as error:
        obstacle_action_create(obstacle=obstacle, user=staff_user, taken_on=D(2023, 7, 31), description="Họp")
    assert "taken_on" in error.value.message_dict
    action = obstacle_action_create(obstacle=obstacle, user=staff_user, taken_on=D(2023, 8, 1), description="Họp")
    assert action.recorded_by == staff_user and list(obstacle.actions.all()) == [action]


# ---- the force-majeure conversion (Decree 102/2024 Art. 31(1),(4); docs/watchlist.md) -----------------------------


def test_the_conversion_creates_the_period_with_the_obstacles_dates(unused_land, staff_user):
    Project.objects.filter(pk=unused_land.pk).update(next_check_on=D(2024, 5, 3))
    obstacle = obstacle_create(user=staff_user, **fields(project=unused_land, status="resolved", resolved_on=D(2023, 8, 10)))
    period = obstacle_convert_to_force_majeure(obstacle=obstacle, user=staff_user)
    assert (period.project, period.start_date, period.end_date) == (unused_land, D(2023, 8, 1), D(2023, 8, 10))
    assert "Decree 102/2024" in period.reason or "Nghị định 102/2024" in period.reason
    obstacle.refresh_from_db()
    assert obstacle.force_majeure_period == period and period.obstacle == obstacle
    assert period.history.first().history_user == staff_user
    # Created as every other write to a project's records: the project is due for a rescan.
    assert Project.objects.get(pk=unused_land.pk).next_check_on is None


def test_the_watchlist_clock_moves_by_exactly_the_obstacles_days(unused_land, staff_user):
    run_scan(as_of=D(2024, 5, 3))
    flag = Flag.objects.get(project=unused_land, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True)
    assert flag.severity == "critical" and flag.since == D(2024, 5, 3)

    obstacle = obstacle_create(user=staff_user, **fields(project=unused_land, status="resolved", resolved_on=D(2023, 8, 10)))
    period = obstacle_convert_to_force_majeure(obstacle=obstacle, user=staff_user)
    days = (period.end_date - period.start_date).days + 1
    assert days == 10
    # The rule's crossing date: 03/05/2024 + the obstacle's 10 days.
    assert clock_end(D(2023, 5, 3), months=12, force_majeure=[(period.start_date, period.end_date)]) == D(2024, 5, 3) + timedelta(days=days)

    run_scan(as_of=D(2024, 5, 12))
    flag = Flag.objects.get(project=unused_land, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True)
    assert flag.severity == "warning"  # the day before the moved crossing
    run_scan(as_of=D(2024, 5, 13))
    flag = Flag.objects.get(project=unused_land, rule__code="LAND_UNUSED_12M", cleared_at__isnull=True)
    assert flag.severity == "critical" and flag.since == D(2024, 5, 13)


def test_an_open_obstacle_pauses_to_today_and_its_resolution_moves_the_end(unused_land, staff_user):
    today = timezone.localdate()
    obstacle = obstacle_create(user=staff_user, **fields(project=unused_land))
    period = obstacle_convert_to_force_majeure(obstacle=obstacle, user=staff_user)
    assert (period.start_date, period.end_date) == (D(2023, 8, 1), today)
    Project.objects.filter(pk=unused_land.pk).update(next_check_on=today)
    obstacle.refresh_from_db()
    obstacle_update(obstacle=obstacle, user=staff_user, status="resolved", resolved_on=D(2023, 9, 15))
    period.refresh_from_db()
    assert (period.start_date, period.end_date) == (D(2023, 8, 1), D(2023, 9, 15))
    assert Project.objects.get(pk=unused_land.pk).next_check_on is None  # rescanned for the new end


def test_the_conversion_is_refused_without_a_project_or_twice_or_for_capital(unused_land, cluster, staff_user):
    cluster_wide = obstacle_create(user=staff_user, **fields(cluster=cluster))
    with pytest.raises(ValidationError):
        obstacle_convert_to_force_majeure(obstacle=cluster_wide, user=staff_user)
    capital = obstacle_create(user=staff_user, **fields(project=unused_land, kind=Obstacle.Kind.CAPITAL))
    with pytest.raises(ValidationError):
        obstacle_convert_to_force_majeure(obstacle=capital, user=staff_user)
    obstacle = obstacle_create(user=staff_user, **fields(project=unused_land))
    obstacle_convert_to_force_majeure(obstacle=obstacle, user=staff_user)
    with pytest.raises(ValidationError):
        obstacle_convert_to_force_majeure(obstacle=Obstacle.objects.get(pk=obstacle.pk), user=staff_user)
    assert ForceMajeurePeriod.objects.filter(project=unused_land).count() == 1


def test_a_converted_obstacle_keeps_its_project(unused_land, make_project, staff_user):
    obstacle = obstacle_create(user=staff_user, **fields(project=unused_land))
    obstacle_convert_to_force_majeure(obstacle=obstacle, user=staff_user)
    obstacle.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        obstacle_update(obstacle=obstacle, user=staff_user, project=make_project(code="DA-OTHER"))
    assert "project" in error.value.message_dict
