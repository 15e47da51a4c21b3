"""In a real browser, with the demo data: the production page of 2024 shows the article's February figures (each
sector's change on the month and on the year, electricity with its computed and published changes), the targets
and the months needed; its two charts are drawn from the tables beside them; the Content-Security-Policy blocks
nothing; the page fits 1366 px and 390 px (screenshots in docs/screenshots/)."""
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_browser import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
ARTICLE = {  # sector row: (on January 2024, on February 2023)
    "total": ("-10,58 %", "-15,74 %"),
    "B": ("-38,33 %", "-13,63 %"),
    "C": ("-18,80 %", "-13,11 %"),
    "D": ("+2,73 %", "-18,66 %"),
    "E": ("-7,98 %", "-13,13 %"),
}


@pytest.fixture
def viewer_page(live_server, page):
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("xem")
    page.get_by_label("Mật khẩu").fill("NguoiXem@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    return page


def test_the_year_page_of_2024_shows_the_articles_percentages(viewer_page, live_server):
    page = viewer_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/?year=2024")
    page.locator("#link-production a").click()  # the dashboard links to the year's page
    page.get_by_role("heading", name="Sản xuất công nghiệp và điện năm 2024").wait_for()
    assert page.url.endswith("/industry/production/2024/")

    for sector, (month, year) in ARTICLE.items():
        cells = page.locator(f"#index-2-{sector} td.num").all_inner_texts()
        assert cells[:2] == [month, year], sector
    assert "Toàn ngành công nghiệp" in page.locator("#index-2-total").inner_text()
    february = page.locator("#electricity-2")
    cells = february.locator("td").all_inner_texts()
    assert cells[1] == "441"
    assert "+13 (+3,04 %)" in cells[2] and "số công bố: +3,04 %" in cells[2]
    assert "-106 (-19,38 %)" in cells[3] and "số công bố: -19,43 %" in cells[3]
    assert february.locator(".differs").count() == 1  # the article's −19,43 % is not 106 ÷ 547: flagged
    targets = page.locator("#production-targets")
    assert "+12,00 %" in page.locator("#target-iip").inner_text()
    produced = page.locator("#target-produced td").all_inner_texts()
    assert produced[0] == "8.700" and produced[1].startswith("869") and produced[2] == "9,99 %"
    assert produced[4].startswith("19") and "chậm" in produced[4] and produced[5] == "10"
    assert page.locator("#target-commercial td").first.inner_text() == "1.380"
    assert targets.is_visible()
    assert "MẪU" in page.locator("#sample-notice").inner_text()
    assert page.locator("#index-2-total .sample-badge").count() == 1

    # Both charts drawn, with the latest month's five sectors and the months recorded.
    drawn = page.evaluate("""() => ["index-chart", "electricity-chart"].map((id) => {
        const chart = window.Chart.getChart(document.getElementById(id));
        return chart ? [chart.data.labels.length, chart.data.datasets.length] : null;
    })""")
    assert drawn == [[5, 2], [2, 2]]  # 2 months of 2024; no commercial electricity in the demo: 2 series
    assert not [text for text in console if "Content Security Policy" in text or "Refused" in text]
    page.screenshot(path=str(SCREENSHOTS / "production-1366.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("heading", name="Sản xuất công nghiệp và điện năm 2024").wait_for()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(SCREENSHOTS / "production-390.png"), full_page=True)

    # The year picker goes to another year's page, which says it has no figures.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.locator("#production-year").select_option(str(max(int(v) for v in page.locator("#production-year option").all_inner_texts())))
    page.get_by_role("button", name="Xem").click()
    page.locator("#no-index").wait_for()


def test_staff_records_the_official_figure_over_the_estimate(live_server, page, make_user):
    """A staff user corrects a mistyped figure in the form (the error beside the field, what was typed kept), saves
    the official figure over the demo's estimate, and finds both in the history."""
    from industry.services.production import production_demo_load

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    production_demo_load()
    user = make_user("chuyenvien", "staff")
    user.set_password("ChuyenVien@2026")
    user.save()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien")
    page.get_by_label("Mật khẩu").fill("ChuyenVien@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/industry/production/2024/")
    page.locator("#index-2-total a").click()
    page.get_by_label("So với tháng trước (%)").fill("-10,6 %%")  # the mistake
    page.get_by_label("Lũy kế từ đầu năm so với cùng kỳ (%)").fill("-12,3")
    page.get_by_label("Loại số liệu").select_option(label="Chính thức")
    page.get_by_label("Lý do thay đổi (không bắt buộc)").fill("Số chính thức tháng 2")
    page.get_by_role("button", name="Lưu").click()
    page.locator("#id_vs_previous_month_pct_error").wait_for()
    assert page.get_by_label("Lũy kế từ đầu năm so với cùng kỳ (%)").input_value() == "-12,3"
    page.screenshot(path=str(SCREENSHOTS / "production-form-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "production-form-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})

    page.get_by_label("So với tháng trước (%)").fill("-10,6")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Sản xuất công nghiệp và điện năm 2024").wait_for()
    cells = page.locator("#index-2-total td").all_inner_texts()
    assert cells[2:5] == ["-10,60 %", "-15,74 %", "-12,30 %"] and cells[5].startswith("Chính thức")
    # The year to date of the whole industry now stands against the 12 % target.
    assert "-24,30 điểm phần trăm so với chỉ tiêu" in page.locator("#target-iip").inner_text()

    page.get_by_role("link", name="Lịch sử số liệu").click()
    history = page.locator("#history-table")
    history.wait_for()
    text = history.inner_text()
    assert "Số chính thức tháng 2" in text and "Ước tính → Chính thức" in text and "-10,58 → -10,6" in text
    page.screenshot(path=str(SCREENSHOTS / "production-history-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "production-history-390.png"), full_page=True)
