"""The cluster and investor fields with thousands of records: a code field with a server-side autocomplete (no
list of options in the page), which works without JavaScript by typing the code; and the watchlist's page of flags,
sorted cheaply but in the same order as before, at a fixed number of queries."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from projects.models import Flag, Investor, Project, Rule

UNKNOWN_CLUSTER = "Không có cụm công nghiệp nào anh/chị được chọn mang mã này."
UNKNOWN_INVESTOR = "Không có nhà đầu tư nào mang mã số thuế này."


def _project_data(cluster_code, investor_code):
    return {"code": "DA-AC-01", "name": "Nhà máy gõ mã", "cluster": cluster_code, "investor": investor_code,
            "industry": "food", "registered_capital_vnd": "12,5", "land_area_ha": "1,5", "irc_date": "15/05/2024",
            "status": "registered", "workers": "0"}


def test_cluster_autocomplete_finds_by_part_of_the_name_accents_ignored_exact_code_first(staff_client, make_cluster):
    make_cluster(code="CCN-LS-02", name="Cụm Lương Sơn mở rộng")
    make_cluster(code="CCN-LS-01", name="Cụm Lương Sơn")
    make_cluster(code="CCN-XR", name="Xóm Rụt")
    make_cluster(code="CCN-GT", name="Cụm Lương Sơn cũ", stage=Cluster.Stage.DISSOLVED)
    url = reverse("clusters:autocomplete")

    rows = staff_client.get(url, {"q": "cum luong son"}).json()["results"]
    assert [row["value"] for row in rows] == ["CCN-LS-01", "CCN-GT", "CCN-LS-02"]  # by name
    assert rows[0]["text"] == "CCN-LS-01 – Cụm Lương Sơn"
    assert [row["value"] for row in staff_client.get(url, {"q": "cum luong son", "open": "1"}).json()["results"]] == [
        "CCN-LS-01", "CCN-LS-02"]  # a new project cannot go into a dissolved cluster
    assert staff_client.get(url, {"q": "ccn-xr"}).json()["results"][0]["value"] == "CCN-XR"
    assert staff_client.get(url, {"q": "không có"}).json()["results"] == []


def test_autocomplete_answers_at_most_20_and_puts_the_exact_code_first(staff_client, make_cluster):
    for n in range(25):
        make_cluster(code=f"CCN-{n:02d}", name=f"Cụm {n:02d}")
    make_cluster(code="CCN-ZZ", name="Zô cuối bảng chữ cái")
    rows = staff_client.get(reverse("clusters:autocomplete"), {"q": "ccn"}).json()["results"]
    assert len(rows) == 20
    rows = staff_client.get(reverse("clusters:autocomplete"), {"q": "CCN-ZZ"}).json()["results"]
    assert [row["value"] for row in rows] == ["CCN-ZZ"]


def test_investor_autocomplete_by_tax_code_or_name(staff_client, investor):
    Investor.objects.create(name="Công ty Cổ phần Đông Á", tax_code="0209876543")
    url = reverse("investors:autocomplete")
    assert staff_client.get(url, {"q": "dong a"}).json()["results"] == [
        {"value": "0209876543", "text": "0209876543 – Công ty Cổ phần Đông Á"}]
    assert [row["value"] for row in staff_client.get(url, {"q": "0101234567"}).json()["results"]] == ["0101234567"]


def test_the_lists_send_no_option_per_cluster_and_filter_by_the_code_typed(staff_client, make_cluster, make_project):
    other = make_cluster(code="CCN-KHAC", name="Cụm khác")
    make_project(code="DA-1")
    make_project(code="DA-2", cluster=other)
    for name in ("projects:list", "watchlist:list"):
        page = staff_client.get(reverse(name)).content.decode()
        box = page.split('name="cluster"')[0].rsplit("<", 1)[1] + page.split('name="cluster"')[1].split(">")[0]
        assert box.startswith("input") and 'data-autocomplete="/clusters/autocomplete/"' in box
        assert "Cụm khác</option>" not in page
    response = staff_client.get(reverse("projects:list"), {"cluster": "ccn-khac"})  # case does not matter
    assert [p.code for p in response.context["object_list"]] == ["DA-2"]
    assert 'data-autocomplete-label="CCN-KHAC – Cụm khác"' in response.content.decode()  # the picked cluster's name


def test_an_unknown_cluster_code_in_a_filter_says_so_in_vietnamese_and_keeps_the_text(staff_client, make_project):
    make_project(code="DA-1")
    response = staff_client.get(reverse("projects:list"), {"cluster": "CCN-KHONG-CO"})
    assert UNKNOWN_CLUSTER in response.content.decode()
    assert 'value="CCN-KHONG-CO"' in response.content.decode()
    assert [p.code for p in response.context["object_list"]] == ["DA-1"]  # the bad filter is ignored, as said


@pytest.mark.parametrize("name", ["projects:list", "watchlist:list", "industry:obstacle_list",
                                  "industry:infrastructure_list"])
def test_a_nul_character_in_a_code_is_an_unknown_code_not_a_server_error(staff_client, make_project, name):
    """PostgreSQL refuses a NUL in a query (found by the fuzz test on PostgreSQL: a 500): no code holds one."""
    make_project()
    response = staff_client.get(reverse(name), {"cluster": "CCN\x00"})
    assert response.status_code == 200
    assert "cluster" in response.context["filter"].form.errors


@pytest.mark.parametrize("name", ["clusters:autocomplete", "investors:autocomplete", "projects:autocomplete"])
def test_a_nul_character_typed_in_an_autocomplete_is_left_out(staff_client, make_project, name):
    project = make_project()
    response = staff_client.get(reverse(name), {"q": project.code + "\x00"})
    assert response.status_code == 200


def test_project_form_without_javascript_takes_the_codes(staff_client, cluster, investor):
    response = staff_client.post(reverse("projects:create"), _project_data(cluster.code.lower(), " 0101234567 "))
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(code="DA-AC-01")
    assert project.cluster == cluster and project.investor == investor
    # The edit form shows the codes, and the names beside them for the autocomplete.
    page = staff_client.get(reverse("projects:update", args=[project.pk])).content.decode()
    assert f'value="{cluster.code}"' in page and f'data-autocomplete-label="{cluster.code} – Xóm Rụt"' in page
    assert 'value="0101234567"' in page and 'data-autocomplete-label="0101234567 – Công ty TNHH Thử nghiệm"' in page
    assert "<option value=\"%s\"" % cluster.pk not in page


def test_project_form_refuses_unknown_codes_and_keeps_what_was_typed(staff_client, cluster, investor):
    response = staff_client.post(reverse("projects:create"), _project_data("CCN-SAI", "0999999999"))
    assert response.status_code == 200
    page = response.content.decode()
    assert UNKNOWN_CLUSTER in page and UNKNOWN_INVESTOR in page
    assert 'value="CCN-SAI"' in page and 'value="0999999999"' in page and 'value="Nhà máy gõ mã"' in page
    assert not Project.objects.filter(code="DA-AC-01").exists()


def test_a_dissolved_cluster_is_refused_for_a_new_project(staff_client, make_cluster, investor):
    gone = make_cluster(code="CCN-GT", stage=Cluster.Stage.DISSOLVED)
    response = staff_client.post(reverse("projects:create"), _project_data(gone.code, investor.tax_code))
    assert response.status_code == 200 and UNKNOWN_CLUSTER in response.content.decode()


def test_the_links_that_name_a_cluster_or_investor_fill_the_new_project_form(staff_client, cluster, investor):
    page = staff_client.get(reverse("clusters:detail", args=[cluster.pk])).content.decode()
    assert f"/projects/new/?cluster={cluster.code}" in page
    form = staff_client.get(reverse("projects:create"), {"cluster": cluster.code, "investor": investor.tax_code}).context["form"]
    assert form["cluster"].value() == cluster.code and form["investor"].value() == investor.tax_code


# ---- the watchlist's page ------------------------------------------------------------------------------------


def _flags(make_project, count, prefix="DA"):
    """`count` open flags of every severity, several on one day, on projects whose codes do not follow their ids."""
    rules = list(Rule.objects.order_by("code"))
    now = timezone.now()
    flags = []
    for n in range(count):
        project = make_project(code=f"{prefix}-{(n * 7) % count:03d}")
        flags.append(Flag.objects.create(
            project=project, rule=rules[n % len(rules)], severity=("critical", "warning", "info")[n % 3],
            since=date(2025, 1, 1) + timedelta(days=n % 4), first_seen=now, last_confirmed=now))
    return flags


def test_the_watchlist_shows_the_most_severe_then_the_oldest_then_by_project_code(staff_client, make_project):
    flags = _flags(make_project, 30)
    rank = {"critical": 3, "warning": 2, "info": 1}
    expected = [f.pk for f in sorted(flags, key=lambda f: (-rank[f.severity], f.since, f.project.code, f.pk))]
    first = staff_client.get(reverse("watchlist:list"), {"per_page": 25})
    second = staff_client.get(reverse("watchlist:list"), {"per_page": 25, "page": 2})
    assert [f.pk for f in first.context["object_list"]] + [f.pk for f in second.context["object_list"]] == expected
    assert first.context["paginator"].count == 30
    # A chosen sort still applies, with the stable order behind it.
    by_project = staff_client.get(reverse("watchlist:list"), {"o": "project", "per_page": 50}).context["object_list"]
    assert [f.project.code for f in by_project] == sorted(f.project.code for f in flags)
    # A closed flag is not on the default list.
    Flag.objects.filter(pk=expected[0]).update(cleared_at=timezone.now())
    assert expected[0] not in [f.pk for f in staff_client.get(reverse("watchlist:list")).context["object_list"]]


def _count(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context.captured_queries)


def test_the_watchlist_costs_a_fixed_number_of_queries(staff_client, make_project, django_assert_num_queries):
    _flags(make_project, 1)
    # session, user, permissions (2), the commune and district choice lists, the rule choice list, the page's ids,
    # the page's flags with their seven tables, the counts by rule (which give the total: no COUNT of its own), the
    # rules, the last scan, and the session save (savepoint, update, release)
    with django_assert_num_queries(15):
        staff_client.get(reverse("watchlist:list"))
    Flag.objects.all().delete()
    _flags(make_project, 40, prefix="DB")
    with django_assert_num_queries(15):
        response = staff_client.get(reverse("watchlist:list"), {"per_page": 50, "o": "project"})
    assert len(response.context["object_list"]) == 40 and response.context["paginator"].count == 40
    # Filtered, the total is counted: one query more.
    with django_assert_num_queries(16):
        response = staff_client.get(reverse("watchlist:list"), {"severity": "critical"})
    assert response.context["paginator"].count == len(response.context["object_list"]) == 14


def test_the_unfiltered_total_is_the_open_flags_the_user_may_see(make_project, make_user, client, make_cluster,
                                                                   district):
    """The total of an unfiltered list is the counts by rule added up: the same open flags as the list's rows, for a
    commune officer only those of their communes, never the closed ones, whatever the page."""
    from clusters.models import Commune

    flags = _flags(make_project, 40)
    elsewhere = make_cluster(code="CCN-KHAC", commune=Commune.objects.create(name="Cao Phong", former_district=district))
    for flag in flags[:12]:
        Project.objects.filter(pk=flag.project_id).update(cluster=elsewhere)
    Flag.objects.filter(pk=flags[-1].pk).update(cleared_at=timezone.now())
    officer = make_user("canbo", "commune_officer", communes=[flags[-2].project.cluster.commune])
    client.force_login(officer)
    pages = [client.get(reverse("watchlist:list"), {"per_page": 25, "page": n}).context for n in (1, 2)]
    shown = [flag.pk for context in pages for flag in context["object_list"]]
    assert pages[0]["paginator"].count == len(shown) == len(set(shown)) == 27
    assert pages[1]["paginator"].num_pages == 2 and len(pages[1]["object_list"]) == 2
    assert sum(n for _rule, n, _critical in pages[0]["rule_counts"]) == 27


# The dashboard's query count is pinned in tests/tracker/test_dashboard.py (DASHBOARD_QUERIES).


@pytest.mark.postgres
def test_on_postgresql_the_watchlist_reads_the_open_flags_in_index_order(staff_user, cluster, investor, watchlist_rules):
    """The default order (most severe, then the longest open, then the project's code) is read from the index
    flag_open_by_severity, built on the very expression the list sorts by and ending with the flag's copy of the
    code, instead of sorting the open flags: checked on 3,000 open flags, a third of them on one day (as when many
    projects miss one reporting deadline), where a sort by the projects' codes would read them all."""
    from django.db import connection

    from projects.watchlist.selectors import flag_list

    n = 3000
    projects = Project.objects.bulk_create(
        Project(code=f"DA-W-{i:05d}", name=f"Nhà máy {i}", cluster=cluster, investor=investor, registered_capital_vnd=1)
        for i in range(n))
    rules = list(Rule.objects.order_by("code"))
    now = timezone.now()
    Flag.objects.bulk_create(
        Flag(project=project, rule=rules[i % len(rules)], severity=("critical", "warning", "info")[i % 3],
             since=date(2020, 1, 1) + timedelta(days=0 if i % 3 == 0 else i % 900), first_seen=now, last_confirmed=now)
        for i, project in enumerate(projects))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_flag")
        cursor.execute("ANALYZE projects_project")
    queryset = flag_list(filters={}, user=staff_user).qs.values_list("pk", flat=True)[:25]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "flag_open_by_severity" in plan, plan
    assert "Sort" not in plan and "projects_project" not in plan, plan  # the page is the index's first entries
