"""Indexes the pages lean on, on PostgreSQL.

The counts of open flags by rule and severity, which the watchlist and the dashboard draw on every request, are
answered by the index flag_open_counts alone (an index-only scan of the open flags, about half the time of reading
the table at 59,000 open flags: docs/benchmarks.md). The counts must stay COUNT(*) over columns the index holds: a
COUNT(id), or a filter on another column, would send PostgreSQL back to the table. And they must stay right.
The projects list sorted by registered capital reads the index project_capital."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Flag, Project, Rule

pytestmark = pytest.mark.postgres


@pytest.fixture
def open_flags(cluster, investor, watchlist_rules):
    projects = Project.objects.bulk_create(
        Project(code=f"DA-C-{i:04d}", name=f"Nhà máy {i}", cluster=cluster, investor=investor, registered_capital_vnd=1)
        for i in range(300))
    rules = list(Rule.objects.order_by("code"))
    now = timezone.now()
    Flag.objects.bulk_create(
        Flag(project=project, rule=rules[i % len(rules)], severity=("critical", "warning", "info")[i % 3],
             state=Flag.State.DISMISSED if i % 10 == 0 else Flag.State.NEW,
             since=date(2024, 1, 1) + timedelta(days=i), first_seen=now, last_confirmed=now,
             cleared_at=now if i % 7 == 0 else None)
        for i, project in enumerate(projects))
    return rules


def _count_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries
            if q["sql"].startswith('SELECT "projects_flag"."rule_id"') and "GROUP BY" in q["sql"]]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be read whole: is the index usable?
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("url_name", ["watchlist:list", "home"])
def test_the_counts_of_open_flags_are_read_from_the_index_alone(staff_client, open_flags, url_name):
    queries = _count_queries(staff_client, reverse(url_name))
    assert len(queries) == 1, queries
    plan = _plan(queries[0])
    assert "Index Only Scan using flag_open_counts" in plan, plan


def test_the_counts_by_rule_are_those_of_the_open_flags(staff_client, open_flags):
    response = staff_client.get(reverse("watchlist:list"))
    shown = {rule.code: (n, critical) for rule, n, critical in response.context["rule_counts"]}
    open_ = Flag.objects.filter(cleared_at__isnull=True)
    for rule in open_flags:
        flags = open_.filter(rule=rule)
        assert shown[rule.code] == (flags.count(), flags.filter(severity="critical").count())
    assert sum(n for n, _critical in shown.values()) == open_.count() > 0


def test_the_dashboards_counts_are_those_of_the_open_flags_not_dismissed(staff_client, open_flags):
    context = staff_client.get(reverse("home")).context
    counted = Flag.objects.filter(cleared_at__isnull=True).exclude(state=Flag.State.DISMISSED)
    assert {value: n for value, _label, n in context["severities"]} == {
        value: counted.filter(severity=value).count() for value in ("critical", "warning", "info")}
    for rule, n, critical, _due in context["rules"]:
        assert (n, critical) == (counted.filter(rule=rule).count(), counted.filter(rule=rule, severity="critical").count())
    assert Flag.objects.filter(cleared_at__isnull=True, state=Flag.State.DISMISSED).exists()  # some were left out


def test_the_projects_list_sorted_by_capital_reads_the_capital_index(staff_user, cluster, investor):
    """The index project_capital (projects 0020) serves the projects list's sort by registered capital, both ways:
    the page's 25 projects are read from it instead of sorting every project (0.5 ms against 25 ms at 80,000)."""
    from projects.selectors import project_list

    Project.objects.bulk_create(
        Project(code=f"DA-K-{i:05d}", name=f"Nhà máy {i}", cluster=cluster, investor=investor,
                registered_capital_vnd=(i * 7919) % 100_000 * 10**6)
        for i in range(3000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    for order in ("capital", "-capital"):
        queryset = project_list(filters={"o": order}, user=staff_user).qs[:25]
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "using project_capital on" in plan, plan
