"""In a real browser: a date typed into a form reaches the server exactly as typed, and the server alone reads it
(dd/mm/yyyy, or yyyy-mm-dd); the date picker only helps to choose a day and never rewrites what was typed. The
calendar shows its year at a desktop and at a phone width."""
import os
import re
from datetime import date

import pytest

from tests.test_browser import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELD = "Ngày bàn giao đất trên thực địa"  # the project form's land handover date
DATE_ERROR = "Nhập ngày theo dạng dd/mm/yyyy"


@pytest.fixture
def staff_page(live_server, page, make_user):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    user = make_user("chuyenvien", "staff")
    user.set_password("ChuyenVien@2026")
    user.save()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien")
    page.get_by_label("Mật khẩu").fill("ChuyenVien@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    return page


def _open_edit_form(page, live_server, project):
    page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
    return page.get_by_label(FIELD)


def _type(field, text):
    """As a person does: click into the field (the calendar opens), type key by key."""
    field.click()
    field.press_sequentially(text)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2024-06-14", date(2024, 6, 14)),  # yyyy-mm-dd, which the server also reads
        ("1/6/2024", date(2024, 6, 1)),  # day and month without their leading zero
        ("14/06/2024", date(2024, 6, 14)),
    ],
)
def test_a_typed_valid_date_is_saved_as_the_server_reads_it(staff_page, live_server, project, typed, expected):
    page = staff_page
    field = _open_edit_form(page, live_server, project)
    _type(field, typed)
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text(f"Đã lưu dự án {project.code}").wait_for()
    project.refresh_from_db()
    assert project.land_handover_date == expected


@pytest.mark.parametrize("typed", ["31/02/2024", "12/31/2024", "1/6/24"])
def test_a_typed_invalid_date_comes_back_as_an_error_with_the_text_kept(staff_page, live_server, project, typed):
    page = staff_page
    field = _open_edit_form(page, live_server, project)
    _type(field, typed)
    field.press("Tab")  # leaving the field must not rewrite it
    assert field.input_value() == typed
    page.get_by_role("button", name="Lưu").click()
    error = page.locator("#id_land_handover_date_error")
    error.wait_for()
    assert DATE_ERROR in error.inner_text()
    assert page.get_by_label(FIELD).input_value() == typed  # the page came back with the text as typed
    project.refresh_from_db()
    assert project.land_handover_date is None


def test_enter_in_the_field_keeps_the_text_as_typed(staff_page, live_server, project):
    page = staff_page
    field = _open_edit_form(page, live_server, project)
    _type(field, "31/02/2024")
    field.press("Enter")  # flatpickr closes the calendar and leaves the field; the form is not sent
    assert field.input_value() == "31/02/2024"
    page.get_by_role("button", name="Lưu").click()
    page.locator("#id_land_handover_date_error").wait_for()
    assert page.get_by_label(FIELD).input_value() == "31/02/2024"
    project.refresh_from_db()
    assert project.land_handover_date is None


def test_picking_a_day_in_the_calendar_fills_dd_mm_yyyy(staff_page, live_server, project):
    page = staff_page
    field = _open_edit_form(page, live_server, project)
    _type(field, "14/06/2024")
    field.press("Tab")
    field.click()  # the calendar opens on the month of the date typed
    calendar = page.locator(".flatpickr-calendar.open")
    calendar.wait_for()
    day = calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text=re.compile(r"^20$"))
    day.click()
    assert field.input_value() == "20/06/2024"
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text(f"Đã lưu dự án {project.code}").wait_for()
    project.refresh_from_db()
    assert project.land_handover_date == date(2024, 6, 20)


def _box_inside(inner, outer) -> bool:
    return (outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_calendar_shows_its_year_beside_the_longest_month(staff_page, live_server, project, tmp_path, width, height):
    page = staff_page
    page.set_viewport_size({"width": width, "height": height})
    field = _open_edit_form(page, live_server, project)
    _type(field, "14/12/2024")  # Tháng mười hai, the longest Vietnamese month name
    field.press("Tab")
    field.click()
    calendar = page.locator(".flatpickr-calendar.open")
    calendar.wait_for()
    calendar.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")  # fully faded in
    page.screenshot(path=str(tmp_path / f"calendar-{width}.png"))  # to look at when this fails
    year, month = calendar.locator(".cur-year"), calendar.locator(".flatpickr-monthDropdown-months")
    assert year.input_value() == "2024"
    assert month.evaluate("el => el.options[el.selectedIndex].text") == "Tháng mười hai"
    header = calendar.locator(".flatpickr-months").bounding_box()
    previous, following = (calendar.locator(sel).bounding_box() for sel in (".flatpickr-prev-month", ".flatpickr-next-month"))
    shown = year.bounding_box()
    # Month and year on the header's one line (it hides whatever wraps below), between the arrows, not clipped.
    assert _box_inside(shown, header) and _box_inside(month.bounding_box(), header)
    assert previous["x"] + previous["width"] <= month.bounding_box()["x"]
    assert month.bounding_box()["x"] + month.bounding_box()["width"] <= shown["x"]
    assert shown["x"] + shown["width"] <= following["x"]
    digits_width = year.evaluate(
        "el => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = getComputedStyle(el).font; return c.measureText(el.value).width; }"
    )
    room = year.evaluate(
        "el => el.clientWidth - parseFloat(getComputedStyle(el).paddingLeft) - parseFloat(getComputedStyle(el).paddingRight)"
    )
    assert digits_width <= room
    on_top = year.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === el; }"
    )
    assert on_top
