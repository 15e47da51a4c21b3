"""In a real browser, with the demo data: the search box of the top bar finds clusters, investors and projects
without accents, at 1366 px (beside the one-line menu) and at 390 px (in the folded menu); the results page fits
both. Screenshots: docs/screenshots/search-1366.png and search-390.png."""
import os
from io import StringIO

import pytest

from tests.test_browser import SCREENSHOTS, browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def staff_page(live_server, page):
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien")
    page.get_by_label("Mật khẩu").fill("ChuyenVien@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    return page


def test_the_top_bar_search_finds_without_accents_at_1366_and_390(staff_page, live_server):
    page = staff_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/projects/")
    box = page.get_by_label("Tìm trên toàn hệ thống")
    assert box.is_visible()
    # The menu stays on one line with the box beside it.
    tops = page.locator("#mainnav .nav-link").evaluate_all("links => links.map(l => Math.round(l.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, tops
    assert page.locator("nav.navbar").first.bounding_box()["height"] < 70
    box.fill("luong son")
    with page.expect_navigation():
        box.press("Enter")
    assert "/search/?q=luong+son" in page.url
    clusters = page.locator("#search-clusters")
    assert "Lương Sơn" in clusters.inner_text()
    assert int(clusters.locator(".badge").first.inner_text()) > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    page.screenshot(path=str(SCREENSHOTS / "search-1366.png"), full_page=False)

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    box = page.get_by_label("Tìm trên toàn hệ thống")
    assert not box.is_visible()  # folded with the menu
    page.get_by_role("button", name="Trình đơn").click()
    box.wait_for(state="visible")
    assert box.bounding_box()["width"] > 250  # the menu's width, not a sliver
    box.fill("DONG")
    with page.expect_navigation():
        page.locator("nav").get_by_role("button", name="Tìm kiếm").click()
    assert "Đồng" in page.locator("#search-clusters, #search-investors, #search-projects").all_inner_texts().__str__()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Tên, mã, mã số thuế hoặc số giấy chứng nhận").wait_for()  # the page's own box, kept filled
    assert page.get_by_label("Tên, mã, mã số thuế hoặc số giấy chứng nhận").input_value() == "DONG"
    page.screenshot(path=str(SCREENSHOTS / "search-390.png"), full_page=False)

    # Nothing found: said in words.
    page.goto(live_server.url + "/search/?q=khong+co+gi+nhu+vay")
    assert page.locator("#search-empty").is_visible()
