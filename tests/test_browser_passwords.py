"""In Chromium: a user opens the password page from the menu, mistypes the old password, reads the Vietnamese
error, then changes it; a user whose change an administrator asked for is taken to the page and back. Screenshots
docs/screenshots/password-change-1366.png and -390.png."""
import pytest

from tests.test_browser import SCREENSHOTS, browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "Mat-khau-moi-2026"


def _log_in(page, live_server, password="S3cure-pass-2026"):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien")
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_user_changes_their_password_from_the_menu(live_server, page, make_user):
    make_user("chuyenvien", "staff", first_name="Lan")
    page.set_viewport_size({"width": 1366, "height": 768})
    _log_in(page, live_server)
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    page.get_by_role("link", name="Đổi mật khẩu").click()
    page.get_by_role("heading", name="Đổi mật khẩu").wait_for()

    page.get_by_label("Mật khẩu cũ").fill("khong-dung")
    page.locator("#id_new_password1").fill(NEW)
    page.get_by_label("Xác nhận mật khẩu mới").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    error = page.locator("#id_old_password_error")
    error.wait_for()
    assert error.inner_text() == "Mật khẩu cũ không đúng. Hãy nhập lại."
    assert page.locator("#id_new_password1").input_value() == ""  # passwords are never sent back
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "password-change-1366.png"), full_page=True)

    page.get_by_label("Mật khẩu cũ").fill("S3cure-pass-2026")
    page.locator("#id_new_password1").fill(NEW)
    page.get_by_label("Xác nhận mật khẩu mới").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.get_by_role("heading", name="Đã đổi mật khẩu.").wait_for()

    page.get_by_role("button", name="Đăng xuất").click()
    _log_in(page, live_server, NEW)
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()


def test_on_a_phone_a_user_asked_to_change_is_taken_to_the_page_and_back(live_server, page, make_user):
    from tracker.models import PasswordState

    user = make_user("chuyenvien", "staff")
    PasswordState.objects.create(user=user, must_change=True)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server)
    page.wait_for_url("**/account/password/?next=*")
    page.goto(live_server.url + "/projects/")
    page.wait_for_url("**/account/password/?next=%2Fprojects%2F")
    assert page.locator("#must-change").is_visible()
    page.get_by_label("Mật khẩu cũ").fill("S3cure-pass-2026")
    page.locator("#id_new_password1").fill(NEW)
    page.get_by_label("Xác nhận mật khẩu mới").fill(NEW)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "password-change-390.png"), full_page=True)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.wait_for_url("**/projects/")
    page.get_by_text("Đã đổi mật khẩu.").wait_for()
    page.goto(live_server.url + "/watchlist/")
    page.get_by_role("heading", name="Danh sách giám sát").wait_for()
