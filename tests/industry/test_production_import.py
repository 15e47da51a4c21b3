"""The statistics office's monthly table through the import engine: a good file is written (with its history), a bad
row refuses the whole file and is named by its row and column; re-importing the official figure replaces the
estimate."""
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from industry.models import ElectricityMonth, ProductionIndex
from projects.imports.engine import run_import

HEADER = "month;sector;vs_previous_month_pct;vs_same_month_pct;year_to_date_pct;status\n"
GOOD = HEADER + (
    "02/2024;total;-10,58;-15,74;;estimate\n"
    "02/2024;B;-38,33;-13,63;;estimate\n"
    "02/2024;C;-18,8;-13,11;;estimate\n"
    "02/2024;D;2,73;-18,66;;estimate\n"
    "02/2024;E;-7,98;-13,13;;estimate\n"
)


def _csv(text: str):
    return io.BytesIO(text.encode("utf-8"))


@pytest.fixture
def staff(make_user):
    return make_user("chuyenvien", "staff")


def test_a_good_table_is_imported_with_its_history(staff):
    outcome = run_import(_csv(GOOD), "iip-02-2024.csv", user=staff, commit=True)
    assert outcome.valid and outcome.committed, [str(e) for e in outcome.errors] + outcome.file_errors
    assert ProductionIndex.objects.count() == 5
    total = ProductionIndex.objects.get(sector="total")
    assert (total.vs_previous_month_pct, total.vs_same_month_pct, total.status) == (
        Decimal("-10.58"), Decimal("-15.74"), "estimate")
    assert total.history.get().history_change_reason.endswith("iip-02-2024.csv")


def test_a_bad_row_refuses_the_whole_file_and_names_the_row(staff):
    bad = GOOD.replace("02/2024;C;-18,8;", "02/2024;C;giảm;").replace("02/2024;E;-7,98;", "13/2024;E;-7,98;")
    outcome = run_import(_csv(bad), "iip.csv", user=staff, commit=True)
    assert not outcome.valid and not outcome.committed
    assert ProductionIndex.objects.count() == 0  # the good rows were not kept either
    messages = [str(error) for error in outcome.errors]
    assert [(e.row, e.column[0]) for e in outcome.errors] == [(4, "C"), (6, "A")]
    assert messages[0].startswith("[CSV] dòng 4, cột C") and "giảm" in messages[0]
    assert messages[1].startswith("[CSV] dòng 6, cột A") and "02/2024" in messages[1]


def test_a_change_below_minus_100_and_a_repeated_row_are_row_errors(staff):
    bad = HEADER + "02/2024;total;-120;-15,74;;estimate\n02/2024;total;-10,58;-15,74;;estimate\n"
    outcome = run_import(_csv(bad), "iip.csv", user=staff, commit=True)
    assert [(e.row, e.column[:1]) for e in outcome.errors] == [(2, "C"), (3, "A")]
    assert ProductionIndex.objects.count() == 0


def test_the_official_figure_replaces_the_estimate_and_the_history_keeps_both(staff):
    assert run_import(_csv(GOOD), "uoc.csv", user=staff, commit=True).committed
    official = GOOD.replace("02/2024;total;-10,58;-15,74;;estimate", "02/2024;total;-10,6;-15,74;-8,2;official")
    outcome = run_import(_csv(official), "chinh-thuc.csv", user=staff, commit=True)
    assert outcome.counts() == {"create": 0, "update": 1, "unchanged": 4, "error": 0}
    total = ProductionIndex.objects.get(sector="total")
    assert [r.status for r in total.history.order_by("history_date")] == ["estimate", "official"]
    assert total.year_to_date_pct == Decimal("-8.2")


def test_an_xlsx_with_an_electricity_sheet_and_a_commune_officer_refused(staff, make_user):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Điện"
    sheet.append(["Tháng", "Điện sản xuất (triệu kWh)", "Điện thương phẩm (triệu kWh)"])
    sheet.append(["month", "produced_mkwh", "commercial_mkwh"])
    sheet.append(["01/2024", 428, None])
    sheet.append(["2024-02", "441", "120,5"])
    handle = io.BytesIO()
    workbook.save(handle)
    officer = make_user("canboxa", "commune_officer")
    handle.seek(0)
    refused = run_import(handle, "dien.xlsx", user=officer, commit=True)
    assert not refused.committed and {e.row for e in refused.errors} == {3, 4}
    handle.seek(0)
    outcome = run_import(handle, "dien.xlsx", user=staff, commit=True)
    assert outcome.committed, [str(e) for e in outcome.errors] + outcome.file_errors
    assert list(ElectricityMonth.objects.values_list("month", "produced_mkwh", "commercial_mkwh")) == [
        (1, Decimal(428), None), (2, Decimal(441), Decimal("120.5"))]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_year_imports_back_unchanged(staff, client, fmt):
    from industry.services.production import production_demo_load

    production_demo_load()
    client.force_login(staff)
    for kind, count in (("production_index", 5), ("electricity", 2)):
        response = client.get(f"/industry/production/2024/export/?kind={kind}&format={fmt}")
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.getvalue()
        outcome = run_import(io.BytesIO(content), f"export.{fmt}", user=staff, csv_kind=kind, commit=True)
        assert outcome.valid, [str(e) for e in outcome.errors] + outcome.file_errors
        assert outcome.counts() == {"create": 0, "update": 0, "unchanged": count, "error": 0}, kind
    assert client.get("/industry/production/2024/export/?kind=flags").status_code == 404
