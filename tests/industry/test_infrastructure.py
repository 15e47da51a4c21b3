"""Cluster infrastructure: the 30 % cap of Decree 32/2024 Art. 26 on the cluster's total (model, service and form),
the expansion check of Art. 8(2) on the cluster's own occupancy figure, and form 04 reading the records."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusters.selectors import cluster_queryset
from industry.models import InfrastructureItem
from industry.selectors.infrastructure import expansion_check, infrastructure_completeness
from industry.services.infrastructure import (
    infrastructure_item_create, infrastructure_item_delete, infrastructure_item_update,
)
from tracker.reports.indicators import form_figures

B = 10**9  # one tỷ đồng
ROADS, WASTEWATER = InfrastructureItem.Kind.ROADS, InfrastructureItem.Kind.WASTEWATER


def _item(cluster, kind=ROADS, planned=100, pct=0, **fields):
    return infrastructure_item_create(
        cluster=cluster, kind=kind, investment_planned_vnd=None if planned is None else planned * B,
        state_support_pct=Decimal(pct), **fields,
    )


# --- Decree 32/2024 Art. 26: at most 30 % of the cluster's planned investment --------------------------------------

def test_exactly_30_percent_is_accepted_by_the_service(cluster):
    item = _item(cluster, pct="30.00")
    assert item.pk and item.state_support_pct == Decimal(30)


def test_just_above_30_percent_is_refused_by_the_service_naming_the_article(cluster):
    with pytest.raises(ValidationError) as refused:
        _item(cluster, pct="30.01")
    message = " ".join(refused.value.message_dict["state_support_pct"])
    assert "Điều 26" in message and "30,01 %" in message and "tối đa 30 %" in message
    assert not InfrastructureItem.objects.exists()


def test_the_model_refuses_it_too(cluster):
    item = InfrastructureItem(cluster=cluster, kind=ROADS, investment_planned_vnd=10 * B,
                              state_support_pct=Decimal("30.01"))
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "state_support_pct" in refused.value.message_dict


def test_the_cap_is_on_the_cluster_total_not_on_each_item(cluster):
    # 60 % of one work and nothing of an equal other: 30 % of the cluster, allowed.
    _item(cluster, ROADS, planned=100, pct=0)
    plant = _item(cluster, WASTEWATER, planned=100, pct=60)
    assert plant.state_support_pct == Decimal(60)
    # One hundredth more on the plant puts the cluster at 30,005 %: refused, and the share is not shown as "30,00".
    with pytest.raises(ValidationError) as refused:
        infrastructure_item_update(item=plant, state_support_pct=Decimal("60.01"))
    assert "30,005 %" in " ".join(refused.value.messages)
    plant.refresh_from_db()
    assert plant.state_support_pct == Decimal(60)


def test_lowering_another_items_investment_that_breaks_the_cap_is_refused(cluster):
    roads = _item(cluster, ROADS, planned=100, pct=0)
    _item(cluster, WASTEWATER, planned=100, pct=60)
    with pytest.raises(ValidationError):
        infrastructure_item_update(item=roads, investment_planned_vnd=99 * B)


def test_deleting_an_unsupported_item_that_would_break_the_cap_is_refused(cluster, staff_user):
    roads = _item(cluster, ROADS, planned=100, pct=0)
    plant = _item(cluster, WASTEWATER, planned=100, pct=60)
    with pytest.raises(ValidationError) as refused:
        infrastructure_item_delete(item=roads, user=staff_user)
    assert "Điều 26" in " ".join(refused.value.messages)
    assert InfrastructureItem.objects.count() == 2
    infrastructure_item_delete(item=plant, user=staff_user)  # removing the supported one is fine
    assert list(InfrastructureItem.objects.all()) == [roads]


def test_a_support_share_needs_the_planned_investment(cluster):
    with pytest.raises(ValidationError) as refused:
        _item(cluster, planned=None, pct=10)
    assert "investment_planned_vnd" in refused.value.message_dict


def test_the_cap_counts_only_the_clusters_own_items(cluster, make_cluster):
    other = make_cluster(code="CCN-KHAC", name="Cụm khác")
    _item(other, ROADS, planned=1000, pct=0)  # another cluster's large unsupported work does not dilute this one
    with pytest.raises(ValidationError):
        _item(cluster, WASTEWATER, planned=100, pct=31)


def _form_data(**overrides):
    data = {"kind": "wastewater", "description": "1.500 m³/ngày đêm", "planned_completion": "30/06/2025",
            "actual_completion": "", "standards_met_on": "", "investment_planned_vnd": "45,5",
            "investment_disbursed_vnd": "12", "state_support_pct": "30,00", "notes": "", "change_reason": ""}
    data.update(overrides)
    return data


def test_the_form_accepts_exactly_30_percent(staff_client, cluster):
    response = staff_client.post(f"/industry/infrastructure/cluster/{cluster.pk}/new/", _form_data())
    assert response.status_code == 302
    item = InfrastructureItem.objects.get()
    assert item.cluster == cluster and item.state_support_pct == Decimal(30)
    assert item.investment_planned_vnd == 45_500_000_000 and item.investment_disbursed_vnd == 12 * B
    assert item.history.get().history_user.username == "chuyenvien"


def test_the_form_refuses_just_above_30_percent_beside_the_field_and_keeps_what_was_typed(staff_client, cluster):
    response = staff_client.post(f"/industry/infrastructure/cluster/{cluster.pk}/new/",
                                 _form_data(state_support_pct="30,01"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "Điều 26" in " ".join(form.errors["state_support_pct"])
    html = response.content.decode()
    assert 'value="30,01"' in html and 'value="45,5"' in html and "1.500 m³/ngày đêm" in html
    assert not InfrastructureItem.objects.exists()


def test_the_form_refuses_a_standards_date_before_completion(staff_client, cluster):
    response = staff_client.post(f"/industry/infrastructure/cluster/{cluster.pk}/new/",
                                 _form_data(actual_completion="01/07/2025", standards_met_on="30/06/2025"))
    assert response.status_code == 200 and "standards_met_on" in response.context["form"].errors


def test_an_edit_keeps_its_history_with_the_reason(staff_client, cluster):
    item = _item(cluster, WASTEWATER, planned=40, pct=10)
    response = staff_client.post(f"/industry/infrastructure/{item.pk}/edit/",
                                 _form_data(state_support_pct="20", change_reason="Quyết định bổ sung vốn",
                                            version=item.version))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state_support_pct == Decimal(20) and item.version == 2
    assert item.history.latest().history_change_reason == "Quyết định bổ sung vốn"
    page = staff_client.get(f"/industry/infrastructure/{item.pk}/history/").content.decode()
    assert "Quyết định bổ sung vốn" in page


def test_a_refused_deletion_says_why_on_the_page(staff_client, cluster):
    roads = _item(cluster, ROADS, planned=100, pct=0)
    _item(cluster, WASTEWATER, planned=100, pct=60)
    response = staff_client.post(f"/industry/infrastructure/{roads.pk}/delete/", follow=True)
    assert response.status_code == 200 and "Điều 26" in response.content.decode()
    assert InfrastructureItem.objects.filter(pk=roads.pk).exists()


# --- Decree 32/2024 Art. 8(2): the expansion check -----------------------------------------------------------------

def _complete_infrastructure(cluster, *, wastewater: str = "complete", day=date(2024, 1, 1)):
    """Every kind completed on `day`; the wastewater plant "complete", "planned" (not finished) or "missing"."""
    for kind in InfrastructureItem.Kind:
        if kind == WASTEWATER and wastewater == "missing":
            continue
        done = kind != WASTEWATER or wastewater == "complete"
        _item(cluster, kind, planned=10, planned_completion=day, actual_completion=day if done else None)


def _occupancy(cluster):
    return cluster_queryset().get(pk=cluster.pk).occupancy_pct  # the figure every page shows


@pytest.mark.parametrize("leased, expected", [("59.99", "if_demand"), ("60", "may_expand")])
def test_expansion_needs_60_percent_occupancy_from_the_clusters_own_figure(
        make_cluster, make_project, leased, expected):
    cluster = make_cluster(code="CCN-MR", name="Cụm mở rộng", total_area_ha=Decimal(150),
                           industrial_land_ha=Decimal(100))
    make_project(cluster=cluster, land_area_ha=Decimal(leased))
    _complete_infrastructure(cluster)
    occupancy = _occupancy(cluster)
    assert occupancy == Decimal(leased)
    check = expansion_check(occupancy_pct=occupancy, items=list(cluster.infrastructure_items.all()),
                            day=date(2025, 1, 1))
    assert check["status"] == expected
    assert check["occupancy_met"] is (expected == "may_expand")


@pytest.mark.parametrize("wastewater, plant_state", [("missing", "missing"), ("planned", "planned")])
def test_no_expansion_without_a_completed_wastewater_plant_whatever_the_occupancy(cluster, wastewater, plant_state):
    _complete_infrastructure(cluster, wastewater=wastewater)
    check = expansion_check(occupancy_pct=Decimal(95), items=list(cluster.infrastructure_items.all()),
                            day=date(2025, 1, 1))
    assert check["status"] == "not_yet" and check["completeness"].wastewater == plant_state
    if wastewater == "missing":
        assert [str(label) for label in check["completeness"].missing] == ["Trạm xử lý nước thải tập trung"]
    else:
        assert [item.kind for item in check["completeness"].unfinished] == [WASTEWATER]


def test_a_completed_wastewater_plant_with_everything_else_allows_expansion(cluster):
    _complete_infrastructure(cluster, wastewater="complete")
    items = list(cluster.infrastructure_items.all())
    assert expansion_check(occupancy_pct=Decimal(60), items=items, day=date(2025, 1, 1))["status"] == "may_expand"
    # The day before the works were completed, the same cluster could not.
    assert expansion_check(occupancy_pct=Decimal(60), items=items, day=date(2023, 12, 31))["status"] == "not_yet"


def test_no_items_at_all_is_not_complete(cluster):
    completeness = infrastructure_completeness([], date(2025, 1, 1))
    assert not completeness.complete and len(completeness.missing) == 6 and completeness.wastewater == "missing"


def test_the_cluster_page_and_the_infrastructure_page_show_the_same_occupancy_and_check(
        staff_client, make_cluster, make_project):
    cluster = make_cluster(code="CCN-MR", name="Cụm mở rộng", total_area_ha=Decimal(150),
                           industrial_land_ha=Decimal(100))
    make_project(cluster=cluster, land_area_ha=Decimal("59.99"))
    _complete_infrastructure(cluster)
    detail = staff_client.get(f"/clusters/{cluster.pk}/")
    page = staff_client.get(f"/industry/infrastructure/cluster/{cluster.pk}/")
    assert detail.context["cluster"].occupancy_pct == page.context["cluster"].occupancy_pct == Decimal("59.99")
    for response in (detail, page):
        html = response.content.decode()
        assert "59,99 %" in html and "Chỉ khi nhu cầu vượt khả năng đáp ứng" in html
        assert "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 2" in html


# --- Circular 14 form 04: indicators 11, 12, 26, 27 ----------------------------------------------------------------

def test_form_04_reads_the_records_and_falls_back_to_the_typed_values(make_cluster):
    cutoff = date(2024, 12, 14)
    typed_only = make_cluster(code="C-TYPED", name="Cụm gõ tay", infrastructure_investment_approved_vnd=200 * B,
                              infrastructure_investment_paid_vnd=150 * B, wastewater_plant_built=True,
                              wastewater_plant_compliant=True)
    recorded = make_cluster(code="C-REC", name="Cụm có hạng mục", infrastructure_investment_approved_vnd=999 * B,
                            wastewater_plant_built=True, wastewater_plant_compliant=True)
    # The records say: 100 + 50 planned, 60 disbursed; the plant finished 01/12/2024, certified only in 2025.
    _item(recorded, ROADS, planned=100, investment_disbursed_vnd=60 * B)
    _item(recorded, WASTEWATER, planned=50, actual_completion=date(2024, 12, 1), standards_met_on=date(2025, 1, 10))
    figures = form_figures(cutoff=cutoff)
    assert figures["infra_approved"] == Decimal(200 + 150)  # typed 200 + the records' 150 (not the typed 999)
    assert figures["infra_paid"] == Decimal(150 + 60)
    assert figures["wastewater_built"] == 2  # the typed flag, and the plant completed before the cut-off
    assert figures["wastewater_compliant"] == 1  # the typed flag only: the recorded plant is certified after it
    assert form_figures(cutoff=date(2025, 6, 14))["wastewater_compliant"] == 2
    # Before the plant was finished, the recorded cluster has none, whatever its typed flag says.
    assert form_figures(cutoff=date(2024, 6, 14))["wastewater_built"] == 1
    assert typed_only.pk


def test_the_dashboard_and_the_cluster_page_read_the_plant_as_form_04_does(staff_client, make_cluster):
    cluster = make_cluster(code="C-REC", name="Cụm có hạng mục", wastewater_plant_built=False)
    _item(cluster, WASTEWATER, planned=50, actual_completion=date(2024, 12, 1))
    row = next(c for c in staff_client.get("/", {"year": 2024}).context["clusters"] if c.pk == cluster.pk)
    assert row.wastewater_plant_built is True and row.wastewater_plant_compliant is False
    html = staff_client.get(f"/clusters/{cluster.pk}/").content.decode()
    assert "theo các hạng mục hạ tầng" in html


# --- every date of the form at the edges of the window (tests/faults/test_date_edges.py counts them covered) -------

INFRASTRUCTURE_DATE_CASES = {
    "planned_completion": {"actual_completion": "", "standards_met_on": ""},
    "actual_completion": {"standards_met_on": ""},
    # The plant's certificate: its completion on the window's first day, so only the window decides.
    "standards_met_on": {"kind": "wastewater", "actual_completion": "first"},
}


def test_every_date_of_the_infrastructure_form_at_the_edges_of_the_window(staff_client, cluster):
    from tests.faults.test_date_edges import EARLIEST, EDGES, _check, _post_edge

    problems = []
    for name, others in INFRASTRUCTURE_DATE_CASES.items():
        item = _item(cluster, WASTEWATER, planned=10)
        url = f"/industry/infrastructure/{item.pk}/edit/"
        for day, inside in EDGES:
            fields = {key: EARLIEST if value == "first" else value for key, value in others.items()}
            fields[name] = day
            _check(_post_edge(staff_client, url, url, fields, day), day, inside, f"InfrastructureItemForm.{name}",
                   problems, lambda item=item, name=name: getattr(InfrastructureItem.objects.get(pk=item.pk), name))
    assert not problems, "\n".join(problems)


def test_the_admin_refuses_the_cap_too(client, make_user, cluster):
    client.force_login(make_user("quantri", is_superuser=True, is_staff=True))
    data = {"cluster": cluster.pk, "kind": "roads", "description": "", "planned_completion": "",
            "actual_completion": "", "standards_met_on": "", "investment_planned_vnd": "1000000000",
            "investment_disbursed_vnd": "", "state_support_pct": "30.01", "notes": ""}
    response = client.post("/admin/industry/infrastructureitem/add/", data)
    assert response.status_code == 200 and "Điều 26" in response.content.decode()
    assert not InfrastructureItem.objects.exists()
    data["state_support_pct"] = "30"
    assert client.post("/admin/industry/infrastructureitem/add/", data).status_code == 302
    assert InfrastructureItem.objects.get().state_support_pct == Decimal(30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_adding_supported_works_at_once_cannot_break_the_cap_together(cluster, monkeypatch):
    """Each addition alone keeps the cluster at 25 %; both together would make it 33,3 %. The services lock the
    cluster's row, so the second is checked against the first and refused. Each check waits (up to 2 s) for the
    other after reading the cluster's items: without the lock both would read the same items and both be saved."""
    import threading

    from django.db import connection

    from industry.models import infrastructure
    from industry.models.infrastructure import cluster_support_pct

    _item(cluster, ROADS, planned=100, pct=0)
    barrier = threading.Barrier(2)
    outcomes = []
    checked = threading.Barrier(2)
    check = infrastructure.support_cap_error

    def check_then_wait(rows):
        error = check(rows)
        try:
            checked.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return error

    monkeypatch.setattr(infrastructure, "support_cap_error", check_then_wait)

    def add(kind):
        try:
            barrier.wait(timeout=10)
            _item(cluster, kind, planned=100, pct=50)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append("refused" if "Điều 26" in " ".join(error.messages) else repr(error))
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(kind,)) for kind in (WASTEWATER, InfrastructureItem.Kind.POWER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    rows = InfrastructureItem.objects.filter(cluster=cluster).values_list("investment_planned_vnd", "state_support_pct")
    assert cluster_support_pct(list(rows)) == Decimal(25)


# --- one figure per fact: the cluster list's filter and the export read the plant as the page and form 04 do -------

def _export_records(client, **params):
    import csv
    import io

    response = client.get("/clusters/export/", {"format": "csv", **params})
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    return {record["cluster_code"]: record for record in (dict(zip(rows[1], row)) for row in rows[2:])}


def test_the_cluster_page_the_list_filter_the_export_and_form_04_agree_when_records_and_typed_flag_disagree(
        staff_client, make_cluster):
    today = timezone.localdate()
    # Typed "built and meeting standards", but its one wastewater-plant item is not finished: not built.
    typed_yes = make_cluster(code="C-TYPED-YES", name="Cụm gõ có", wastewater_plant_built=True,
                             wastewater_plant_compliant=True)
    _item(typed_yes, WASTEWATER, planned=50, planned_completion=today + timedelta(days=90))
    # Typed "not built", but its plant was completed yesterday (not yet certified): built.
    typed_no = make_cluster(code="C-TYPED-NO", name="Cụm gõ không", wastewater_plant_built=False)
    _item(typed_no, WASTEWATER, planned=50, actual_completion=today - timedelta(days=1))
    # No plant item: the typed flag answers everywhere.
    typed_only = make_cluster(code="C-TYPED-ONLY", name="Cụm chỉ gõ", wastewater_plant_built=True)

    page = {c: staff_client.get(f"/clusters/{c.pk}/").content.decode() for c in (typed_yes, typed_no, typed_only)}
    assert "chưa xây dựng" in page[typed_yes] and "theo các hạng mục hạ tầng" in page[typed_yes]
    assert "đã xây dựng, chưa đạt chuẩn" in page[typed_no]
    assert "đã xây dựng" in page[typed_only] and "chưa xây dựng" not in page[typed_only]

    def listed(value):
        response = staff_client.get("/clusters/", {"wastewater_plant_built": value})
        return {c.code for c in response.context["page_obj"]}

    assert {"C-TYPED-NO", "C-TYPED-ONLY"} <= listed("true") and "C-TYPED-YES" not in listed("true")
    assert "C-TYPED-YES" in listed("false") and not {"C-TYPED-NO", "C-TYPED-ONLY"} & listed("false")
    # The filtered export is the filtered list, and its columns say what the page says.
    assert set(_export_records(staff_client, wastewater_plant_built="true")) == listed("true")
    records = _export_records(staff_client)
    built = {code: records[code]["wastewater_plant_built"] for code in ("C-TYPED-YES", "C-TYPED-NO", "C-TYPED-ONLY")}
    compliant = {code: records[code]["wastewater_plant_compliant"] for code in built}
    yes, no = built["C-TYPED-NO"], built["C-TYPED-YES"]
    assert yes != no and built["C-TYPED-ONLY"] == yes
    assert compliant == {"C-TYPED-YES": no, "C-TYPED-NO": no, "C-TYPED-ONLY": no}

    # Form 04 of today counts the two clusters the page calls built, and no compliant plant.
    figures = form_figures(cutoff=today)
    assert figures["wastewater_built"] == 2 and figures["wastewater_compliant"] == 0


def test_without_the_registered_reading_the_list_falls_back_to_the_typed_flag(make_cluster):
    """clusters.reported with nothing registered (clusters alone): the typed field, as reported_facts without items."""
    from clusters import reported
    from industry.selectors.infrastructure import wastewater_expressions

    cluster = make_cluster(code="C-T", name="Cụm T", wastewater_plant_built=True)
    _item(cluster, WASTEWATER, planned=50)
    assert cluster_queryset().get(pk=cluster.pk).reported_wastewater_built is False  # the records answer
    reported.unregister("wastewater_built")
    try:
        assert cluster_queryset().get(pk=cluster.pk).reported_wastewater_built is True
    finally:
        reported.register("wastewater_built", wastewater_expressions("wastewater_built"))
    with pytest.raises(ValueError):
        reported.register("occupancy", wastewater_expressions("wastewater_built"))
