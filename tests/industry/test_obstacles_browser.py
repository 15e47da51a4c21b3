"""In a real browser: a staff user records an action on an obstacle, turns it into a force-majeure period in one
step, and finds the period on the project; the obstacle and khuyến công pages fit a 1366 px screen and a 390 px
phone without scrolling sideways."""
import os
from datetime import date

import pytest
from django.conf import settings

from tests.test_browser import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)
from tests.test_browser_accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
MILLION = 10**6


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


def _fits(page, url, viewport, shot=None):
    """The page at this width: no sideways scroll, and no serious or critical axe violation (WCAG 2.1 AA)."""
    page.set_viewport_size(viewport)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if shot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / shot), full_page=False)
    wide = page.evaluate("""w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60))""", viewport["width"])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"], (url, wide)
    problems = describe(url, viewport["width"], axe_violations(page))
    assert not problems, "\n".join(problems)


def test_an_obstacle_becomes_a_force_majeure_period_in_one_step(staff_page, live_server, make_project):
    from industry.models import Obstacle
    from projects.models import ForceMajeurePeriod

    page = staff_page
    project = make_project(code="DA-2023-015", name="Nhà máy gạch không nung", land_handover_date=date(2023, 5, 3))
    Obstacle.objects.create(title="Đấu nối trạm biến áp 110 kV chậm", kind="power_grid", cluster=project.cluster,
                            agency="Công ty Điện lực Hòa Bình", raised_on=date(2024, 2, 1), target_date=date(2024, 6, 30))
    obstacle = Obstacle.objects.create(
        title="Chưa bàn giao 1,2 ha do chưa giải phóng mặt bằng", kind="land_clearance", cluster=project.cluster,
        project=project, agency="UBND xã Lương Sơn", raised_on=date(2023, 8, 1), target_date=date(2023, 12, 31),
        description="Ba hộ dân chưa nhận tiền bồi thường; xã chưa hoàn thành giải phóng mặt bằng phần đất còn lại.")

    _fits(page, live_server.url + "/industry/obstacles/?unresolved=true", DESKTOP, "obstacles.png")
    assert page.get_by_text("quá hạn").first.is_visible()
    page.get_by_role("link", name=obstacle.title).click()
    page.get_by_role("link", name="Kết quả xử lý").click()
    page.get_by_label("Ngày").fill("15/09/2023")
    page.get_by_label("Nội dung xử lý").fill("Họp với UBND xã và các hộ dân, thống nhất phương án bồi thường bổ sung.")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu kết quả xử lý.").wait_for()

    page.get_by_role("link", name="Chuyển thành thời gian bất khả kháng").click()
    page.get_by_label("Do Nhà nước gây ra").check()
    page.get_by_label("Làm nhà đầu tư không sử dụng được đất").check()
    page.get_by_role("button", name="Ghi thời gian bất khả kháng").click()
    page.get_by_text("Đã ghi thời gian bất khả kháng 01/08/2023").wait_for()
    period = ForceMajeurePeriod.objects.get(project=project)
    assert period.start_date == date(2023, 8, 1) and period.obstacle.pk == obstacle.pk
    _fits(page, live_server.url + obstacle.get_absolute_url(), DESKTOP, "obstacle.png")
    _fits(page, live_server.url + obstacle.get_absolute_url(), PHONE)

    page.goto(live_server.url + project.get_absolute_url())
    assert page.locator("#obstacles").get_by_text(obstacle.title).is_visible()
    _fits(page, live_server.url + project.cluster.get_absolute_url(), PHONE)
    _fits(page, live_server.url + "/industry/obstacles/", PHONE)
    for url in ("/industry/obstacles/new/", obstacle.get_absolute_url() + "actions/new/",
                obstacle.get_absolute_url() + "edit/", obstacle.get_absolute_url() + "force-majeure/"):
        _fits(page, live_server.url + url, DESKTOP)
        _fits(page, live_server.url + url, PHONE)
    _fits(page, live_server.url + "/", DESKTOP)
    assert page.locator("#obstacle-kind-table").get_by_text("Giải phóng mặt bằng").is_visible()


def test_the_khuyen_cong_year_fits_office_screens_and_phones(staff_page, live_server, commune, investor):
    from industry.models import Scheme, SchemePlan

    SchemePlan.objects.create(year=2024, schemes_planned=6, province_budget_vnd=3_500 * MILLION,
                              counterpart_vnd=1_200 * MILLION, decision_number="512/QĐ-UBND", is_sample=True)
    for name, kind, budget, status in (
        ("Tập huấn nâng cao kỹ năng quản lý cho chủ cơ sở mây tre đan", "training", 180, "completed"),
        ("Hỗ trợ máy sấy chè cho HTX chè Tân Lạc", "equipment", 450, "in_progress"),
        ("Mô hình trình diễn kỹ thuật sản xuất gạch không nung", "demonstration", 900, "approved"),
        ("Hội chợ hàng công nghiệp nông thôn tiêu biểu", "trade_promotion", 300, "cancelled"),
    ):
        Scheme.objects.create(year=2024, name=name, kind=kind, commune=commune, approved_on=date(2024, 3, 20),
                              province_budget_vnd=budget * MILLION, counterpart_vnd=budget * MILLION // 3,
                              status=status, completed_on=date(2024, 10, 15) if status == "completed" else None,
                              business_name="" if kind == "equipment" else "Cơ sở sản xuất Lương Sơn",
                              investor=investor if kind == "equipment" else None, is_sample=True)
    _fits(staff_page, live_server.url + "/industry/schemes/year/2024/", DESKTOP, "khuyen-cong.png")
    assert staff_page.get_by_text("512/QĐ-UBND").is_visible()
    assert staff_page.get_by_role("row", name="Số đề án 3 6 50,0 %").is_visible()
    _fits(staff_page, live_server.url + "/industry/schemes/year/2024/", PHONE)
    _fits(staff_page, live_server.url + "/industry/schemes/", PHONE)
    scheme = Scheme.objects.get(kind="equipment")
    for url in (scheme.get_absolute_url(), scheme.get_absolute_url() + "edit/", "/industry/schemes/new/",
                "/industry/schemes/?year=2024&o=-province_budget"):
        _fits(staff_page, live_server.url + url, DESKTOP)
        _fits(staff_page, live_server.url + url, PHONE)
