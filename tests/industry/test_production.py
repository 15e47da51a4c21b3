"""The production index and electricity (issue 16): the year page computes what it derives, shows the article's
February 2024 figures of the demo, flags a published figure that differs, and takes the figures through forms whose
history keeps an estimate replaced by the official figure."""
from decimal import Decimal

import pytest

from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget
from industry.selectors.production import pct_change, production_year
from industry.services.production import electricity_save, production_demo_load, production_index_save


@pytest.fixture
def staff(make_user):
    return make_user("chuyenvien", "staff")


def test_the_demo_reproduces_the_articles_february_2024_figures(staff, client):
    assert production_demo_load() == 5 + 3 + 1
    assert production_demo_load() == 0  # a second run changes nothing
    client.force_login(staff)
    html = client.get("/industry/production/2024/").content.decode()
    for row, previous, same in (("total", "-10,58 %", "-15,74 %"), ("B", "-38,33 %", "-13,63 %"),
                                ("C", "-18,80 %", "-13,11 %"), ("D", "+2,73 %", "-18,66 %"), ("E", "-7,98 %", "-13,13 %")):
        start = html.index(f'id="index-2-{row}"')
        cells = html[start:html.index("</tr>", start)]
        assert previous in cells and same in cells, row
    february = html[html.index('id="electricity-2"'):]
    february = february[:february.index("</tr>")]
    assert ">441<" in february
    assert "+13" in february and "+3,04 %" in february  # computed from January's 428
    assert "-106" in february and "-19,38 %" in february  # computed from February 2023's 547 …
    assert "-19,43 %" in february
    assert 'class="badge text-bg-warning differs"' in february  # … and the article's −19,43 % flagged beside it
    assert "8.700" in html and "1.380" in html and "+12,00 %" in html
    assert 'id="sample-notice"' in html and "sample-badge" in html


def test_the_year_to_date_and_the_months_needed_are_computed(staff):
    production_demo_load()
    data = production_year(year=2024, user=staff)
    produced = data.produced
    assert produced.year_to_date == Decimal(869) and produced.months == 2
    assert produced.pace == Decimal("434.50")
    assert produced.share_pct == Decimal("9.99")
    assert produced.months_needed == 19  # (8.700 − 869) ÷ 434,5 = 18,02 → 19 months, with 10 left
    assert produced.months_left == 10 and produced.on_track is False
    assert produced.growth_pct is None  # January 2023 is not recorded: no same period to compare with
    assert data.commercial.year_to_date is None and data.commercial.months_needed is None
    row = data.electricity[1]
    assert (row.change_previous, row.pct_previous.derived, row.pct_previous.differs) == (13, Decimal("3.04"), False)
    assert (row.change_last_year, row.pct_last_year.derived, row.pct_last_year.published) == (
        -106, Decimal("-19.38"), Decimal("-19.43"))
    assert row.pct_last_year.differs


def test_months_needed_at_the_boundary():
    from industry.selectors.production import Progress

    reached = Progress("p", "", Decimal(8700), 6, Decimal(8700))
    assert reached.months_needed == 0 and reached.on_track
    exactly = Progress("p", "", Decimal(4350), 6, Decimal(8700))  # 725 a month: 6 more months, 6 left
    assert exactly.months_needed == 6 and exactly.on_track
    short = Progress("p", "", Decimal(4349), 6, Decimal(8700))
    assert short.months_needed == 7 and short.on_track is False
    assert Progress("p", "", None, 0, Decimal(8700)).months_needed is None
    assert pct_change(Decimal(1), Decimal(0)) is None


def test_an_empty_year_opens_and_says_so(staff, client, django_assert_num_queries):
    client.force_login(staff)
    response = client.get("/industry/production/2031/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="no-index"' in html and 'id="no-electricity"' in html and 'id="no-production-target"' in html
    assert client.get("/industry/production/1999/").status_code == 404


def test_the_year_page_costs_a_fixed_number_of_queries(staff):
    production_demo_load()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    production_year(year=2024, user=staff)  # the user's permissions are read once, then cached
    with CaptureQueriesContext(connection) as small:
        production_year(year=2024, user=staff)
    for month in range(3, 13):
        electricity_save(record=ElectricityMonth(), year=2024, month=month, produced_mkwh=Decimal(400))
        for sector in ("total", "B", "C", "D", "E"):
            production_index_save(index=ProductionIndex(), year=2024, month=month, sector=sector,
                                  vs_previous_month_pct=Decimal(1), vs_same_month_pct=Decimal(2))
    with CaptureQueriesContext(connection) as full:
        production_year(year=2024, user=staff)
    assert len(small) == len(full) == 3


def test_an_estimate_made_official_keeps_both_in_the_history(staff, client):
    client.force_login(staff)
    response = client.post("/industry/production/index/new/", {
        "year": "2024", "month": "3", "sector": "total", "vs_previous_month_pct": "5,2", "vs_same_month_pct": "-1,5",
        "year_to_date_pct": "", "status": "estimate", "source": "Báo cáo tháng 3",
    })
    assert response.status_code == 302, response.context["form"].errors
    index = ProductionIndex.objects.get()
    assert index.vs_previous_month_pct == Decimal("5.2") and index.vs_same_month_pct == Decimal("-1.5")
    response = client.post(f"/industry/production/index/{index.pk}/edit/", {
        "year": "2024", "month": "3", "sector": "total", "vs_previous_month_pct": "5,4", "vs_same_month_pct": "-1,5",
        "year_to_date_pct": "-8,1", "status": "official", "source": "Báo cáo tháng 4", "version": index.version,
        "change_reason": "Số chính thức",
    })
    assert response.status_code == 302
    records = list(index.history.order_by("history_date"))
    assert [r.status for r in records] == ["estimate", "official"]
    assert [r.vs_previous_month_pct for r in records] == [Decimal("5.2"), Decimal("5.4")]
    page = client.get("/industry/production/2024/history/").content.decode()
    assert "Số chính thức" in page and "5,2" in page and "5,4" in page


def test_the_forms_refuse_bad_figures_and_keep_what_was_typed(staff, client):
    client.force_login(staff)
    production_index_save(index=ProductionIndex(), year=2024, month=2, sector="B",
                          vs_previous_month_pct=Decimal(1), vs_same_month_pct=Decimal(1))
    response = client.post("/industry/production/index/new/", {
        "year": "2024", "month": "2", "sector": "B", "vs_previous_month_pct": "-120", "vs_same_month_pct": "abc",
        "status": "estimate",
    })
    form = response.context["form"]
    assert response.status_code == 200 and {"vs_previous_month_pct", "vs_same_month_pct"} <= set(form.errors)
    assert 'value="-120"' in response.content.decode()
    response = client.post("/industry/production/electricity/new/", {
        "year": "2024", "month": "13", "produced_mkwh": "-1", "status": "official",
    })
    assert response.status_code == 200 and {"month", "produced_mkwh"} <= set(response.context["form"].errors)
    assert ElectricityMonth.objects.count() == 0


def test_only_leadership_sets_the_targets_and_commune_officers_only_read(make_user, client):
    officer = make_user("canboxa", "commune_officer")
    client.force_login(officer)
    assert client.get("/industry/production/2024/").status_code == 200
    assert client.get("/industry/production/index/new/").status_code == 403
    client.force_login(make_user("chuyenvien2", "staff"))
    assert client.get("/industry/production/targets/new/").status_code == 403
    client.force_login(make_user("lanhdao", "leadership"))
    response = client.post("/industry/production/targets/new/", {
        "year": "2025", "iip_growth_pct": "12", "electricity_produced_mkwh": "8.700",
        "electricity_commercial_mkwh": "1.380",
    })
    assert response.status_code == 302
    target = ProductionTarget.objects.get()
    assert target.electricity_produced_mkwh == Decimal(8700)
