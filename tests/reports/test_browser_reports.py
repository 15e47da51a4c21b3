"""In a real browser: a leader opens the Reports page from the top bar, chooses the first half of 2024 and reads
form 04 with its figures; no Content Security Policy violation on the way."""
import os

import pytest

from tests.test_browser import SCREENSHOTS, browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_chooses_the_half_year_and_reads_form_04(live_server, page, make_user, province):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    leader = make_user("lanhdao", "leadership")
    leader.set_password("LanhDao@2026")
    leader.save()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("LanhDao@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("heading", name="Báo cáo định kỳ").wait_for()
    page.get_by_label("Năm").fill("2024")
    page.get_by_label("Kỳ").select_option(label="6 tháng đầu năm")
    page.get_by_role("button", name="Chọn kỳ báo cáo").click()
    page.locator("#form-reports").get_by_role("link", name="Xem").first.click()
    page.get_by_text("Kỳ báo cáo: 6 tháng đầu năm 2024 (số liệu tính đến ngày 14/06/2024)").wait_for()
    occupancy = page.locator('tr[data-key="occupancy"] td.num')
    assert occupancy.inner_text() == "36,67"
    assert page.locator('tr[data-key="projects"] td.num').inner_text() == "5"
    page.screenshot(path=str(SCREENSHOTS / "form04.png"), full_page=True)
    assert not [text for text in console if "Content Security Policy" in text], console
