"""Occupancy (tỷ lệ lấp đầy) is one figure: the cluster list, the cluster page, the export, the dashboard and the
official report show the same value for the same cluster, exact on SQLite and on PostgreSQL, with whole areas
(which SQLite divided as integers) and fractional ones."""
import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import Cluster
from clusters.selectors import cluster_queryset
from projects.models import Project
from tracker.reports.indicators import form_figures

CASES = [
    # industrial land, the projects' leased land, shown on the pages, written to the export
    ("44", ["9"], "20,5 %", "20,45"),  # 20,4545… %: whole areas, where integer division gave 20
    ("44", ["4.5", "4.5"], "20,5 %", "20,45"),
    ("30", ["7.5"], "25,0 %", "25,00"),
    ("50", [], "0,0 %", "0,00"),  # no land leased yet
    ("0", [], "—", ""),  # no industrial land in the plan: no figure, not a division by zero
    (None, [], "—", ""),  # industrial land not recorded
]


def _cells(html: str, row_marker: str) -> list[str]:
    """The numeric cells of the table row that contains `row_marker`."""
    for row in re.findall(r"<tr\b.*?</tr>", html, flags=re.S):
        if row_marker in row:
            return [cell.strip() for cell in re.findall(r'<td class="num">(.*?)</td>', row, flags=re.S)]
    raise AssertionError(f"no row with {row_marker!r}")


def _csv_records(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    return [dict(zip(rows[1], row)) for row in rows[2:]]


@pytest.mark.parametrize("industrial, leased, shown, exported", CASES)
def test_list_page_export_and_dashboard_show_the_same_occupancy(
    staff_client, cluster, make_project, industrial, leased, shown, exported
):
    # The one cluster there is (every page lists it alone), with the industrial land of the case.
    Cluster.objects.filter(pk=cluster.pk).update(industrial_land_ha=None if industrial is None else Decimal(industrial))
    for land in leased:
        make_project(cluster=cluster, land_area_ha=Decimal(land))
    make_project(cluster=cluster, land_area_ha=Decimal(0), status=Project.Status.TERMINATED)  # never counted
    land = None if industrial is None else Decimal(industrial)
    expected = sum((Decimal(x) for x in leased), Decimal(0)) * 100 / land if land else None

    listed = staff_client.get(reverse("clusters:list"))
    [row] = listed.context["object_list"]
    assert row.occupancy_pct == expected
    assert _cells(listed.content.decode(), f">{cluster.code}</a>")[3] == shown  # land, leased, unleased, occupancy

    page = staff_client.get(cluster.get_absolute_url())
    assert page.context["cluster"].occupancy_pct == expected
    assert f'<div class="fs-4">{shown}</div>' in page.content.decode()

    [record] = _csv_records(staff_client.get(reverse("clusters:export"), {"format": "csv"}))
    assert record["occupancy_pct"] == exported

    dashboard = staff_client.get(reverse("home"), {"year": 2024})
    [dashboard_row] = dashboard.context["clusters"]
    assert dashboard_row.occupancy_pct == expected
    assert _cells(dashboard.content.decode(), f'data-chart-label="{cluster.name}"')[2] == shown  # land, unleased, occupancy
    [commune] = dashboard.context["by_commune"]
    assert commune["occupancy_pct"] == expected


def test_the_report_averages_the_same_figures(cluster, make_cluster, make_project):
    Cluster.objects.filter(pk=cluster.pk).update(industrial_land_ha=Decimal(44))
    whole = cluster
    fractional = make_cluster(industrial_land_ha=Decimal(30), total_area_ha=Decimal(50))
    make_project(cluster=whole, land_area_ha=Decimal(9), irc_date=date(2024, 3, 1))
    make_project(cluster=fractional, land_area_ha=Decimal("7.5"), irc_date=date(2024, 3, 1))
    listed = {c.pk: c.occupancy_pct for c in cluster_queryset()}
    assert listed[whole.pk] == Decimal(900) / Decimal(44) and listed[fractional.pk] == Decimal(25)
    report = form_figures(cutoff=date(2024, 12, 14))["occupancy"]
    assert report == ((listed[whole.pk] + listed[fractional.pk]) / 2).quantize(Decimal("0.01"))


def test_the_list_sorts_by_the_exact_figure(staff_client, make_cluster, make_project):
    # 10/49 = 20,41 % and 9/44 = 20,45 %: integer division made both 20 and left them in code order.
    lower = make_cluster(code="CCN-A", industrial_land_ha=Decimal(49), total_area_ha=Decimal(50))
    higher = make_cluster(code="CCN-B", industrial_land_ha=Decimal(44), total_area_ha=Decimal(50))
    make_project(cluster=lower, land_area_ha=Decimal(10))
    make_project(cluster=higher, land_area_ha=Decimal(9))
    for order, codes in (("-occupancy_pct", ["CCN-B", "CCN-A"]), ("occupancy_pct", ["CCN-A", "CCN-B"])):
        response = staff_client.get(reverse("clusters:list"), {"o": order})
        assert [c.code for c in response.context["object_list"] if c.code in codes] == codes


def test_occupancy_is_leased_over_industrial_land():
    from clusters.selectors import occupancy_pct

    assert occupancy_pct(Decimal(9), Decimal(44)) == Decimal(900) / Decimal(44)
    assert occupancy_pct(Decimal("7.5"), Decimal(30)) == Decimal(25)
    assert occupancy_pct(Decimal(0), Decimal(50)) == Decimal(0)
    assert occupancy_pct(Decimal(0), Decimal(0)) is None
    assert occupancy_pct(Decimal(0), None) is None
