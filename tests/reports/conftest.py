"""A small province counted by hand for the form 04 / form 03 tests (the counts are in test_forms.py)."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clusters.models import Cluster, Commune
from projects.models import CapitalReport, Investor, Project

B = 10**9  # one tỷ đồng in VND
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def province(make_cluster, make_project, commune, district, cluster):
    """Commune A (the fixture `commune`, Lương Sơn) and commune B (Cao Phong), five clusters, seven projects."""
    cluster.delete()  # make_project's default cluster: every project here names its own
    commune_b = Commune.objects.create(name="Cao Phong", former_district=district)
    foreign = Investor.objects.create(name="Công ty Nhật Bản", tax_code="0109999999", is_foreign=True, country="Nhật Bản")
    c1 = make_cluster(code="C1", name="Cụm Một", stage="operating", establishment_date=date(2015, 1, 1),
                      detailed_plan_date=date(2016, 1, 1), total_area_ha=Decimal("74.5"), industrial_land_ha=Decimal(50),
                      developer_name="Công ty Hạ tầng", infrastructure_investment_approved_vnd=200 * B,
                      infrastructure_investment_paid_vnd=150 * B, wastewater_plant_built=True,
                      wastewater_plant_compliant=True)
    # Established on the cut-off day itself; its detailed plan comes after the half-year cut-off.
    c2 = make_cluster(code="C2", name="Cụm Hai", stage="infrastructure", establishment_date=date(2024, 6, 14),
                      detailed_plan_date=date(2024, 7, 1), total_area_ha=Decimal(40), industrial_land_ha=Decimal(30),
                      infrastructure_investment_approved_vnd=100 * B, wastewater_plant_built=True)
    # Commune B: established the day after the half-year cut-off, and one only in the provincial plan.
    c3 = make_cluster(code="C3", name="Cụm Ba", commune=commune_b, stage="established",
                      establishment_date=date(2024, 6, 15), total_area_ha=Decimal(20), industrial_land_ha=Decimal(15))
    c4 = make_cluster(code="C4", name="Cụm Bốn", commune=commune_b, stage="planned", establishment_date=None,
                      total_area_ha=Decimal(60), industrial_land_ha=None)
    # Dissolved: in no figure at all.
    make_cluster(code="C5", name="Cụm Năm", stage="dissolved", establishment_date=date(2010, 1, 1),
                 total_area_ha=Decimal(10), industrial_land_ha=Decimal(8), wastewater_plant_built=True)

    p1 = make_project(code="P1", cluster=c1, irc_date=date(2023, 1, 10), registered_capital_vnd=100 * B,
                      land_area_ha=Decimal(10), status="operating", actual_construction_start=date(2023, 3, 1),
                      actual_operation_start=date(2023, 12, 1), workers=50)
    make_project(code="P2", cluster=c1, investor=foreign, irc_date=date(2024, 6, 14), registered_capital_vnd=50 * B,
                 land_area_ha=Decimal(5), workers=0)
    make_project(code="P3", cluster=c2, irc_date=date(2024, 6, 15), registered_capital_vnd=30 * B,
                 land_area_ha=Decimal(3))
    p4 = make_project(code="P4", cluster=c2, irc_date=None, policy_approval_date=date(2024, 2, 1),
                      registered_capital_vnd=40 * B, land_area_ha=Decimal(6), status="under_construction",
                      actual_construction_start=date(2024, 5, 1), workers=12)
    p5 = make_project(code="P5", cluster=c1, irc_date=date(2022, 5, 1), registered_capital_vnd=20 * B,
                      land_area_ha=Decimal(4), status="terminated")
    p6 = make_project(code="P6", cluster=c2, investor=foreign, irc_date=date(2021, 1, 1), registered_capital_vnd=60 * B,
                      land_area_ha=Decimal(7), status="terminated", actual_construction_start=date(2021, 6, 1))
    make_project(code="P7", cluster=c3, irc_date=date(2024, 1, 5), registered_capital_vnd=15 * B,
                 land_area_ha=Decimal(2), workers=3)
    # When the terminations were recorded: P5 before the half-year cut-off, P6 after it.
    Project.history.filter(id=p5.pk).update(history_date=datetime(2024, 3, 1, 9, tzinfo=HCM))
    Project.history.filter(id=p6.pk).update(history_date=datetime(2024, 9, 1, 9, tzinfo=HCM))

    def report(project, year, period, implemented, revenue=None, budget=None, workers=None):
        CapitalReport.objects.create(project=project, year=year, period=period, implemented_capital_vnd=implemented * B,
                                     revenue_vnd=None if revenue is None else revenue * B,
                                     budget_contribution_vnd=None if budget is None else budget * B, workers=workers)

    report(p1, 2023, "Y", 70, revenue=100, budget=9, workers=55)
    report(p1, 2024, "Q1", 80, revenue=20, budget=2, workers=60)
    report(p1, 2024, "H1", 90, revenue=50, budget=4, workers=70)  # ends 30/06: after the half-year cut-off
    report(p1, 2024, "Q3", 95, revenue=30, budget=3, workers=65)
    report(p4, 2024, "Q1", 10)
    report(p6, 2024, "Q1", 30, revenue=5, budget=1, workers=8)
    return {"A": Cluster.objects.get(code="C1").commune, "B": commune_b}
